//! Webhooks out: the events a subscription can want, which of them a changed record sends
//! it, and the body a delivery carries (the Standard Webhooks shape: `type`, `timestamp`,
//! `data`). Signing and sending are the server's; storing the outbox is the store's.

use serde::{Deserialize, Serialize};

use crate::record::{ChannelType, Status};
use crate::{Interaction, TenantId, Timestamp};

/// What a delivery announces.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum WebhookEvent {
    /// The record changed (every commit that changes it: a new event, a late one).
    #[serde(rename = "interaction.updated")]
    Updated,
    /// The record became ended (once per interaction, unless an event reopens it).
    #[serde(rename = "interaction.ended")]
    Ended,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 2] = [WebhookEvent::Updated, WebhookEvent::Ended];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::Updated => "interaction.updated",
            WebhookEvent::Ended => "interaction.ended",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// Where this event sorts among one change's deliveries: the update first, then the end.
    pub fn rank(self) -> i64 {
        match self {
            WebhookEvent::Updated => 0,
            WebhookEvent::Ended => 1,
        }
    }
}

/// Where a delivery stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Waiting for its first attempt or its next.
    Pending,
    /// A 2xx answered it.
    Delivered,
    /// Retried for the whole retry period without a 2xx; no more attempts.
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Pending, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// What a subscription wants: its events, and optionally only some queues or channels
/// (empty: every one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFilter {
    pub events: Vec<WebhookEvent>,
    pub queues: Vec<String>,
    pub channels: Vec<ChannelType>,
}

impl WebhookFilter {
    /// Checks the lists (each error names its field), sorted and without repeats.
    pub fn new(
        events: &[String],
        queues: Vec<String>,
        channels: &[String],
    ) -> Result<Self, (&'static str, String)> {
        if events.is_empty() {
            return Err(("events", "give at least one event".into()));
        }
        let mut parsed = (events.iter())
            .map(|name| {
                WebhookEvent::parse(name).ok_or_else(|| {
                    let err = format!("{name:?} is not interaction.updated or interaction.ended");
                    ("events", err)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        parsed.sort();
        parsed.dedup();
        let mut channels = (channels.iter())
            .map(|name| {
                serde_json::from_value(serde_json::Value::String(name.clone()))
                    .map_err(|_| ("channels", format!("{name:?} is not a channel type")))
            })
            .collect::<Result<Vec<ChannelType>, _>>()?;
        channels.sort_by_key(|c| c.as_str());
        channels.dedup();
        if let Some(queue) = queues.iter().find(|q| q.is_empty() || q.len() > 200) {
            return Err(("queues", format!("{queue:?} is not a queue id or name")));
        }
        let mut queues = queues;
        queues.sort();
        queues.dedup();
        Ok(Self {
            events: parsed,
            queues,
            channels,
        })
    }

    /// The events a change of `record` sends, in delivery order; `ended_before` says
    /// whether the record stored before the change had ended.
    pub fn events_for(&self, record: &Interaction, ended_before: bool) -> Vec<WebhookEvent> {
        let channel = record.channel_type;
        if !self.channels.is_empty() && !channel.is_some_and(|c| self.channels.contains(&c)) {
            return Vec::new();
        }
        let queued = |q: &str| self.queues.iter().any(|wanted| wanted == q);
        let in_queue = record.queues.iter().any(|entry| {
            entry.queue_id.as_deref().is_some_and(queued)
                || entry.queue_name.as_deref().is_some_and(queued)
        });
        if !self.queues.is_empty() && !in_queue {
            return Vec::new();
        }
        let ended = record.status == Status::Ended && !ended_before;
        (self.events.iter().copied())
            .filter(|event| *event == WebhookEvent::Updated || ended)
            .collect()
    }
}

/// A delivery's body: `{"type", "timestamp", "data": {"tenantId", "interaction"}}`, the
/// record (as the store keeps it, without its transcript) spliced in as it is.
pub fn body(event: WebhookEvent, at: Timestamp, tenant: &TenantId, record_json: &str) -> String {
    let tenant = serde_json::to_string(tenant.as_str()).expect("a string serializes");
    let at = serde_json::to_string(&at).expect("a timestamp serializes");
    let event = event.as_str();
    format!(
        r#"{{"type":"{event}","timestamp":{at},"data":{{"tenantId":{tenant},"interaction":{record_json}}}}}"#
    )
}

/// Checks a subscription's URL: absolute `http` or `https`, with a host, no credentials.
pub fn check_url(url: &str) -> Result<(), String> {
    let rest = (url.strip_prefix("https://"))
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must be an http:// or https:// URL")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err("must name a host".into());
    }
    if authority.contains('@') {
        return Err("must not carry credentials (sign with the secret instead)".into());
    }
    if url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must be at most 2048 characters, without spaces".into());
    }
    Ok(())
}

/// The prefix of a signing secret (as Standard Webhooks' libraries read it).
pub const SECRET_PREFIX: &str = "whsec_";

/// The key bytes of a secret `whsec_<base64>` (24 to 64 bytes).
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or("must be whsec_ followed by base64 (leave it out to have one made)")?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "is not whsec_ followed by base64")?;
    if !(24..=64).contains(&key.len()) {
        return Err(format!(
            "must hold 24 to 64 bytes, not {} (leave it out to have one made)",
            key.len()
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests;
