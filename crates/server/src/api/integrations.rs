//! `/api/v1/admin/tenants/{tenant}/integrations/twilio` (scope `admin`, for that tenant):
//! the Twilio account whose TaskRouter callbacks the tenant takes at
//! `POST /compat/twilio/taskrouter/{tenant}`, and the auth token that proves them.
//!
//! - `PUT` `{"accountSid", "authToken"}` sets it (the token is never shown again);
//! - `GET` answers the account and the callback path;
//! - `DELETE` removes it: callbacks are refused from then on.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The Twilio account of a tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TwilioIntegration {
    /// `AC` and 32 hexadecimal digits.
    #[schema(pattern = "^AC[0-9a-fA-F]{32}$")]
    pub account_sid: String,
    /// The account's auth token (the key of Twilio's request signatures).
    #[schema(min_length = 1, max_length = 256)]
    pub auth_token: String,
}

/// The integration as shown (never its token).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TwilioView {
    pub account_sid: String,
    /// Where to point the Workspace's `EventCallbackUrl` (after this server's public URL).
    pub callback_path: String,
}

const NAME: &str = "twilio";

fn view(tenant: &str, account_sid: &str) -> TwilioView {
    TwilioView {
        account_sid: account_sid.to_string(),
        callback_path: format!("/compat/twilio/taskrouter/{tenant}"),
    }
}

/// Set the tenant's Twilio account, whose signed TaskRouter callbacks it then takes.
#[utoipa::path(put, path = "/api/v1/admin/tenants/{tenant}/integrations/twilio", tag = "admin",
    params(TenantPath),
    request_body = TwilioIntegration,
    responses((status = 200, body = TwilioView), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn put_twilio(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    body: Result<Json<TwilioIntegration>, JsonRejection>,
) -> Result<Json<TwilioView>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let Json(request) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let sid = &request.account_sid;
    if !(sid.len() == 34
        && sid.starts_with("AC")
        && sid[2..].chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(ApiError::invalid_parameter(
            "accountSid",
            "must be AC and 32 hexadecimal digits",
        ));
    }
    let token = request.auth_token.trim();
    if token.is_empty() || token.len() > 256 {
        return Err(ApiError::invalid_parameter(
            "authToken",
            "must be 1 to 256 characters",
        ));
    }
    let config = json!({"accountSid": sid, "authToken": token});
    state.store.put_integration(&tenant, NAME, &config).await?;
    tracing::info!(%tenant, "Twilio integration set");
    Ok(Json(view(tenant.as_str(), sid)))
}

/// The tenant's Twilio account (without its token).
#[utoipa::path(get, path = "/api/v1/admin/tenants/{tenant}/integrations/twilio", tag = "admin",
    params(TenantPath),
    responses((status = 200, body = TwilioView), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn get_twilio(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
) -> Result<Json<TwilioView>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let config = (state.store.integration(&tenant, NAME).await?)
        .ok_or_else(|| ApiError::not_found("no Twilio integration"))?;
    let sid = config["accountSid"].as_str().unwrap_or_default();
    Ok(Json(view(tenant.as_str(), sid)))
}

/// Remove the tenant's Twilio account: its callbacks are refused from then on.
#[utoipa::path(delete, path = "/api/v1/admin/tenants/{tenant}/integrations/twilio", tag = "admin",
    params(TenantPath),
    responses((status = 204, description = "Removed"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn delete_twilio(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
) -> Result<StatusCode, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    if !state.store.delete_integration(&tenant, NAME).await? {
        return Err(ApiError::not_found("no Twilio integration"));
    }
    Ok(StatusCode::NO_CONTENT)
}
