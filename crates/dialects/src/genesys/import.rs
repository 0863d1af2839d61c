//! Genesys UCS Interaction Resource -> canonical record, for
//! `interlog import --format genesys-ucs`. Fields with no canonical home are kept verbatim
//! in `extensions` (see [`KEPT`](super::KEPT)), so they render back as they came.

use interlog_core::record::{ChannelType, Customer, Direction, Interaction, Status};
use interlog_core::{CustomerId, InteractionId, TenantId, Timestamp};
use serde_json::Value;

use super::{KEPT, KEPT_EMAIL, KEPT_PREFIX};
use crate::ImportError;

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
                .insert(format!("{KEPT_PREFIX}{field}"), value.clone());
        }
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::render::render_resource;
    use super::*;

    fn sample() -> Value {
        serde_json::from_str(include_str!(
            "../../../../examples/genesys-ucs-resource.json"
        ))
        .unwrap()
    }

    #[test]
    fn an_imported_resource_renders_back_field_for_field() {
        let tenant = TenantId::parse("acme").unwrap();
        let rec = parse_resource(&tenant, &sample()).unwrap();
        assert_eq!(render_resource(&rec, "http://ucshost:8080"), sample());
    }

    #[test]
    fn import_errors_name_the_field() {
        let tenant = TenantId::parse("acme").unwrap();
        let mut bad = sample();
        bad["udata"] = json!([1]);
        assert_eq!(parse_resource(&tenant, &bad).unwrap_err().field, "udata");
    }
}
