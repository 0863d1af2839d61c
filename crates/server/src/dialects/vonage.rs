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

use std::cmp::Reverse;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use interlog_core::query::{AgentInteraction, AgentQuery};
use interlog_core::record::{ChannelType, Direction};
use interlog_core::{AgentId, Seconds, TenantId, Timestamp};
use serde_json::{json, Value};

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/compat/vonage/{version}/{account}/agents/recentinteraction",
            get(recent_interaction),
        )
        .route(
            "/compat/vonage/{version}/{account}/agents/{agent_id}/latestInteractions",
            get(latest_interactions),
        )
}

/// An error in Vonage's shape: `{"message": "..."}`.
#[derive(Debug)]
struct VonageError(StatusCode, String);

impl VonageError {
    fn bad_request(message: impl Into<String>) -> Self {
        Self(StatusCode::BAD_REQUEST, message.into())
    }

    fn not_found() -> Self {
        Self(
            StatusCode::NOT_FOUND,
            "The requested resource was not found.".into(),
        )
    }
}

impl From<ApiError> for VonageError {
    fn from(error: ApiError) -> Self {
        let message = match error.status() {
            StatusCode::UNAUTHORIZED if error.message().contains("expired") => {
                "The access token is invalid or has expired".into()
            }
            StatusCode::UNAUTHORIZED => "Authorization has been denied for this request.".into(),
            StatusCode::NOT_FOUND => return Self::not_found(),
            status if status.is_server_error() => "An error has occurred.".into(),
            _ => error.message().to_string(),
        };
        Self(error.status(), message)
    }
}

impl IntoResponse for VonageError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"message": self.1}))).into_response()
    }
}

/// The medium, as Vonage names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Medium {
    Phone,
    Chat,
    Email,
}

impl Medium {
    fn of(channel: Option<ChannelType>) -> Self {
        match channel {
            Some(ChannelType::Voice) => Medium::Phone,
            Some(ChannelType::Email) => Medium::Email,
            _ => Medium::Chat,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Medium::Phone => "Phone",
            Medium::Chat => "Chat",
            Medium::Email => "Email",
        }
    }

    fn channels(self) -> Vec<ChannelType> {
        match self {
            Medium::Phone => vec![ChannelType::Voice],
            Medium::Email => vec![ChannelType::Email],
            Medium::Chat => vec![
                ChannelType::Chat,
                ChannelType::Sms,
                ChannelType::Messaging,
                ChannelType::Social,
                ChannelType::Video,
                ChannelType::WorkItem,
            ],
        }
    }
}

/// One agent connection, as both versions need it.
#[derive(Clone, Debug, PartialEq)]
struct Latest {
    guid: String,
    channel_guid: String,
    medium: Medium,
    direction: Option<Direction>,
    interaction_start: Timestamp,
    channel_start: Timestamp,
    channel_end: Option<Timestamp>,
    duration: Option<Seconds>,
}

impl Latest {
    fn from_item(item: &AgentInteraction) -> Option<Self> {
        let allocation = item.allocation()?;
        Some(Self {
            guid: item.record.interaction_id.to_string(),
            channel_guid: allocation.interaction_agent_id.clone(),
            medium: Medium::of(item.record.channel_type),
            direction: item.record.direction,
            interaction_start: item.record.start_timestamp,
            channel_start: allocation.start_timestamp,
            channel_end: allocation.end_timestamp,
            duration: allocation.handle_time,
        })
    }

    fn active(&self) -> bool {
        self.channel_end.is_none()
    }

    fn active_phone(&self) -> bool {
        self.active() && self.medium == Medium::Phone
    }

    /// When the agent's side of the interaction last changed state.
    fn state_changed_at(&self) -> Timestamp {
        self.channel_end.unwrap_or(self.channel_start)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

/// Orders the connections as each version documents, and keeps `size`.
fn arrange(
    mut items: Vec<Latest>,
    version: Version,
    active_live_first: bool,
    size: usize,
) -> Vec<Latest> {
    match version {
        // Current first (the phone one first when several), then by state change.
        Version::V1 => items.sort_by_key(|l| {
            (
                Reverse(l.active()),
                Reverse(l.active_phone()),
                Reverse(l.state_changed_at()),
            )
        }),
        Version::V2 => items.sort_by_key(|l| Reverse(l.channel_start)),
    }
    if active_live_first {
        items.sort_by_key(|l| Reverse(l.active_phone())); // stable: the order above otherwise
    }
    items.truncate(size);
    items
}

fn render(items: &[Latest], version: Version) -> Value {
    let rendered: Vec<Value> = items
        .iter()
        .map(|l| match version {
            Version::V1 => json!({"start": l.interaction_start.format(0), "guid": l.guid, "hasEnded": !l.active()}),
            Version::V2 => json!({
                "type": l.medium.name(),
                "start": l.channel_start.format(0),
                "guid": l.guid,
                "duration": l.duration.map(Seconds::whole_seconds),
                "direction": l.direction.map(Direction::title),
                "channelGuid": l.channel_guid,
            }),
        })
        .collect();
    json!({"interactions": rendered})
}

/// The version in `Accept: application/json;version=N`.
fn negotiate(headers: &HeaderMap) -> Result<Version, VonageError> {
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
        Some(other) => Err(VonageError(
            StatusCode::NOT_ACCEPTABLE,
            format!("Version {other} is not supported; send Accept: application/json;version=1 or version=2."),
        )),
        None => Err(VonageError::bad_request(
            "An API version is required: send Accept: application/json;version=1 (or version=2).",
        )),
    }
}

struct Options {
    size: usize,
    medium: Option<Medium>,
    active_live_first: bool,
}

/// `size`, `type`, `activeLiveFirst` (names and values case-insensitive, as ASP.NET binds them).
fn options(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Options, VonageError> {
    let Query(pairs) =
        query.map_err(|_| VonageError::bad_request("The query string is malformed."))?;
    let mut options = Options {
        size: 1,
        medium: None,
        active_live_first: false,
    };
    for (name, value) in pairs {
        match name.to_ascii_lowercase().as_str() {
            "size" => {
                options.size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| {
                        VonageError::bad_request("The field size must be between 1 and 100.")
                    })?;
            }
            "type" => {
                options.medium = match value.to_ascii_lowercase().as_str() {
                    "all" => None,
                    "phone" => Some(Medium::Phone),
                    "chat" => Some(Medium::Chat),
                    "email" => Some(Medium::Email),
                    "" => {
                        return Err(VonageError::bad_request(
                            "The InteractionType field is required.",
                        ))
                    }
                    _ => {
                        return Err(VonageError::bad_request(
                            "The field type must be one of All, Phone, Chat, Email.",
                        ))
                    }
                };
            }
            "activelivefirst" => {
                options.active_live_first = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(VonageError::bad_request(
                            "The field activeLiveFirst must be true or false.",
                        ))
                    }
                };
            }
            _ => {
                return Err(VonageError::bad_request(format!(
                    "The parameter {name} is not recognised."
                )))
            }
        }
    }
    Ok(options)
}

fn check_version_segment(version: &str) -> Result<(), VonageError> {
    let digits = version
        .strip_prefix('v')
        .or_else(|| version.strip_prefix('V'));
    match digits {
        Some(d) if !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()) => Ok(()),
        _ => Err(VonageError::not_found()),
    }
}

async fn latest(
    state: &AppState,
    tenant: &TenantId,
    agent: AgentId,
    options: &Options,
    version: Version,
    must_exist: bool,
) -> Result<Value, VonageError> {
    let channels = options.medium.map(Medium::channels).unwrap_or_default();
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
        .await
        .map_err(ApiError::from)?;
    let recent = state
        .store
        .agent_interactions(
            tenant,
            &query(false, options.size as u32 + active.items.len() as u32),
        )
        .await
        .map_err(ApiError::from)?;
    if must_exist && recent.items.is_empty() {
        let anywhere = AgentQuery {
            agent: agent.clone(),
            active_only: false,
            channels: vec![],
            limit: 1,
            after: None,
        };
        if state
            .store
            .agent_interactions(tenant, &anywhere)
            .await
            .map_err(ApiError::from)?
            .items
            .is_empty()
        {
            return Err(VonageError::not_found());
        }
    }
    let mut items: Vec<Latest> = active
        .items
        .iter()
        .chain(&recent.items)
        .filter_map(Latest::from_item)
        .collect();
    items.sort_by(|a, b| a.channel_guid.cmp(&b.channel_guid));
    items.dedup_by(|a, b| a.channel_guid == b.channel_guid);
    Ok(render(
        &arrange(items, version, options.active_live_first, options.size),
        version,
    ))
}

async fn latest_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((version, account, agent)): Path<(String, String, String)>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, VonageError> {
    check_version_segment(&version)?;
    let tenant = principal?.authorize(&account, Scope::Read)?;
    let version = negotiate(&headers)?;
    let options = options(query)?;
    let agent = AgentId::parse(agent).map_err(|_| VonageError::not_found())?;
    Ok(Json(
        latest(&state, &tenant, agent, &options, version, true).await?,
    ))
}

async fn recent_interaction(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path((version, account)): Path<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
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
            VonageError::bad_request("The access token names no agent (an agent_id or sub claim).")
        })?;
    Ok(Json(
        latest(&state, &tenant, agent, &options, version, false).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(&format!("2017-03-30T22:{s}Z")).unwrap()
    }

    fn latest(guid: &str, medium: Medium, start: &str, end: Option<&str>) -> Latest {
        Latest {
            guid: guid.into(),
            channel_guid: format!("ch-{guid}"),
            medium,
            direction: Some(Direction::Inbound),
            interaction_start: at(start),
            channel_start: at(start),
            channel_end: end.map(at),
            duration: end.map(|e| at(e).since(at(start))),
        }
    }

    fn guids(items: &[Latest]) -> Vec<&str> {
        items.iter().map(|l| l.guid.as_str()).collect()
    }

    #[test]
    fn v1_puts_the_current_phone_first_then_orders_by_state_change() {
        let items = vec![
            latest("old-call", Medium::Phone, "10:00", Some("20:00")),
            latest("chat", Medium::Chat, "30:00", None),
            latest("call", Medium::Phone, "35:00", None),
            latest("email", Medium::Email, "00:00", Some("39:00")),
        ];
        assert_eq!(
            guids(&arrange(items.clone(), Version::V1, false, 4)),
            ["call", "chat", "email", "old-call"]
        );
        assert_eq!(
            guids(&arrange(items.clone(), Version::V2, false, 4)),
            ["call", "chat", "old-call", "email"]
        );
        assert_eq!(guids(&arrange(items, Version::V1, false, 1)), ["call"]);
    }

    #[test]
    fn active_live_first_moves_an_active_call_ahead_in_v2() {
        let items = vec![
            latest("call", Medium::Phone, "10:00", None),
            latest("chat", Medium::Chat, "30:00", None),
        ];
        assert_eq!(
            guids(&arrange(items.clone(), Version::V2, false, 3)),
            ["chat", "call"]
        );
        assert_eq!(
            guids(&arrange(items, Version::V2, true, 3)),
            ["call", "chat"]
        );
    }

    #[test]
    fn both_shapes_render_like_the_seed() {
        let call = latest(
            "015b212c-1487-46ba-bbb7-d78d6b1412a5",
            Medium::Phone,
            "40:15",
            Some("56:27"),
        );
        assert_eq!(
            render(std::slice::from_ref(&call), Version::V1),
            json!({"interactions": [{"start": "2017-03-30T22:40:15Z", "guid": "015b212c-1487-46ba-bbb7-d78d6b1412a5", "hasEnded": true}]})
        );
        assert_eq!(
            render(&[call], Version::V2),
            json!({"interactions": [{"type": "Phone", "start": "2017-03-30T22:40:15Z", "guid": "015b212c-1487-46ba-bbb7-d78d6b1412a5",
                "duration": 972, "direction": "Inbound", "channelGuid": "ch-015b212c-1487-46ba-bbb7-d78d6b1412a5"}]})
        );
    }

    #[test]
    fn the_version_comes_from_accept() {
        let with = |accept: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT, accept.parse().unwrap());
            negotiate(&headers)
        };
        assert_eq!(with("application/json;version=1").unwrap(), Version::V1);
        assert_eq!(with("application/json; version=2").unwrap(), Version::V2);
        assert_eq!(
            with("application/json;version=3").unwrap_err().0,
            StatusCode::NOT_ACCEPTABLE
        );
        assert_eq!(
            with("application/json").unwrap_err().0,
            StatusCode::BAD_REQUEST
        );
    }
}
