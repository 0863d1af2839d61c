//! OAuth 2.0 client credentials (RFC 6749 §4.4), the token endpoint Talkdesk's and Vonage's
//! clients call first: an Interlog API key is the client (`client_id` = key id,
//! `client_secret` = secret), authenticated by HTTP Basic or by form fields, and the answer
//! is a bearer token Interlog accepts. Errors are OAuth's `{error, error_description}`, as
//! token endpoints answer whatever the API behind them.
//!
//! Tolerated as real clients send it: `grant_type` (and the other fields) in the query
//! string instead of the body, any Content-Type on the body, and `scope` names Interlog does
//! not know (ignored; the token carries the key's scopes that were asked for, or all of
//! them when none that Interlog knows was asked for).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::exchange::{Issued, TokenRequest};
use crate::auth::Scope;
use crate::error::ApiError;
use crate::state::AppState;

/// An OAuth error answer.
#[derive(Debug)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }
}

impl From<ApiError> for OAuthError {
    fn from(error: ApiError) -> Self {
        let (status, code) = match error.status() {
            StatusCode::UNAUTHORIZED => (StatusCode::UNAUTHORIZED, "invalid_client"),
            // The only refusal after the client is known: none of the scopes asked for.
            StatusCode::FORBIDDEN => (StatusCode::BAD_REQUEST, "invalid_scope"),
            StatusCode::TOO_MANY_REQUESTS => (StatusCode::TOO_MANY_REQUESTS, "slow_down"),
            s if s.is_server_error() => (s, "temporarily_unavailable"),
            s => (s, "invalid_request"),
        };
        Self::new(status, code, error.message())
    }
}

/// An OAuth error body.
#[derive(Serialize, ToSchema)]
pub(crate) struct OAuthErrorBody {
    /// invalid_request, invalid_client, invalid_scope, unsupported_grant_type, slow_down,
    /// temporarily_unavailable.
    error: &'static str,
    error_description: String,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error,
            error_description: self.description,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = "Basic realm=\"interlog\"".parse().expect("a header value");
            response.headers_mut().insert(WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// A client-credentials request, from the Authorization header, the query and the body.
#[derive(Debug, Default, PartialEq, ToSchema)]
pub(crate) struct Grant {
    /// `client_credentials`.
    grant_type: Option<String>,
    /// The API key's id (or send HTTP Basic).
    client_id: Option<String>,
    /// The API key's secret (or send HTTP Basic).
    client_secret: Option<String>,
    /// Scopes to narrow the token to, separated by spaces; default the key's.
    scope: Option<String>,
}

impl Grant {
    /// Fields of the body win over those of the query; Basic credentials over form fields.
    fn read(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Result<Self, OAuthError> {
        let mut grant = Grant::default();
        let query: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
            .map_err(|e| OAuthError::invalid_request(format!("the query is malformed: {e}")))?;
        let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| OAuthError::invalid_request(format!("the body is not a form: {e}")))?;
        for (name, value) in query.into_iter().chain(form) {
            let field = match name.as_str() {
                "grant_type" => &mut grant.grant_type,
                "client_id" => &mut grant.client_id,
                "client_secret" => &mut grant.client_secret,
                "scope" => &mut grant.scope,
                _ => continue,
            };
            *field = Some(value);
        }
        if let Some((id, secret)) = basic(headers)? {
            grant.client_id = Some(id);
            grant.client_secret = Some(secret);
        }
        Ok(grant)
    }

    /// The scopes asked for that Interlog knows.
    fn scopes(&self) -> Vec<Scope> {
        let names = self.scope.as_deref().unwrap_or("");
        names
            .split([' ', ','])
            .filter_map(Scope::from_claim)
            .collect()
    }
}

/// `Authorization: Basic base64(client_id:client_secret)`, if sent.
fn basic(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the Basic client credentials are malformed",
        )
    };
    let value = value.to_str().map_err(|_| malformed())?;
    let Some(encoded) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, rest)| rest.trim())
    else {
        return Err(malformed());
    };
    let decoded = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((id.to_string(), secret.to_string())))
}

/// The token endpoint: client credentials in, a bearer token out.
pub(crate) async fn token(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let grant = Grant::read(&headers, uri.query(), &body)?;
    match grant.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            let message = format!("{other:?} is not supported; use client_credentials");
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                message,
            ));
        }
        None => return Err(OAuthError::invalid_request("grant_type is required")),
    }
    let (Some(id), Some(secret)) = (&grant.client_id, &grant.client_secret) else {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "send the client credentials as HTTP Basic or as client_id and client_secret",
        ));
    };
    let issued = state
        .auth
        .exchange(TokenRequest {
            key_id: id,
            secret,
            scopes: grant.scopes(),
            ..TokenRequest::default()
        })
        .await?;
    Ok(([(CACHE_CONTROL, "no-store")], Json(TokenAnswer::of(issued))).into_response())
}

/// A token, as OAuth answers it.
#[derive(Serialize, ToSchema)]
pub(crate) struct TokenAnswer {
    access_token: String,
    /// `Bearer`.
    token_type: &'static str,
    /// Seconds the token lives.
    expires_in: i64,
    /// The token's scopes, separated by spaces.
    scope: String,
}

impl TokenAnswer {
    fn of(issued: Issued) -> Self {
        Self {
            scope: issued.scope(),
            access_token: issued.token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(authorization: Option<&str>, query: &str, body: &str) -> Grant {
        let mut headers = HeaderMap::new();
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value.parse().unwrap());
        }
        Grant::read(&headers, Some(query), body.as_bytes()).unwrap()
    }

    #[test]
    fn the_grant_comes_from_the_body_the_query_or_basic() {
        let grant = read(
            None,
            "",
            "grant_type=client_credentials&client_id=k&client_secret=a%2Bb&scope=x",
        );
        assert_eq!(grant.client_secret.as_deref(), Some("a+b"));
        assert_eq!(grant.scope.as_deref(), Some("x"));
        let basic = format!("Basic {}", STANDARD.encode("k2:s2"));
        let grant = read(Some(&basic), "grant_type=client_credentials", "");
        assert_eq!(grant.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(
            (grant.client_id.as_deref(), grant.client_secret.as_deref()),
            (Some("k2"), Some("s2"))
        );
    }

    #[test]
    fn only_known_scopes_are_asked_for() {
        let grant = Grant {
            scope: Some("interactions:read callback:write".into()),
            ..Grant::default()
        };
        assert_eq!(grant.scopes(), vec![Scope::Read]);
    }
}
