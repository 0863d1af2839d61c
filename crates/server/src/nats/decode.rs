//! A message from the stream as events: its tenant (the `Interlog-Tenant` header, else the
//! subject's last token) and its payload (a JSON array of events, one event object, or
//! NDJSON), each event parsed as the HTTP route parses it. Pure, so it is unit-tested.

use async_nats::HeaderMap;
use interlog_core::{parse_new_event, Event, TenantId};
use serde_json::Value;

use crate::api::events::{parse_batch, BodyFormat};

/// The header that names the tenant when the subject does not.
pub const TENANT_HEADER: &str = "Interlog-Tenant";

/// What a message holds.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub tenant: TenantId,
    pub events: Vec<Event>,
    /// Each refused event: its JSON (or the line that was not JSON) and why.
    pub rejected: Vec<(String, String)>,
}

/// Why a whole message is refused (it goes to the dead-letter subject as it came).
#[derive(Debug, PartialEq)]
pub(crate) struct Poison(pub String);

/// The tenant of a message.
pub(crate) fn tenant(subject: &str, headers: Option<&HeaderMap>) -> Result<TenantId, Poison> {
    let named = headers
        .and_then(|h| h.get(TENANT_HEADER))
        .map(|v| v.as_str());
    let raw = named.unwrap_or_else(|| subject.rsplit('.').next().unwrap_or_default());
    TenantId::parse(raw).map_err(|e| {
        let source = if named.is_some() {
            TENANT_HEADER
        } else {
            "the subject's last token"
        };
        Poison(format!("tenant {raw:?} (from {source}): {e}"))
    })
}

/// The events of a message's payload.
pub(crate) fn decode(
    subject: &str,
    headers: Option<&HeaderMap>,
    payload: &[u8],
) -> Result<Decoded, Poison> {
    let tenant = tenant(subject, headers)?;
    let values = parse_batch(BodyFormat::Json, payload)
        .or_else(|_| parse_batch(BodyFormat::Ndjson, payload))
        .map_err(|e| Poison(e.message().to_string()))?;
    let mut decoded = Decoded {
        tenant,
        events: Vec::new(),
        rejected: Vec::new(),
    };
    for value in values {
        match value {
            Ok(value) => {
                let json = value.to_string();
                match parse_new_event(value) {
                    Ok(event) => decoded.events.push(event),
                    Err(e) => decoded.rejected.push((json, e.to_string())),
                }
            }
            Err(rejection) => decoded
                .rejected
                .push((Value::Null.to_string(), rejection.message)),
        }
    }
    if decoded.events.is_empty() {
        let reasons: Vec<&str> = decoded.rejected.iter().map(|(_, r)| r.as_str()).collect();
        return Err(Poison(format!("no valid event: {}", reasons.join("; "))));
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"eventId":"e1","type":"interaction-started","interactionId":"i1",
        "timestamp":"2026-11-02T10:00:00Z","channelType":"voice","direction":"inbound"}"#;

    #[test]
    fn the_tenant_is_the_header_else_the_last_subject_token() {
        assert_eq!(
            tenant("interlog.events.acme", None).unwrap().as_str(),
            "acme"
        );
        let mut headers = HeaderMap::new();
        headers.insert(TENANT_HEADER, "globex");
        let named = tenant("cc.events", Some(&headers)).unwrap();
        assert_eq!(named.as_str(), "globex");
        headers.insert(TENANT_HEADER, "");
        let Poison(reason) = tenant("cc.events", Some(&headers)).unwrap_err();
        assert!(reason.contains(TENANT_HEADER), "{reason}");
    }

    #[test]
    fn arrays_objects_and_ndjson_are_events() {
        let array = format!("[{EVENT}]");
        let ndjson = format!("{}\n{}\n", EVENT.replace('\n', ""), EVENT.replace('\n', ""));
        for payload in [array.as_str(), EVENT, ndjson.as_str()] {
            let decoded = decode("interlog.events.acme", None, payload.as_bytes()).unwrap();
            assert!(!decoded.events.is_empty(), "{payload}");
            assert!(decoded.rejected.is_empty(), "{payload}");
        }
    }

    #[test]
    fn invalid_events_are_named_and_a_message_of_nothing_valid_is_poison() {
        let mixed = format!("[{EVENT}, {{\"eventId\": \"x\"}}]");
        let decoded = decode("interlog.events.acme", None, mixed.as_bytes()).unwrap();
        assert_eq!((decoded.events.len(), decoded.rejected.len()), (1, 1));
        assert!(decoded.rejected[0].0.contains("\"x\""));
        let Poison(reason) = decode("interlog.events.acme", None, b"not json").unwrap_err();
        assert!(reason.contains("not"), "{reason}");
        let only_bad = decode("interlog.events.acme", None, br#"{"eventId": "x"}"#);
        assert!(only_bad.unwrap_err().0.starts_with("no valid event"));
    }
}
