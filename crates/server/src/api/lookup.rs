//! `GET .../lookup?dtmf=|callReturnNumber=|clickToCallCallerId=|phone=|historySearchId=`:
//! which interaction a caller key or an allocated phone number points to (the visual-IVR to
//! voice hand-off). When a key was used more than once, the latest interaction wins.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use interlog_core::query::CallerKeyKind;
use interlog_core::InteractionId;
use serde::Serialize;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::AdditionalProperties;
use utoipa::openapi::{ObjectBuilder, OneOfBuilder, Required, Type};
use utoipa::{IntoParams, ToSchema};

use super::params::Params;
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
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

/// What a key is, for the document.
fn description(kind: CallerKeyKind) -> &'static str {
    match kind {
        CallerKeyKind::Dtmf => "Digits the caller keyed in the IVR.",
        CallerKeyKind::CallReturnNumber => "The number the customer asked to be called back on.",
        CallerKeyKind::ClickToCallCallerId => "The caller id of a click-to-call.",
        CallerKeyKind::AllocatedPhone => "A phone number allocated to the interaction (DNIS).",
        CallerKeyKind::HistorySearchId => "The id a visual-IVR session gave for history search.",
    }
}

/// The caller key to look up: exactly one of the parameters, each a caller-key kind.
#[derive(Debug)]
pub(crate) struct LookupParams {
    kind: CallerKeyKind,
    value: String,
}

impl LookupParams {
    /// Reads the query (refusing any other parameter), then checks that one key was given.
    fn parse(mut params: Params) -> Result<Self, ApiError> {
        let mut keys = Vec::new();
        for kind in CallerKeyKind::ALL {
            if let Some(value) = params.text(parameter(kind))? {
                keys.push(Self { kind, value });
            }
        }
        params.finish()?;
        if keys.len() != 1 {
            let names: Vec<&str> = CallerKeyKind::ALL.into_iter().map(parameter).collect();
            return Err(ApiError::bad_request(format!(
                "give exactly one of {}",
                names.join(", ")
            )));
        }
        Ok(keys.remove(0))
    }
}

/// Documented from the same list the parser reads, so the two cannot drift: one exploded
/// form parameter whose value is exactly one of the keys (`?dtmf=4567`).
impl IntoParams for LookupParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let one_key = |kind: CallerKeyKind| {
            let value = ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .description(Some(description(kind)));
            ObjectBuilder::new()
                .property(parameter(kind), value)
                .required(parameter(kind))
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        };
        let keys = CallerKeyKind::ALL
            .into_iter()
            .fold(OneOfBuilder::new(), |one_of, kind| {
                one_of.item(one_key(kind))
            });
        let names: Vec<&str> = CallerKeyKind::ALL.into_iter().map(parameter).collect();
        vec![ParameterBuilder::new()
            .name("key")
            .parameter_in(ParameterIn::Query)
            .required(Required::True)
            .style(Some(ParameterStyle::Form))
            .explode(Some(true))
            .description(Some(format!(
                "Exactly one caller key, as its own parameter: {}.",
                names.join(", ")
            )))
            .schema(Some(keys))
            .build()]
    }
}

/// Which interaction a caller key or an allocated phone number points to; the latest wins.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/lookup", tag = "interactions",
    params(TenantPath, LookupParams),
    responses((status = 200, body = LookupResponse, description = "The interaction"), ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn lookup_interaction(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<LookupResponse>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let LookupParams { kind, value } = LookupParams::parse(Params::new(query)?)?;
    match state.store.lookup(&tenant, kind, &value).await? {
        Some(interaction_id) => Ok(Json(LookupResponse {
            interaction_id,
            key: parameter(kind),
            value,
        })),
        None => Err(ApiError::not_found(format!(
            "no interaction has {} {value:?}",
            parameter(kind)
        ))),
    }
}
