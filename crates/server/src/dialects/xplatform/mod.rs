//! X-Platform (Jacada Interact / Uniphore) interaction history and DNIS hand-off,
//! wire-compatible, under `/compat/xplatform`:
//!
//! Agent family, `/interact/agent/version/{v}/account/{accountID}/`:
//! - `uniqueId/dtmf/{dtmf}`, `uniqueId/callReturn/{number}`, `uniqueId/clickToCall/{callerId}`,
//!   `uniqueId/historySearchId/{id}`: the interaction's unique id, as plain text;
//! - `interactiondata/{uid}/fullFlow`, `.../summary`, `.../variableSet/{setId}`;
//! - `photo/{uid}/{img_path}?maxSize=N`: the photo's bytes, scaled down to `maxSize`.
//!
//! DNIS family, `/interact/version/{v}/dnis/`: create a phone, `allocate/new`,
//! `allocate/get/{phone}`, `allocate/free/{phone}` (see [`dnis`]).
//!
//! Credentials as the vendor's clients send them: `Tenant-Id` with `Application-Key` (an
//! Interlog API key's secret), or base64 `User-Id`/`User-Password` (key id and secret).
//! Authentication failures are 401 with `Unauthenticated-Reason` and the documented JSON
//! body; every other error is plain text, as documented.

mod dnis;
pub mod flow;
pub mod photo;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use interlog_core::query::CallerKeyKind;
use interlog_core::record::Interaction;
use interlog_core::{InteractionId, TenantId};
use serde_json::{json, Value};

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    let agent = "/compat/xplatform/interact/agent/version/{version}/account/{account}";
    let dnis = "/compat/xplatform/interact/version/{version}/dnis";
    Router::new()
        .route(
            &format!("{agent}/uniqueId/{{kind}}/{{value}}"),
            get(unique_id),
        )
        .route(
            &format!("{agent}/interactiondata/{{uid}}/fullFlow"),
            get(full_flow),
        )
        .route(
            &format!("{agent}/interactiondata/{{uid}}/summary"),
            get(summary),
        )
        .route(
            &format!("{agent}/interactiondata/{{uid}}/variableSet/{{set}}"),
            get(variable_set),
        )
        .route(
            &format!("{agent}/photo/{{uid}}/{{img_path}}"),
            get(photo_bytes),
        )
        .route(dnis, post(dnis::create_phone))
        .route(&format!("{dnis}/"), post(dnis::create_phone))
        .route(&format!("{dnis}/allocate/new"), post(dnis::allocate))
        .route(
            &format!("{dnis}/allocate/get/{{phone}}"),
            get(dnis::allocation),
        )
        .route(&format!("{dnis}/allocate/free/{{phone}}"), post(dnis::free))
}

/// An X-Platform error: the documented JSON for authentication, plain text otherwise.
#[derive(Debug)]
enum XpError {
    Unauthenticated(String),
    Text(StatusCode, String),
}

impl XpError {
    fn text(status: StatusCode, message: impl Into<String>) -> Self {
        Self::Text(status, message.into())
    }
}

impl From<ApiError> for XpError {
    fn from(error: ApiError) -> Self {
        match error.status() {
            StatusCode::UNAUTHORIZED => Self::Unauthenticated(error.message().to_string()),
            status if status.is_server_error() => Self::text(status, "exception"),
            status => Self::text(status, error.message()),
        }
    }
}

impl IntoResponse for XpError {
    fn into_response(self) -> Response {
        match self {
            XpError::Unauthenticated(reason) => {
                let body = json!({"code": "0x7000000", "message": "Request is unauthorized, missing or wrong credentials",
                    "moreInfoUrl": "http://support.uniphore.com"});
                let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
                // Header values must be visible ASCII; reasons are plain English.
                if let Ok(value) = HeaderValue::from_str(&reason) {
                    response
                        .headers_mut()
                        .insert("unauthenticated-reason", value);
                }
                response
            }
            XpError::Text(status, message) => (
                status,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                message,
            )
                .into_response(),
        }
    }
}

/// `2` or `v2`.
fn check_version(version: &str) -> Result<(), XpError> {
    let digits = version.strip_prefix('v').unwrap_or(version);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(XpError::text(
            StatusCode::NOT_FOUND,
            format!("unknown version {version}"),
        ));
    }
    Ok(())
}

/// The tenant: `Tenant-Id` (required, as the vendor requires it), which must match the
/// account of the path when there is one, and which the credential must grant.
fn authorize(
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
    account: Option<&str>,
    scope: Scope,
) -> Result<TenantId, XpError> {
    let principal = principal?;
    let tenant = headers
        .get("tenant-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .ok_or_else(|| XpError::Unauthenticated("missing Tenant-Id header".into()))?;
    if account.is_some_and(|account| account != tenant) {
        return Err(XpError::text(
            StatusCode::FORBIDDEN,
            "the Tenant-Id header does not match the account",
        ));
    }
    Ok(principal.authorize(tenant, scope)?)
}

async fn record(state: &AppState, tenant: &TenantId, uid: &str) -> Result<Interaction, XpError> {
    let missing = || {
        XpError::text(
            StatusCode::NOT_FOUND,
            format!("Interaction {uid} was not found"),
        )
    };
    let id = InteractionId::parse(uid).map_err(|_| missing())?;
    state
        .store
        .get_interaction(tenant, &id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(missing)
}

async fn unique_id(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, kind, value)): Path<(String, String, String, String)>,
) -> Result<String, XpError> {
    check_version(&version)?;
    let tenant = authorize(principal, &headers, Some(&account), Scope::Read)?;
    let kind = match kind.as_str() {
        "dtmf" => CallerKeyKind::Dtmf,
        "callReturn" => CallerKeyKind::CallReturnNumber,
        "clickToCall" => CallerKeyKind::ClickToCallCallerId,
        "historySearchId" => CallerKeyKind::HistorySearchId,
        _ => {
            return Err(XpError::text(
                StatusCode::NOT_FOUND,
                format!("unknown caller attribute {kind}"),
            ))
        }
    };
    match state
        .store
        .lookup(&tenant, kind, &value)
        .await
        .map_err(ApiError::from)?
    {
        Some(id) => Ok(id.to_string()),
        None => Err(XpError::text(
            StatusCode::NOT_FOUND,
            format!("No interaction was found for {} {value}", kind.as_str()),
        )),
    }
}

/// The interaction a history route names, once version, credentials and account check out.
async fn session(
    state: &AppState,
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
    version: &str,
    account: &str,
    uid: &str,
) -> Result<(TenantId, Interaction), XpError> {
    check_version(version)?;
    let tenant = authorize(principal, headers, Some(account), Scope::Read)?;
    let record = record(state, &tenant, uid).await?;
    Ok((tenant, record))
}

async fn full_flow(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid)): Path<(String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    Ok(Json(flow::full_flow(&record)))
}

async fn summary(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid)): Path<(String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    Ok(Json(flow::summary(&record)))
}

async fn variable_set(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid, set)): Path<(String, String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    flow::variable_set(&record, &set).map(Json).ok_or_else(|| {
        XpError::text(
            StatusCode::NOT_FOUND,
            format!("Variable set {set} was not found"),
        )
    })
}

async fn photo_bytes(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid, img_path)): Path<(String, String, String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, XpError> {
    let (tenant, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    let invalid = |name: &str| {
        XpError::text(
            StatusCode::BAD_REQUEST,
            format!("missing or invalid parameter {name}"),
        )
    };
    let Query(pairs) = query.map_err(|_| invalid("maxSize"))?;
    let mut max_size = None;
    for (name, value) in pairs {
        match name.as_str() {
            "maxSize" => {
                max_size = Some(
                    value
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| invalid("maxSize"))?,
                )
            }
            _ => return Err(invalid(&name)),
        }
    }
    let path = photo::decode_path(&img_path);
    let not_found = || XpError::text(StatusCode::NOT_FOUND, "photo was not found");
    let content_id = record
        .flow_steps
        .iter()
        .flat_map(|step| &step.photos)
        .find(|p| p.content_id == path || p.path.as_deref() == Some(path.as_str()))
        .map(|p| p.content_id.clone())
        .or_else(|| {
            record
                .content
                .binaries
                .iter()
                .find(|b| b.content_id == path)
                .map(|b| b.content_id.clone())
        })
        .ok_or_else(not_found)?;
    let stored = state
        .store
        .get_content(&tenant, &record.interaction_id, &content_id)
        .await
        .map_err(ApiError::from)?
        .ok_or_else(not_found)?;
    let bytes = match max_size {
        Some(max) => photo::scale_down(&stored.bytes, max).map_err(|e| {
            tracing::warn!(error = %e, "photo could not be scaled");
            XpError::text(StatusCode::INTERNAL_SERVER_ERROR, "")
        })?,
        None => stored.bytes,
    };
    Ok(([(CONTENT_TYPE, stored.mime)], bytes).into_response())
}
