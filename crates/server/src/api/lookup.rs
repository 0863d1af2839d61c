//! `GET .../lookup?dtmf=|callReturnNumber=|clickToCallCallerId=|phone=|historySearchId=`:
//! which interaction a caller key or an allocated phone number points to (the visual-IVR to
//! voice hand-off). When a key was used more than once, the latest interaction wins.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::CallerKeyKind;
use serde_json::{json, Value};

use super::params::Params;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The query parameter of each key kind (`phone` is the allocated phone number).
fn parameter(kind: CallerKeyKind) -> &'static str {
    match kind {
        CallerKeyKind::AllocatedPhone => "phone",
        other => other.as_str(),
    }
}

pub(super) async fn lookup_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path(tenant): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
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
        return Err(ApiError::bad_request(format!("give exactly one of {}", names.join(", "))));
    };
    match state.store.lookup(&tenant, *kind, value).await? {
        Some(id) => Ok(Json(json!({"interactionId": id, "key": parameter(*kind), "value": value}))),
        None => Err(ApiError::not_found(format!("no interaction has {} {value:?}", parameter(*kind)))),
    }
}
