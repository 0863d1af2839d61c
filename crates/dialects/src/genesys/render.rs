//! Canonical record -> Genesys UCS Interaction Resource. Fields the importer kept in
//! `extensions` are rendered back from there; for native records they are derived or left out.

use interlog_core::record::{ChannelType, Direction, Interaction, Status};
use serde_json::{json, Value};

use super::KEPT_PREFIX;

fn kept<'a>(rec: &'a Interaction, field: &str) -> Option<&'a Value> {
    rec.extensions.get(&format!("{KEPT_PREFIX}{field}"))
}

/// 0 NEW, 1 PENDING (queued), 2 IN_PROCESS (an agent is on it), 3 STOPPED.
fn status(rec: &Interaction) -> u8 {
    if rec.status == Status::Ended {
        3
    } else if rec.agents.iter().any(|a| a.end_timestamp.is_none()) {
        2
    } else if rec.queues.iter().any(|q| q.end_timestamp.is_none()) {
        1
    } else {
        0
    }
}

/// 0 EMAIL_IN, 1 EMAIL_OUT, 2 CHAT, 3 PHONE_CALL, 6 COBROWSE (video), 7 open media.
fn entity_type(rec: &Interaction) -> u8 {
    match (rec.channel_type, rec.direction) {
        (Some(ChannelType::Email), Some(Direction::Outbound)) => 1,
        (Some(ChannelType::Email), _) => 0,
        (Some(ChannelType::Chat), _) => 2,
        (Some(ChannelType::Voice), _) => 3,
        (Some(ChannelType::Video), _) => 6,
        _ => 7,
    }
}

fn media_type(rec: &Interaction) -> Value {
    match rec.channel_type {
        Some(ChannelType::WorkItem) => json!("workitem"),
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

fn direction(rec: &Interaction) -> Value {
    json!(rec.direction.map(Direction::title))
}

/// The resource; `base` is the absolute URL of the dialect (for the content URLs).
pub fn render_resource(rec: &Interaction, base: &str) -> Value {
    let mut fields = common(rec);
    fields.extend(content(rec, base));
    fields.extend(match rec.channel_type {
        Some(ChannelType::Voice) => voice(rec),
        Some(ChannelType::Email) => email(rec),
        _ => session(rec),
    });
    let present = fields.into_iter().filter(|(_, value)| !value.is_null());
    Value::Object(present.map(|(key, value)| (key.into(), value)).collect())
}

/// The field as imported, else `derived`.
fn or_kept(rec: &Interaction, field: &str, derived: Value) -> Value {
    kept(rec, field).cloned().unwrap_or(derived)
}

type Fields = Vec<(&'static str, Value)>;

/// What every resource has: identity, kind, times, user data.
fn common(rec: &Interaction) -> Fields {
    let kept_only = |field| or_kept(rec, field, Value::Null);
    vec![
        ("interaction_id", json!(rec.interaction_id)),
        (
            "customer_id",
            json!(rec.customer.as_ref().and_then(|c| c.id.as_ref())),
        ),
        ("status", json!(status(rec))),
        (
            "entity_type",
            or_kept(rec, "entity_type", json!(entity_type(rec))),
        ),
        ("type", or_kept(rec, "type", direction(rec))),
        ("sub_type", kept_only("sub_type")),
        ("media_type", or_kept(rec, "media_type", media_type(rec))),
        ("parent_id", json!(rec.parent_id)),
        ("thread_id", json!(rec.thread_id)),
        ("external_id", json!(rec.external_ids.get("genesys"))),
        ("owner_id", kept_only("owner_id")),
        ("creator_app_id", kept_only("creator_app_id")),
        ("start_date", json!(rec.start_timestamp)),
        ("end_date", json!(rec.end_timestamp)),
        ("timeshift", kept_only("timeshift")),
        ("allow_children", kept_only("allow_children")),
        ("subject", json!(rec.subject)),
        ("udata", json!(rec.attributes)),
    ]
}

/// The links to the content, which the resource does not carry itself.
fn content(rec: &Interaction, base: &str) -> Fields {
    let content = format!("{base}/interactions/{}", rec.interaction_id);
    let mime = rec.content.structured_text.as_ref().map(|s| &s.mime);
    vec![
        ("text", json!(format!("{content}/plain_text"))),
        (
            "structured_text",
            json!(format!("{content}/structured_text")),
        ),
        ("binary_content", json!(format!("{content}/binary_content"))),
        (
            "structured_text_mime",
            or_kept(rec, "structured_text_mime", json!(mime)),
        ),
    ]
}

fn customer_address(rec: &Interaction) -> Option<String> {
    rec.customer.as_ref().and_then(|c| c.address.clone())
}

/// A call: its length in whole seconds, outcome and number.
fn voice(rec: &Interaction) -> Fields {
    let seconds = rec.statistics.interaction_time.map(|t| t.whole_seconds());
    vec![
        ("duration", or_kept(rec, "duration", json!(seconds))),
        ("outcome", json!(rec.end_reason)),
        ("phone_number", json!(customer_address(rec))),
    ]
}

/// An e-mail: sender (the customer), recipient (the contact point), copies, sending date.
fn email(rec: &Interaction) -> Fields {
    let personal = rec.customer.as_ref().and_then(|c| c.name.clone());
    let from =
        customer_address(rec).map(|address| json!({"address": address, "personal": personal}));
    let to = rec
        .contact_point
        .as_ref()
        .map(|address| vec![json!({ "address": address })]);
    vec![
        ("from", json!(from)),
        ("to", json!(to)),
        ("cc", or_kept(rec, "cc", Value::Null)),
        ("reply_to", or_kept(rec, "reply_to", Value::Null)),
        (
            "sent_date",
            or_kept(rec, "sent_date", json!(rec.start_timestamp)),
        ),
    ]
}

/// A chat or other session: when the first agent joined and the last one left.
fn session(rec: &Interaction) -> Fields {
    let first = rec.agents.iter().map(|a| a.start_timestamp).min();
    let last = rec.agents.iter().filter_map(|a| a.end_timestamp).max();
    vec![
        (
            "established_date",
            or_kept(rec, "established_date", json!(first)),
        ),
        ("released_date", or_kept(rec, "released_date", json!(last))),
    ]
}
