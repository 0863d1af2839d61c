//! Canonical record -> Genesys UCS Interaction Resource. Fields the importer kept in
//! `extensions` are rendered back from there; for native records they are derived or left out.

use interlog_core::record::{ChannelType, Direction, Interaction, Status};
use serde_json::{json, Map, Value};

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
    let mut map = Map::new();
    let mut put = |key: &str, value: Value| {
        if !value.is_null() {
            map.insert(key.into(), value);
        }
    };
    let or_kept = |field: &str, derived: Value| kept(rec, field).cloned().unwrap_or(derived);
    let content = format!("{base}/interactions/{}", rec.interaction_id);
    put("interaction_id", json!(rec.interaction_id));
    put(
        "customer_id",
        json!(rec.customer.as_ref().and_then(|c| c.id.as_ref())),
    );
    put("status", json!(status(rec)));
    put(
        "entity_type",
        or_kept("entity_type", json!(entity_type(rec))),
    );
    put("type", or_kept("type", direction(rec)));
    put("sub_type", or_kept("sub_type", Value::Null));
    put("media_type", or_kept("media_type", media_type(rec)));
    put("parent_id", json!(rec.parent_id));
    put("thread_id", json!(rec.thread_id));
    put("external_id", json!(rec.external_ids.get("genesys")));
    put("owner_id", or_kept("owner_id", Value::Null));
    put("creator_app_id", or_kept("creator_app_id", Value::Null));
    put("start_date", json!(rec.start_timestamp));
    put("end_date", json!(rec.end_timestamp));
    put("timeshift", or_kept("timeshift", Value::Null));
    put("allow_children", or_kept("allow_children", Value::Null));
    put("subject", json!(rec.subject));
    put("udata", json!(rec.attributes));
    put("text", json!(format!("{content}/plain_text")));
    put(
        "structured_text",
        json!(format!("{content}/structured_text")),
    );
    put("binary_content", json!(format!("{content}/binary_content")));
    put(
        "structured_text_mime",
        or_kept(
            "structured_text_mime",
            json!(rec.content.structured_text.as_ref().map(|s| &s.mime)),
        ),
    );
    let customer_address = rec.customer.as_ref().and_then(|c| c.address.clone());
    match rec.channel_type {
        Some(ChannelType::Voice) => {
            let seconds = rec.statistics.interaction_time.map(|t| t.whole_seconds());
            put("duration", or_kept("duration", json!(seconds)));
            put("outcome", json!(rec.end_reason));
            put("phone_number", json!(customer_address));
        }
        Some(ChannelType::Email) => {
            let personal = rec.customer.as_ref().and_then(|c| c.name.clone());
            put(
                "from",
                json!(customer_address
                    .map(|address| json!({"address": address, "personal": personal}))),
            );
            put(
                "to",
                json!(rec
                    .contact_point
                    .as_ref()
                    .map(|address| vec![json!({"address": address})])),
            );
            put("cc", kept(rec, "cc").cloned().unwrap_or(Value::Null));
            put(
                "reply_to",
                kept(rec, "reply_to").cloned().unwrap_or(Value::Null),
            );
            put(
                "sent_date",
                or_kept("sent_date", json!(rec.start_timestamp)),
            );
        }
        _ => {
            let first = rec.agents.iter().map(|a| a.start_timestamp).min();
            let last = rec.agents.iter().filter_map(|a| a.end_timestamp).max();
            put(
                "established_date",
                or_kept("established_date", json!(first)),
            );
            put("released_date", or_kept("released_date", json!(last)));
        }
    }
    Value::Object(map)
}
