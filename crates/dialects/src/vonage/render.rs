//! Agent connections -> Vonage's "latest interactions", in either version: which connections
//! (ordered as each version documents) and how each looks.

use std::cmp::Reverse;

use interlog_core::query::AgentInteraction;
use interlog_core::record::{ChannelType, Direction};
use interlog_core::{Seconds, Timestamp};
use serde_json::{json, Value};

/// The medium, as Vonage names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Medium {
    Phone,
    Chat,
    Email,
}

impl Medium {
    pub fn of(channel: Option<ChannelType>) -> Self {
        match channel {
            Some(ChannelType::Voice) => Medium::Phone,
            Some(ChannelType::Email) => Medium::Email,
            _ => Medium::Chat,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Medium::Phone => "Phone",
            Medium::Chat => "Chat",
            Medium::Email => "Email",
        }
    }

    pub fn channels(self) -> Vec<ChannelType> {
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
pub struct Latest {
    pub guid: String,
    pub channel_guid: String,
    pub medium: Medium,
    pub direction: Option<Direction>,
    pub interaction_start: Timestamp,
    pub channel_start: Timestamp,
    pub channel_end: Option<Timestamp>,
    pub duration: Option<Seconds>,
}

impl Latest {
    /// The agent's connection an agent-index item is about (`None` when it has none).
    pub fn from_item(item: &AgentInteraction) -> Option<Self> {
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

    pub fn active(&self) -> bool {
        self.channel_end.is_none()
    }

    pub fn active_phone(&self) -> bool {
        self.active() && self.medium == Medium::Phone
    }

    /// When the agent's side of the interaction last changed state.
    pub fn state_changed_at(&self) -> Timestamp {
        self.channel_end.unwrap_or(self.channel_start)
    }
}

/// The version negotiated in `Accept: application/json;version=N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// Orders the connections as each version documents, and keeps `size`.
pub fn arrange(
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

/// The answer: `{"interactions": [...]}` in `version`'s shape.
pub fn render(items: &[Latest], version: Version) -> Value {
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
}
