//! X-Platform (Jacada Interact / Uniphore) interaction history and DNIS hand-off,
//! wire-compatible, under `/compat/xplatform`:
//!
//! Agent family, `/interact/agent/version/{v}/account/{accountID}/`:
//! - `uniqueId/dtmf/{dtmf}`, `uniqueId/callReturn/{number}`, `uniqueId/clickToCall/{callerId}`,
//!   `uniqueId/historySearchId/{id}`: the interaction's unique id, as plain text;
//! - `interactiondata/{uid}/fullFlow`, `.../summary`, `.../variableSet/{setId}`;
//! - the same three by caller attribute, `interactiondata/{attr}/fullFlow/byCallerAttribute`,
//!   `.../summary/byCallerAttribute`, `.../variableSet/{setId}/byCallerAttribute`, with
//!   `widerSearch=true|false`: false (the default) matches a history search id, true any
//!   caller key, the latest interaction winning (see [`by_caller`]);
//! - `photo/{uid}/{img_path}?maxSize=N`: the photo's bytes, scaled down to `maxSize`.
//!
//! DNIS family, `/interact/version/{v}/dnis/`: create a phone, `allocate/new`,
//! `allocate/get/{phone}`, `allocate/free/{phone}` (see [`dnis`]).
//!
//! Credentials as the vendor's clients send them: `Tenant-Id` with `Application-Key` (an
//! Interlog API key's secret), or base64 `User-Id`/`User-Password` (key id and secret).
//! Authentication failures are 401 with `Unauthenticated-Reason` and the documented JSON
//! body; every other error is plain text, as documented.

mod by_caller;
mod dnis;
mod photo;

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use interlog_core::query::CallerKeyKind;
use interlog_core::record::Interaction;
use interlog_core::TenantId;
use interlog_dialects::xplatform::error::{self, text, unauthenticated};
use interlog_dialects::xplatform::render;
use interlog_dialects::VendorError;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    documented, each_parameter, read_interaction, Credential, DialectDoc, DialectError, RawQuery,
    Vendor,
};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

const DOC: DialectDoc = DialectDoc {
    base: "/compat/xplatform",
    title: "Interlog: X-Platform (Jacada Interact) interaction history and DNIS hand-off",
    description: "Visual-IVR sessions by caller key, their flow, summary, variable sets and \
                  photos, and the DNIS phone pool. The `byCallerAttribute` forms find the \
                  session by caller attribute: with `widerSearch=false` (the default) a \
                  history search id, with `widerSearch=true` any caller key (DTMF code, \
                  call-return number, click-to-call caller id, allocated DNIS phone, history \
                  search id), the latest interaction winning. Every request names its tenant in \
                  `Tenant-Id`. Credentials: `Application-Key` (an Interlog API key's secret), \
                  or base64 `User-Id` and `User-Password` (key id and secret), or a JWT. \
                  Errors other than 401 are plain text.",
    security: &[
        ("applicationKey", Credential::Header("Application-Key")),
        ("bearer", Credential::Bearer),
    ],
};

pub(super) fn routes() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(unique_id))
        .routes(routes!(full_flow))
        .routes(routes!(summary))
        .routes(routes!(variable_set))
        .routes(routes!(by_caller::full_flow_by_caller))
        .routes(routes!(by_caller::summary_by_caller))
        .routes(routes!(by_caller::variable_set_by_caller))
        .routes(routes!(photo_bytes))
        .routes(routes!(dnis::create_phone))
        // The vendor's clients also post to the collection with a trailing slash.
        .route(
            "/compat/xplatform/interact/version/{version}/dnis/",
            post(dnis::create_phone),
        )
        .routes(routes!(dnis::allocate))
        .routes(routes!(dnis::allocation))
        .routes(routes!(dnis::free));
    documented(&DOC, routes)
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

/// The unique id of the latest interaction a caller key points to.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/uniqueId/{kind}/{value}",
    params(
        ("version" = String, Path, description = "The API version: `2` or `v2`"),
        ("account" = String, Path, description = "The account (the tenant)"),
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        ("kind" = String, Path,
            description = "The caller key: dtmf, callReturn, clickToCall or historySearchId"),
        ("value" = String, Path, description = "The key's value"),
    ),
    responses((status = 200, body = String, content_type = "text/plain", description = "The unique id"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
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

/// `.../version/{version}/account/{account}/.../{uid}`: a session the history routes name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct SessionPath {
    /// The API version: `2` or `v2`.
    version: String,
    /// The account (the tenant); `Tenant-Id` must name it too.
    account: String,
    /// The interaction's unique id.
    uid: String,
}

/// The interaction a history route names, once version, credentials and account check out.
async fn session(
    state: &AppState,
    principal: Result<Principal, ApiError>,
    headers: &HeaderMap,
    path: &SessionPath,
) -> Result<(TenantId, Interaction), XpError> {
    check_version(&path.version)?;
    let tenant = authorize(principal, headers, Some(&path.account), Scope::Read)?;
    let uid = &path.uid;
    let missing = || text(404, format!("Interaction {uid} was not found"));
    let record = read_interaction(state, &tenant, uid, missing).await?;
    Ok((tenant, record))
}

/// The session's whole flow.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{uid}/fullFlow",
    params(
        SessionPath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
    ),
    responses((status = 200, body = Object, description = "The session's flow"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
async fn full_flow(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<SessionPath>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &path).await?;
    Ok(Json(render::full_flow(&record)))
}

/// The session's summary.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{uid}/summary",
    params(
        SessionPath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
    ),
    responses((status = 200, body = Object, description = "The summary"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
async fn summary(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<SessionPath>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &path).await?;
    Ok(Json(render::summary(&record)))
}

/// One variable set of the session.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/interactiondata/{uid}/variableSet/{set}",
    params(
        SessionPath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        VariableSetPath,
    ),
    responses((status = 200, body = Object, description = "The variable set"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
async fn variable_set(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<SessionPath>,
    Path(VariableSetPath { set }): Path<VariableSetPath>,
) -> Result<Json<Value>, XpError> {
    let (_, record) = session(&state, principal, &headers, &path).await?;
    let set = render::variable_set(&record, &set)
        .ok_or_else(|| text(404, format!("Variable set {set} was not found")))?;
    Ok(Json(set))
}

/// `.../variableSet/{set}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct VariableSetPath {
    /// The variable set's id.
    set: String,
}

/// `.../photo/{uid}/{img_path}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct PhotoPath {
    /// The photo's path, as the flow names it.
    img_path: String,
}

/// `maxSize`, the only parameter: a positive number of pixels, if given.
fn max_size(query: RawQuery) -> Result<Option<u32>, VendorError> {
    let invalid = |name: &str| text(400, format!("missing or invalid parameter {name}"));
    let mut max_size = None;
    each_parameter(
        query,
        |_| invalid("maxSize"),
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

/// A photo of the session, scaled down on request.
#[utoipa::path(get, path = "/compat/xplatform/interact/agent/version/{version}/account/{account}/photo/{uid}/{img_path}",
    params(
        SessionPath,
        ("Tenant-Id" = String, Header, description = "The tenant; must match the account"),
        PhotoPath,
        ("maxSize" = Option<u32>, Query, minimum = 1,
            description = "Scale down to at most this many pixels on the longer side"),
    ),
    responses((status = 200, description = "The photo's bytes, with their Content-Type"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
async fn photo_bytes(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(path): Path<SessionPath>,
    Path(PhotoPath { img_path }): Path<PhotoPath>,
    query: RawQuery,
) -> Result<Response, XpError> {
    let (tenant, record) = session(&state, principal, &headers, &path).await?;
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
