//! Vonage Contact Center (NewVoiceMedia) "latest interactions" of an agent, wire-compatible,
//! under `/compat/vonage`:
//! - `GET /v{n}/{accountKey}/agents/{agentId}/latestInteractions`
//! - `GET /v{n}/{accountKey}/agents/recentinteraction` (the caller's own agent: the token's
//!   `agent_id` claim, else its `sub`)
//!
//! The version is negotiated in `Accept: application/json;version=N`: version 1 is the
//! documented `{start, guid, hasEnded}`; version 2 the documented "plans for versions > 1"
//! (`type, start, guid, duration, direction, channelGuid`). Diallers poll this for every
//! agent, so it reads only the (tenant, agent, time) index: the agent's open allocations,
//! then the latest ones.
//!
//! Interlog's choices where the vendor is silent: media map voice → Phone, email → Email,
//! every other channel → Chat; `hasEnded` and `duration` are about the agent's own
//! connection (a transferred-away agent's call has ended for them); an agent with no
//! interaction at all in the account is unknown (404), except the caller's own agent, whose
//! list is simply empty.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use interlog_core::query::{AgentInteraction, AgentQuery};
use interlog_core::{AgentId, TenantId};
use interlog_dialects::vonage::error::{self, bad_request, not_found};
use interlog_dialects::vonage::render::{arrange, render, Latest, Medium, Version};
use interlog_dialects::VendorError;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::oauth::{self, Grant, OAuthError, OAuthErrorBody, TokenAnswer};
use super::{
    authorize_read, documented, each_parameter, Credential, DialectDoc, DialectError, RawQuery,
    Vendor,
};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

const DOC: DialectDoc = DialectDoc {
    base: "/compat/vonage",
    title: "Interlog: Vonage Contact Center latest interactions of an agent",
    description: "An agent's latest interactions, as diallers poll them. The version is \
                  negotiated in `Accept: application/json;version=N` (1 or 2). \
                  Credentials: a bearer token.",
    security: &[
        ("bearer", Credential::Bearer),
        ("clientBasic", Credential::Basic),
    ],
};

/// The V0 token endpoint: OAuth 2 client credentials, Basic `accountKey:secret` (an API
/// key's id and secret) or the same as form fields.
#[utoipa::path(post, path = "/compat/vonage/{version}/oauth2/token",
    params(("version" = String, Path, description = "`v` and a number, e.g. `v0`")),
    request_body(content = Grant, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = TokenAnswer, description = "The token"),
        (status = "4XX", body = OAuthErrorBody, description = "OAuth's error")),
    security((), ("clientBasic" = [])))]
async fn oauth2_token(
    state: State<AppState>,
    Path(version): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Response> {
    // An unknown version is an unknown route, in Vonage's shape; the rest is OAuth's.
    check_version_segment(&version).map_err(|e| VonageError::from(e).into_response())?;
    oauth::token(state, uri, headers, body)
        .await
        .map_err(IntoResponse::into_response)
}

/// The identity server's token endpoint (`/Auth/connect/token`), the same handshake.
#[utoipa::path(post, path = "/compat/vonage/Auth/connect/token",
    request_body(content = Grant, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = TokenAnswer, description = "The token"),
        (status = "4XX", body = OAuthErrorBody, description = "OAuth's error")),
    security((), ("clientBasic" = [])))]
async fn connect_token(
    state: State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    oauth::token(state, uri, headers, body).await
}

pub(super) fn routes() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(oauth2_token))
        .routes(routes!(connect_token))
        .routes(routes!(recent_interaction))
        .routes(routes!(latest_interactions));
    documented(&DOC, routes)
}

pub(super) struct Vonage;

impl Vendor for Vonage {
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError = error::from_native;
}

type VonageError = DialectError<Vonage>;

/// The version in `Accept: application/json;version=N`.
fn negotiate(headers: &HeaderMap) -> Result<Version, VendorError> {
    let accept = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let version = accept.split(',').find_map(|media| {
        let mut parts = media.split(';').map(str::trim);
        let kind = parts.next()?.to_ascii_lowercase();
        if kind != "application/json" && kind != "*/*" {
            return None;
        }
        parts.find_map(|p| {
            p.strip_prefix("version=")
                .map(|v| v.trim_matches('"').to_string())
        })
    });
    match version.as_deref() {
        Some("1") => Ok(Version::V1),
        Some("2") => Ok(Version::V2),
        Some(other) => Err(error::error(
            406,
            format!("Version {other} is not supported; send Accept: application/json;version=1 or version=2."),
        )),
        None => Err(bad_request(
            "An API version is required: send Accept: application/json;version=1 (or version=2).",
        )),
    }
}

/// The latest-interactions options, as both routes take them.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
struct Options {
    /// How many, 1 to 100; default 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    size: usize,
    /// All, Phone, Chat or Email (any case); default All.
    #[param(rename = "type", value_type = Option<String>)]
    medium: Option<Medium>,
    /// Open interactions first; default false.
    #[param(rename = "activeLiveFirst", value_type = Option<bool>)]
    active_live_first: bool,
}

impl Options {
    /// Takes one parameter (name lower-cased); false when the endpoint has no such parameter.
    fn take(&mut self, name: &str, value: &str) -> Result<bool, VendorError> {
        let value = value.to_ascii_lowercase();
        match name {
            "size" => {
                self.size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad_request("The field size must be between 1 and 100."))?;
            }
            "type" => {
                self.medium = match value.as_str() {
                    "all" => None,
                    "phone" => Some(Medium::Phone),
                    "chat" => Some(Medium::Chat),
                    "email" => Some(Medium::Email),
                    "" => return Err(bad_request("The InteractionType field is required.")),
                    _ => {
                        return Err(bad_request(
                            "The field type must be one of All, Phone, Chat, Email.",
                        ))
                    }
                };
            }
            "activelivefirst" => {
                self.active_live_first = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(bad_request(
                            "The field activeLiveFirst must be true or false.",
                        ))
                    }
                };
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `size`, `type`, `activeLiveFirst` (names and values case-insensitive, as ASP.NET binds them).
fn options(query: RawQuery) -> Result<Options, VendorError> {
    let mut options = Options {
        size: 1,
        medium: None,
        active_live_first: false,
    };
    each_parameter(
        query,
        |_| bad_request("The query string is malformed."),
        |name, value| options.take(&name.to_ascii_lowercase(), &value),
    )?;
    Ok(options)
}

fn check_version_segment(version: &str) -> Result<(), VendorError> {
    let digits = version
        .strip_prefix('v')
        .or_else(|| version.strip_prefix('V'));
    match digits {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => Ok(()),
        _ => Err(not_found()),
    }
}

/// The agent's connections in `tenant`: the open ones, then the latest `size` (more than
/// `size` in all, so that arranging them can put open ones first).
async fn connections(
    state: &AppState,
    tenant: &TenantId,
    agent: &AgentId,
    medium: Option<Medium>,
    size: usize,
) -> Result<Vec<AgentInteraction>, VonageError> {
    let channels = medium.map(Medium::channels).unwrap_or_default();
    let query = |active_only, limit| AgentQuery {
        agent: agent.clone(),
        active_only,
        channels: channels.clone(),
        limit,
        after: None,
    };
    let active = state
        .store
        .agent_interactions(tenant, &query(true, 100))
        .await?;
    let limit = size as u32 + active.items.len() as u32;
    let recent = state
        .store
        .agent_interactions(tenant, &query(false, limit))
        .await?;
    Ok(active.items.into_iter().chain(recent.items).collect())
}

/// Whether the agent has any interaction at all in `tenant`.
async fn agent_known(
    state: &AppState,
    tenant: &TenantId,
    agent: &AgentId,
) -> Result<bool, VonageError> {
    let anywhere = AgentQuery {
        agent: agent.clone(),
        active_only: false,
        channels: vec![],
        limit: 1,
        after: None,
    };
    let page = state.store.agent_interactions(tenant, &anywhere).await?;
    Ok(!page.items.is_empty())
}

/// The answer for `agent`; an agent with no interaction at all is unknown when `must_exist`.
async fn latest(
    state: &AppState,
    tenant: &TenantId,
    agent: AgentId,
    options: &Options,
    version: Version,
    must_exist: bool,
) -> Result<Value, VonageError> {
    let found = connections(state, tenant, &agent, options.medium, options.size).await?;
    if must_exist && found.is_empty() && !agent_known(state, tenant, &agent).await? {
        return Err(not_found().into());
    }
    let mut items: Vec<Latest> = found.iter().filter_map(Latest::from_item).collect();
    items.sort_by(|a, b| a.channel_guid.cmp(&b.channel_guid));
    items.dedup_by(|a, b| a.channel_guid == b.channel_guid);
    Ok(render(
        &arrange(items, version, options.active_live_first, options.size),
        version,
    ))
}

/// The latest interactions of an agent.
#[utoipa::path(get, path = "/compat/vonage/{version}/{accountKey}/agents/{agentId}/latestInteractions",
    params(
        ("version" = String, Path, description = "`v` and a number, e.g. `v0`"),
        ("accountKey" = String, Path, description = "The account (the tenant)"),
        ("agentId" = String, Path, description = "The agent"),
        ("Accept" = String, Header, example = "application/json;version=2",
            description = "`application/json;version=1` or `version=2`"),
        Options,
    ),
    responses((status = 200, body = Vec<Object>, description = "The interactions"), VonageError),
    security(("bearer" = [])))]
async fn latest_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((version, account, agent)): Path<(String, String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Json<Value>, VonageError> {
    check_version_segment(&version)?;
    let tenant = authorize_read(principal, &account)?;
    let version = negotiate(&headers)?;
    let options = options(query)?;
    let agent = AgentId::parse(agent).map_err(|_| not_found())?;
    Ok(Json(
        latest(&state, &tenant, agent, &options, version, true).await?,
    ))
}

/// The latest interactions of the caller's own agent (the token's `agent_id`, else `sub`).
#[utoipa::path(get, path = "/compat/vonage/{version}/{accountKey}/agents/recentinteraction",
    params(
        ("version" = String, Path, description = "`v` and a number, e.g. `v0`"),
        ("accountKey" = String, Path, description = "The account (the tenant)"),
        ("Accept" = String, Header, example = "application/json;version=2",
            description = "`application/json;version=1` or `version=2`"),
        Options,
    ),
    responses((status = 200, body = Vec<Object>, description = "The interactions"), VonageError),
    security(("bearer" = [])))]
async fn recent_interaction(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((version, account)): Path<(String, String)>,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Json<Value>, VonageError> {
    check_version_segment(&version)?;
    let principal = principal?;
    let tenant = principal.authorize(&account, Scope::Read)?;
    let version = negotiate(&headers)?;
    let options = options(query)?;
    let agent = principal
        .agent_id
        .as_deref()
        .and_then(|a| AgentId::parse(a).ok())
        .ok_or_else(|| {
            bad_request("The access token names no agent (an agent_id or sub claim).")
        })?;
    Ok(Json(
        latest(&state, &tenant, agent, &options, version, false).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_comes_from_accept() {
        let with = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, accept.parse().unwrap());
            negotiate(&headers)
        };
        assert_eq!(with("application/json;version=1").unwrap(), Version::V1);
        assert_eq!(with("application/json; version=2").unwrap(), Version::V2);
        assert_eq!(with("application/json;version=3").unwrap_err().status, 406);
        assert_eq!(with("application/json").unwrap_err().status, 400);
    }
}
