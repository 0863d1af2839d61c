//! Genesys Cloud's own session metrics beside what the projection derived: kept in
//! `extensions`, and each disagreement flagged (never hidden, never overwritten).

use std::collections::BTreeMap;

use interlog_core::record::Flag;
use interlog_core::Interaction;
use serde_json::Value;

/// The metrics compared, by participant purpose: (purpose, Genesys metric, what Interlog
/// derives for it, in milliseconds).
type Derive = fn(&Interaction) -> Option<i64>;

const COMPARED: [(&str, &str, &str, Derive); 6] = [
    ("acd", "tAcd", "queueTime", |r| {
        Some(r.statistics.queue_time.millis())
    }),
    ("acd", "tAbandon", "queueAbandonTime", |r| {
        let abandons = r.queues.iter().filter_map(|q| q.queue_abandon_time);
        abandons.map(|t| t.millis()).reduce(|a, b| a + b)
    }),
    ("agent", "tHeld", "holdTime", |r| {
        Some(r.statistics.hold_time.millis())
    }),
    ("agent", "tHandle", "handleTime", |r| {
        Some(r.statistics.handle_time.millis())
    }),
    // Interlog's talk time is handle time less holds: Genesys's talk plus after-call work.
    ("agent", "tTalk+tAcw", "talkTime", |r| {
        Some(r.statistics.talk_time.millis())
    }),
    ("customer", "tAbandon", "customerAbandonTime", |r| {
        r.statistics.customer_abandon_time.map(|t| t.millis())
    }),
];

/// Disagreements within this many milliseconds are rounding, not disagreement.
const TOLERANCE_MS: i64 = 1000;

/// Keeps the conversation's metrics (summed per purpose and name) in `extensions` as
/// `genesysCloud.<purpose>.<name>`, and flags each compared one that disagrees.
pub(super) fn keep_and_compare(record: &mut Interaction, conversation: &Value) {
    let sums = metric_sums(conversation);
    for ((purpose, name), value) in &sums {
        let key = format!("genesysCloud.{purpose}.{name}");
        record.extensions.insert(key, Value::from(*value));
    }
    for (purpose, metric, ours, derive) in COMPARED {
        let theirs = metric
            .split('+')
            .map(|name| sums.get(&(purpose.to_string(), name.to_string())).copied())
            .try_fold(0, |sum, value| value.map(|v| sum + v));
        let (Some(theirs), Some(derived)) = (theirs, derive(record)) else {
            continue;
        };
        if (theirs - derived).abs() > TOLERANCE_MS {
            record.flags.push(Flag {
                code: "source-metric-disagrees".into(),
                message: format!(
                    "Genesys Cloud's {purpose} {metric} is {theirs} ms; Interlog derives {ours} {derived} ms from the segments"
                ),
                event_id: None,
                timestamp: None,
            });
            record.flagged = true;
        }
    }
}

/// Each metric's sum over a purpose's sessions (`t*` in milliseconds, `n*` counts).
fn metric_sums(conversation: &Value) -> BTreeMap<(String, String), i64> {
    let mut sums = BTreeMap::new();
    let list = |v: &Value, f: &str| {
        v.get(f)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for participant in list(conversation, "participants") {
        let purpose = participant
            .get("purpose")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        for session in list(&participant, "sessions") {
            for metric in list(&session, "metrics") {
                let (Some(name), Some(value)) = (
                    metric.get("name").and_then(Value::as_str),
                    metric.get("value").and_then(Value::as_i64),
                ) else {
                    continue;
                };
                *sums
                    .entry((purpose.to_string(), name.to_string()))
                    .or_insert(0) += value;
            }
        }
    }
    sums
}
