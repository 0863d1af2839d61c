//! `GET .../lookup?dtmf=|callReturnNumber=|clickToCallCallerId=|phone=|historySearchId=`:
//! which interaction a caller key or an allocated phone number points to (the visual-IVR to
//! voice hand-off). When a key was used more than once, the latest interaction wins.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::CallerKeyKind;
use interlog_core::InteractionId;
use serde::Serialize;
use utoipa::ToSchema;

use super::params::Params;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::error::ErrorBody;
use crate::openapi::LookupParams;
use crate::state::AppState;

/// The interaction a key points to.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LookupResponse {
    pub interaction_id: InteractionId,
    /// The parameter that was looked up.
    pub key: &'static str,
    pub value: String,
}

/// The query parameter of each key kind (`phone` is the allocated phone number).
fn parameter(kind: CallerKeyKind) -> &'static str {
    match kind {
        CallerKeyKind::AllocatedPhone => "phone",
        other => other.as_str(),
    }
}

/// Which interaction a caller key or an allocated phone number points to; the latest wins.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/lookup", tag = "interactions",
    params(("tenant" = String, Path, description = "The tenant"), LookupParams),
    responses((status = 200, body = LookupResponse, description = "The interaction"), (status = "4XX", body = ErrorBody, description = "Bad input (400, naming the parameter or field), credentials (401, 403), missing (404), too large (413), wrong type (415)"), (status = "5XX", body = ErrorBody, description = "Server or database unavailable; details are in the log")),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn lookup_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path(tenant): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<LookupResponse>, ApiError> {
    let tenant = principal.authorize(&tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let mut keys = Vec::new();
    for kind in CallerKeyKind::ALL {
        if let Some(value) = params.parsed(parameter(kind), |raw| Ok(raw.to_string()))? {
            keys.push((kind, value));
        }
    }
    params.finish()?;
    let names: Vec<&str> = CallerKeyKind::ALL.into_iter().map(parameter).collect();
    let [(kind, value)] = &keys[..] else {
        return Err(ApiError::bad_request(format!(
            "give exactly one of {}",
            names.join(", ")
        )));
    };
    match state.store.lookup(&tenant, *kind, value).await? {
        Some(interaction_id) => Ok(Json(LookupResponse {
            interaction_id,
            key: parameter(*kind),
            value: value.clone(),
        })),
        None => Err(ApiError::not_found(format!(
            "no interaction has {} {value:?}",
            parameter(*kind)
        ))),
    }
}
