use interlog_core::{parse_event, project, InteractionId, TenantId};

use super::*;

const CALLBACKS: &str = include_str!("../../../../examples/imports/twilio-taskrouter.form");

fn params(line: &str) -> Vec<(String, String)> {
    line.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                let s = s.replace('+', " ");
                let mut out = Vec::new();
                let mut bytes = s.bytes();
                while let Some(b) = bytes.next() {
                    if b == b'%' {
                        let hex: String = [bytes.next().unwrap(), bytes.next().unwrap()]
                            .iter()
                            .map(|b| *b as char)
                            .collect();
                        out.push(u8::from_str_radix(&hex, 16).unwrap());
                    } else {
                        out.push(b);
                    }
                }
                String::from_utf8(out).unwrap()
            };
            (decode(k), decode(v))
        })
        .collect()
}

#[test]
fn a_task_from_creation_to_completion() {
    let mut events = Vec::new();
    let mut skipped = 0;
    for line in CALLBACKS.lines() {
        match parse_callback(&Params(&params(line))).unwrap_or_else(|e| panic!("{line}: {e}")) {
            Callback::Task(raw) => events.extend(raw.into_iter().map(|e| parse_event(e).unwrap())),
            Callback::Skipped => skipped += 1,
        }
    }
    assert_eq!(
        skipped, 3,
        "the offer, its rejection, the worker's activity"
    );
    // The store keeps the first of each event id: the task's one end.
    let mut ids = std::collections::HashSet::new();
    events.retain(|e| ids.insert(e.event_id.clone()));
    let tenant = TenantId::parse("acme").unwrap();
    let id = InteractionId::parse("WT00000000000000000000000000000001").unwrap();
    let record = project(&tenant, &id, &events);
    let stats = serde_json::to_value(&record.statistics).unwrap();
    assert_eq!(
        stats["queueTime"], 24,
        "entered at 1 s, accepted at 25 s: {stats}"
    );
    assert_eq!(record.agents[0].agent_name.as_deref(), Some("bob"));
    assert_eq!(
        record.agents[0].handle_time.map(|t| t.whole_seconds()),
        Some(240),
        "with wrap-up"
    );
    assert_eq!(
        record.end_timestamp.map(|t| t.millis()),
        Some(1_764_407_005_000),
        "the wrap-up's start"
    );
    assert_eq!(
        record.customer.as_ref().unwrap().address.as_deref(),
        Some("+15555550100")
    );
    assert_eq!(
        record.attributes["call_sid"],
        "CA00000000000000000000000000000001"
    );
    assert!(!record.flagged, "{:?}", record.flags);
}

#[test]
fn a_callback_without_its_fields_names_them() {
    let error = |pairs: &[(&str, &str)]| {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse_callback(&Params(&owned)).err().map(|e| e.field)
    };
    assert_eq!(error(&[]), Some("EventType".into()));
    assert_eq!(
        error(&[("EventType", "task.created"), ("TaskSid", "WT1")]),
        Some("Timestamp".into())
    );
    let bad = [
        ("EventType", "task.created"),
        ("TaskSid", "WT1"),
        ("Timestamp", "1764406800"),
        ("TaskAttributes", "["),
    ];
    assert_eq!(error(&bad), Some("TaskAttributes".into()));
}
