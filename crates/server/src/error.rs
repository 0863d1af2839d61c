//! The native API's one error shape and the policy behind it.
//!
//! Every error body is `{"code", "message", "fields": [{"name", "description"}]}`: `code` is
//! a stable machine-readable string, `message` is for people, `fields` names the parameters
//! or fields at fault. Client errors say exactly what is wrong. Server errors (5xx) say
//! nothing about the cause: the full cause chain goes to the log instead.

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use interlog_store::StoreError;
use serde::Serialize;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

/// An error answered by the native API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    /// Seconds to wait, for 429.
    retry_after: Option<u64>,
}

/// The body of every native API error.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Stable and machine-readable: bad_request, invalid_parameter, unauthorized, forbidden,
    /// not_found, method_not_allowed, conflict, payload_too_large, unsupported_media_type,
    /// rate_limited, internal, unavailable.
    code: &'static str,
    /// For people: what is wrong and, where it helps, what to do.
    message: String,
    /// The parameters or fields at fault.
    fields: Vec<FieldError>,
    /// On a 5xx: the request's id (its `x-request-id`), which every log line of the request
    /// carries, so an operator finds the failure from a user's report.
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
}

/// A field or parameter at fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub name: String,
    pub description: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                fields: Vec::new(),
                request_id: None,
            },
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 400 naming the parameter at fault.
    pub fn invalid_parameter(name: &str, description: impl Into<String>) -> Self {
        let description = description.into();
        let mut error = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("{name}: {description}"),
        );
        error.body.fields.push(FieldError {
            name: name.into(),
            description,
        });
        error
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this route does not accept that method",
        )
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the body exceeds the limit of {limit} bytes"),
        )
    }

    /// 429 with `Retry-After` (whole seconds, at least 1).
    pub fn too_many_requests(wait: std::time::Duration) -> Self {
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests from this credential; retry in {seconds} s"),
        );
        error.retry_after = Some(seconds);
        error
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        )
    }

    /// A failure that is ours, not the client's: logged in full, answered generically.
    pub fn internal(error: &(dyn std::error::Error + 'static)) -> Self {
        tracing::error!(error = %error_chain(error), "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; it has been logged with the request id",
        )
    }

    /// 503 for a readiness probe: the schema's state is said (it is no secret and tells the
    /// operator what to run); a database error is logged and answered generically.
    pub fn not_ready(error: StoreError) -> Self {
        let message = match &error {
            StoreError::Config(message) => message.clone(),
            _ => {
                tracing::warn!(error = %error_chain(&error), "not ready");
                "the database does not answer".into()
            }
        };
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The human-readable message (dialects put it in their vendor's error shape).
    pub fn message(&self) -> &str {
        &self.body.message
    }

    /// Seconds to wait before retrying, for 429.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The parameter or field at fault, if one is named.
    pub fn field(&self) -> Option<&str> {
        self.body.fields.first().map(|f| f.name.as_str())
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        if error.is_unstorable_text() {
            // The net under the checks that name the field (events, paths and queries).
            tracing::warn!(error = %error, "a value the database cannot store");
            return ApiError::bad_request(
                "a value holds a character the database cannot store (such as NUL, U+0000)",
            );
        }
        let unavailable = error.is_unavailable();
        let mut api = ApiError::internal(&error);
        if unavailable {
            api.status = StatusCode::SERVICE_UNAVAILABLE;
            api.body.code = "unavailable";
            api.body.message = "the database is busy or unavailable; retry shortly".into();
        }
        api
    }
}

/// The error answers of every route, documented once: a route's `responses(...)` names
/// `ApiError` after its own successes.
impl IntoResponses for ApiError {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let error = |description: &str| {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build();
            ResponseBuilder::new()
                .description(description)
                .content("application/json", body)
                .build()
                .into()
        };
        BTreeMap::from([
            (
                "4XX".to_string(),
                error(
                    "Bad input (400, naming the parameter or field), credentials (401, 403), \
                     missing (404), too large (413), wrong type (415), too many requests (429)",
                ),
            ),
            (
                "5XX".to_string(),
                error("Server or database unavailable; details are in the log"),
            ),
        ])
    }
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        if self.status.is_server_error() {
            self.body.request_id = crate::request_id::current();
        }
        let mut response = (self.status, Json(self.body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
