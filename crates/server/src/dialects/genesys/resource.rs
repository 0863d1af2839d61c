//! The Genesys UCS Interaction Resource, both ways: rendered from the canonical record, and
//! parsed from a UCS export for `interlog import --format genesys-ucs`.
//!
//! Fields with no canonical home (`sub_type`, `owner_id`, `creator_app_id`, `timeshift`,
//! `allow_children`, ...) are kept in the record's `extensions` as `genesys.<field>` by the
//! importer and rendered back from there; for native records they are derived or left out.

use interlog_core::record::{ChannelType, Customer, Direction, Interaction, Status};
use interlog_core::{CustomerId, InteractionId, TenantId, Timestamp};
use serde_json::{json, Map, Value};

use crate::dialects::ImportError;

/// Resource fields kept verbatim in `extensions` on import.
const KEPT: [&str; 13] = [
    "entity_type",
    "type",
    "sub_type",
    "media_type",
    "owner_id",
    "creator_app_id",
    "timeshift",
    "allow_children",
    "established_date",
    "released_date",
    "structured_text_mime",
    "duration",
    "sent_date",
];
const KEPT_EMAIL: [&str; 2] = ["cc", "reply_to"];

fn kept<'a>(rec: &'a Interaction, field: &str) -> Option<&'a Value> {
    rec.extensions.get(&format!("genesys.{field}"))
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

fn string<'a>(v: &'a Value, field: &str) -> Result<Option<&'a str>, ImportError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ImportError::new(field, "expected a string")),
    }
}

fn date(v: &Value, field: &str) -> Result<Option<Timestamp>, ImportError> {
    string(v, field)?
        .map(|s| Timestamp::parse(s).map_err(|e| ImportError::new(field, e.to_string())))
        .transpose()
}

fn channel(media_type: &str) -> ChannelType {
    match media_type.to_ascii_lowercase().as_str() {
        "voice" | "phone" | "callback" => ChannelType::Voice,
        "chat" => ChannelType::Chat,
        "email" => ChannelType::Email,
        "sms" => ChannelType::Sms,
        "video" | "cobrowse" => ChannelType::Video,
        "workitem" => ChannelType::WorkItem,
        _ => ChannelType::Messaging,
    }
}

/// A UCS Interaction Resource as a canonical record.
pub fn parse_resource(tenant: &TenantId, v: &Value) -> Result<Interaction, ImportError> {
    let id = string(v, "interaction_id")?
        .ok_or_else(|| ImportError::new("interaction_id", "is required"))?;
    let id =
        InteractionId::parse(id).map_err(|e| ImportError::new("interaction_id", e.to_string()))?;
    let start =
        date(v, "start_date")?.ok_or_else(|| ImportError::new("start_date", "is required"))?;
    let mut rec = Interaction::new(tenant.clone(), id, start);
    rec.end_timestamp = date(v, "end_date")?;
    rec.status = if rec.end_timestamp.is_some() {
        Status::Ended
    } else {
        Status::Active
    };
    rec.channel_type = Some(channel(string(v, "media_type")?.unwrap_or("messaging")));
    rec.direction = match string(v, "type")?.map(str::to_ascii_lowercase).as_deref() {
        Some(t) if t.starts_with("inbound") => Some(Direction::Inbound),
        Some(t) if t.starts_with("outbound") => Some(Direction::Outbound),
        Some(_) => Some(Direction::Internal),
        None => None,
    };
    let mut customer = Customer::default();
    if let Some(id) = string(v, "customer_id")? {
        customer.id = Some(
            CustomerId::parse(id).map_err(|e| ImportError::new("customer_id", e.to_string()))?,
        );
    }
    customer.address = string(v, "phone_number")?.map(str::to_owned);
    if let Some(from) = v.get("from") {
        customer.address = string(from, "address")?
            .map(str::to_owned)
            .or(customer.address);
        customer.name = string(from, "personal")?.map(str::to_owned);
    }
    rec.customer = Some(customer);
    rec.contact_point = v
        .get("to")
        .and_then(|to| to[0]["address"].as_str())
        .map(str::to_owned);
    rec.subject = string(v, "subject")?.map(str::to_owned);
    rec.thread_id = string(v, "thread_id")?.map(str::to_owned);
    rec.parent_id = string(v, "parent_id")?.map(str::to_owned);
    rec.end_reason = string(v, "outcome")?.map(str::to_owned);
    if let Some(external) = string(v, "external_id")? {
        rec.external_ids.insert("genesys".into(), external.into());
    }
    match v.get("udata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(udata)) => rec.attributes = udata.clone().into_iter().collect(),
        Some(_) => return Err(ImportError::new("udata", "expected an object")),
    }
    for field in KEPT.iter().chain(&KEPT_EMAIL) {
        if let Some(value) = v.get(*field).filter(|value| !value.is_null()) {
            rec.extensions
                .insert(format!("genesys.{field}"), value.clone());
        }
    }
    Ok(rec)
}
