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
mod photo;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use interlog_core::query::CallerKeyKind;
use interlog_core::record::Interaction;
use interlog_core::TenantId;
use interlog_dialects::xplatform::error::{self, text, unauthenticated};
use interlog_dialects::xplatform::render;
use interlog_dialects::VendorError;
use serde_json::Value;

use super::{each_parameter, read_interaction, DialectError, RawQuery, Vendor};
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

pub(super) struct XPlatform;

impl Vendor for XPlatform {
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError = error::from_native;
}

type XpError = DialectError<XPlatform>;

/// `2` or `v2`.
fn check_version(version: &str) -> Result<(), VendorError> {
    let digits = version.strip_prefix('v').unwrap_or(version);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(text(404, format!("unknown version {version}")));
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
        .ok_or_else(|| unauthenticated("missing Tenant-Id header"))?;
    if account.is_some_and(|account| account != tenant) {
        let message = "the Tenant-Id header does not match the account";
        return Err(text(403, message).into());
    }
    Ok(principal.authorize(tenant, scope)?)
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
        _ => return Err(text(404, format!("unknown caller attribute {kind}")).into()),
    };
    match state.store.lookup(&tenant, kind, &value).await? {
        Some(id) => Ok(id.to_string()),
        None => {
            let message = format!("No interaction was found for {} {value}", kind.as_str());
            Err(text(404, message).into())
        }
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
    let missing = || text(404, format!("Interaction {uid} was not found"));
    let record = read_interaction(state, &tenant, uid, missing).await?;
    Ok((tenant, record))
}

async fn full_flow(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid)): Path<(String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    Ok(Json(render::full_flow(&record)))
}

async fn summary(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid)): Path<(String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    Ok(Json(render::summary(&record)))
}

async fn variable_set(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid, set)): Path<(String, String, String, String)>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    let set = render::variable_set(&record, &set)
        .ok_or_else(|| text(404, format!("Variable set {set} was not found")))?;
    Ok(Json(set))
}

/// `maxSize`, the only parameter: a positive number of pixels, if given.
fn max_size(query: RawQuery) -> Result<Option<u32>, VendorError> {
    let invalid = |name: &str| text(400, format!("missing or invalid parameter {name}"));
    let mut max_size = None;
    each_parameter(
        query,
        |_| invalid("maxSize"),
        invalid,
        |name, value| {
            if name != "maxSize" {
                return Ok(false);
            }
            let size = value.parse::<u32>().ok().filter(|n| *n > 0);
            max_size = Some(size.ok_or_else(|| invalid(name))?);
            Ok(true)
        },
    )?;
    Ok(max_size)
}

async fn photo_bytes(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, account, uid, img_path)): Path<(String, String, String, String)>,
    query: RawQuery,
) -> Result<Response, XpError> {
    let (tenant, record) = session(&state, principal, &headers, &version, &account, &uid).await?;
    let max_size = max_size(query)?;
    let not_found = || text(404, "photo was not found");
    let content_id =
        photo::content_id(&record, &photo::decode_path(&img_path)).ok_or_else(not_found)?;
    let stored = state
        .store
        .get_content(&tenant, &record.interaction_id, &content_id)
        .await?
        .ok_or_else(not_found)?;
    let bytes = match max_size {
        Some(max) => photo::scale_down(&stored.bytes, max).map_err(|e| {
            tracing::warn!(error = %e, "photo could not be scaled");
            text(500, "")
        })?,
        None => stored.bytes,
    };
    Ok(([(CONTENT_TYPE, stored.mime)], bytes).into_response())
}
