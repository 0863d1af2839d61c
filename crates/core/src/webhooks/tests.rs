use super::*;
use serde_json::json;

fn record(status: Status, channel: ChannelType, queue: &str) -> Interaction {
    let mut specs = vec![
        json!({"type": "interaction-started", "channelType": channel.as_str(), "direction": "inbound"}),
        json!({"type": "queue-entered", "queueId": queue}),
    ];
    if status == Status::Ended {
        specs.push(json!({"type": "interaction-ended"}));
    }
    let events: Vec<_> = (specs.into_iter().enumerate())
        .map(|(n, mut raw)| {
            let at = format!("2026-11-29T10:00:0{n}.000Z");
            let fields =
                json!({"eventId": format!("e-{n}"), "interactionId": "i-1", "timestamp": at});
            if let (Some(raw), Some(fields)) = (raw.as_object_mut(), fields.as_object()) {
                raw.extend(fields.clone());
            }
            crate::parse_event(raw).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let tenant = TenantId::parse("acme").unwrap_or_else(|e| panic!("{e}"));
    let id = crate::InteractionId::parse("i-1").unwrap_or_else(|e| panic!("{e}"));
    crate::project(&tenant, &id, &events)
}

fn filter(events: &[&str], queues: &[&str], channels: &[&str]) -> WebhookFilter {
    let events: Vec<String> = events.iter().map(|s| s.to_string()).collect();
    let channels: Vec<String> = channels.iter().map(|s| s.to_string()).collect();
    let queues = queues.iter().map(|s| s.to_string()).collect();
    WebhookFilter::new(&events, queues, &channels).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn an_end_is_sent_once_after_the_update() {
    let both = filter(&["interaction.ended", "interaction.updated"], &[], &[]);
    let ended = record(Status::Ended, ChannelType::Voice, "support");
    let active = record(Status::Active, ChannelType::Voice, "support");
    use WebhookEvent::*;
    assert_eq!(both.events_for(&active, false), [Updated]);
    assert_eq!(both.events_for(&ended, false), [Updated, Ended]);
    assert_eq!(both.events_for(&ended, true), [Updated], "already ended");
    let ends = filter(&["interaction.ended"], &[], &[]);
    assert_eq!(ends.events_for(&active, false), []);
    assert_eq!(ends.events_for(&ended, false), [Ended]);
}

#[test]
fn queues_and_channels_narrow_a_subscription() {
    let sales_chat = filter(&["interaction.updated"], &["sales"], &["chat"]);
    let chat = |queue| record(Status::Active, ChannelType::Chat, queue);
    assert_eq!(sales_chat.events_for(&chat("sales"), false).len(), 1);
    assert!(sales_chat.events_for(&chat("support"), false).is_empty());
    let voice = record(Status::Active, ChannelType::Voice, "sales");
    assert!(sales_chat.events_for(&voice, false).is_empty());
}

#[test]
fn a_bad_filter_names_its_field() {
    let bad = |events: &[&str], channels: &[&str]| {
        let events: Vec<String> = events.iter().map(|s| s.to_string()).collect();
        let channels: Vec<String> = channels.iter().map(|s| s.to_string()).collect();
        WebhookFilter::new(&events, Vec::new(), &channels).map(|_| ())
    };
    assert_eq!(bad(&[], &[]).map_err(|e| e.0), Err("events"));
    assert_eq!(bad(&["call.ended"], &[]).map_err(|e| e.0), Err("events"));
    let channel = bad(&["interaction.ended"], &["fax"]);
    assert_eq!(channel.map_err(|e| e.0), Err("channels"));
}

#[test]
fn the_body_splices_the_record_in() {
    let tenant = TenantId::parse("acme").unwrap_or_else(|e| panic!("{e}"));
    let at = Timestamp::from_millis(1_764_410_400_123);
    let body = body(
        WebhookEvent::Ended,
        at,
        &tenant,
        r#"{"interactionId":"i-1"}"#,
    );
    let parsed: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    assert_eq!(parsed["type"], "interaction.ended");
    assert_eq!(parsed["timestamp"], "2025-11-29T10:00:00.123Z");
    assert_eq!(parsed["data"]["tenantId"], "acme");
    assert_eq!(parsed["data"]["interaction"]["interactionId"], "i-1");
}

#[test]
fn urls_and_secrets_are_checked() {
    assert!(check_url("https://crm.example.com/hooks/interlog").is_ok());
    assert!(check_url("http://127.0.0.1:8080").is_ok());
    assert!(check_url("ftp://example.com").is_err());
    assert!(check_url("https://").is_err());
    assert!(check_url("https://user:pw@example.com/").is_err());
    let secret = format!("{SECRET_PREFIX}MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assert_eq!(secret_key(&secret).map(|k| k.len()), Ok(24));
    assert!(secret_key("hunter2").is_err());
    assert!(secret_key("whsec_c2hvcnQ=").is_err(), "too short");
}
