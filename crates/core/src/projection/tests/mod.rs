//! One test per statistic rule, each through `check`-style helpers over JSON events.
//!
//! This file: the helpers, the worked example, ordering, queues, flags and ids;
//! `segments.rs`: holds, transfers and add-participant; `content.rs`: content and imports;
//! `customer.rs`: the customer's abandons, conversation, third party and `updated`.

use serde_json::{json, Value};

mod content;
mod customer;
mod segments;

use super::project;
use crate::event::{parse_event, Event};
use crate::ids::{InteractionId, TenantId};
use crate::record::{Interaction, QueueExitType, SegmentEndType, SegmentStartType, Status};
use crate::time::Seconds;

const T0: &str = "2017-12-07T19:20:";

/// Events of interaction "i1"; each spec is (type, seconds after 19:20:00 as "ss.mmm", extra fields).
fn events(specs: &[(&str, &str, Value)]) -> Vec<Event> {
    specs
        .iter()
        .enumerate()
        .map(|(n, (kind, at, extra))| {
            let mut raw = json!({"eventId": format!("e{n}"), "type": kind, "interactionId": "i1",
                                  "timestamp": timestamp(at)});
            raw.as_object_mut()
                .unwrap()
                .extend(extra.as_object().cloned().unwrap_or_default());
            parse_event(raw).unwrap()
        })
        .collect()
}

/// "33.394" is 19:20:33.394; "1:07.560" is 19:21:07.560.
fn timestamp(at: &str) -> String {
    match at.split_once(':') {
        Some((min, sec)) => format!("2017-12-07T19:2{min}:{sec:0>6}Z"),
        None => format!("{T0}{at:0>6}Z"),
    }
}

fn run(specs: &[(&str, &str, Value)]) -> Interaction {
    project(
        &TenantId::parse("t1").unwrap(),
        &InteractionId::parse("i1").unwrap(),
        &events(specs),
    )
}

fn secs(ms: i64) -> Option<Seconds> {
    Some(Seconds::from_millis(ms))
}

fn voice() -> Value {
    json!({"channelType": "voice", "direction": "inbound"})
}

fn worked_example() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "interaction-started",
            "33.394",
            json!({"channelType": "voice", "direction": "inbound",
            "customer": {"address": "+15065552222"}, "contactPoint": "+15065551111",
            "flow": {"id": "28219e00-82b6-11e7-b08f-6e56a766befb", "name": "Basic Flow"},
            "segmentId": "b2233520-db83-11e7-b86d-6aa612aefe9d"}),
        ),
        (
            "queue-entered",
            "33.567",
            json!({"queueId": "3703e470-834a-11e7-b08f-6e56a766befb",
            "queueName": "Support", "platformQueueId": 743, "queueType": "queue", "entryType": "ivr",
            "interactionQueueId": "b23cb090-db83-11e7-95f3-204e8fcfa723", "queueLength": 1}),
        ),
        ("customer-disconnected", "2:07.560", json!({})),
        ("interaction-ended", "2:07.638", json!({})),
    ]
}

#[test]
fn the_worked_example_yields_the_cxengage_figures() {
    let rec = run(&worked_example());
    let stats = &rec.statistics;
    assert_eq!(stats.interaction_time, secs(94_244));
    assert_eq!(stats.ivr_time, secs(173));
    assert_eq!(stats.customer_abandon_time, secs(94_166));
    assert_eq!(stats.customer_holds, 0);
    let q = &rec.queues[0];
    assert_eq!(
        (q.queue_time, q.queue_abandon_time, q.sla_time),
        (secs(93_993), secs(93_993), secs(93_993))
    );
    assert!(q.queue_abandoned && q.sla_abandoned);
    assert_eq!(q.queue_exit_type, Some(QueueExitType::Abandon));
    assert_eq!(
        q.end_timestamp.unwrap().to_string(),
        "2017-12-07T19:22:07.560Z"
    );
    assert_eq!(
        q.interaction_segment_id.as_deref(),
        Some("b2233520-db83-11e7-b86d-6aa612aefe9d")
    );
    let s = &rec.segments[0];
    assert_eq!(
        (s.segment_number, s.segment_start_type),
        (0, SegmentStartType::Interaction)
    );
    assert_eq!(s.segment_end_type, Some(SegmentEndType::CustomerDisconnect));
    assert!(s.segment_cancelled);
    assert_eq!(
        (s.segment_time, s.segment_cancel_time),
        (secs(94_166), secs(94_166))
    );
    assert_eq!(rec.status, Status::Ended);
    assert!(!rec.flagged, "{:?}", rec.flags);
    let json = serde_json::to_value(&rec).unwrap();
    assert_eq!(json["statistics"]["interactionTime"], json!(94.244));
    assert_eq!(json["queues"][0]["queueTime"], json!(93.993));
}

#[test]
fn arrival_order_does_not_change_the_record() {
    let in_order = run(&worked_example());
    let mut shuffled = events(&worked_example());
    shuffled.reverse();
    let tenant = TenantId::parse("t1").unwrap();
    let id = InteractionId::parse("i1").unwrap();
    assert_eq!(project(&tenant, &id, &shuffled), in_order);
}

#[test]
fn ivr_time_falls_back_to_the_first_allocation_then_to_the_end() {
    let allocated = run(&[
        ("interaction-started", "10.000", voice()),
        ("agent-allocated", "12.500", json!({"agentId": "a1"})),
        ("interaction-ended", "40.000", json!({})),
    ]);
    assert_eq!(allocated.statistics.ivr_time, secs(2_500));
    assert_eq!(allocated.statistics.customer_abandon_time, None);
    let self_service = run(&[
        ("interaction-started", "10.000", voice()),
        ("interaction-ended", "25.000", json!({})),
    ]);
    assert_eq!(self_service.statistics.ivr_time, secs(15_000));
}

#[test]
fn an_abandon_within_the_threshold_is_not_an_sla_abandon() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        (
            "queue-entered",
            "01.000",
            json!({"queueId": "q", "slaThreshold": 30}),
        ),
        ("customer-disconnected", "26.000", json!({})),
        ("interaction-ended", "26.000", json!({})),
    ]);
    let q = &rec.queues[0];
    assert!(q.queue_abandoned);
    assert!(!q.sla_abandoned, "25 s is inside a 30 s threshold");
    assert_eq!(q.sla_threshold, Seconds::from_secs(30));
}

#[test]
fn an_allocation_closes_the_queue_entry_and_a_later_exit_refines_it() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("queue-entered", "01.000", json!({"queueId": "q1"})),
        ("agent-allocated", "09.000", json!({"agentId": "a1"})),
        (
            "queue-exited",
            "09.000",
            json!({"exitType": "success", "agentId": "a1"}),
        ),
        ("interaction-ended", "30.000", json!({})),
    ]);
    let q = &rec.queues[0];
    assert_eq!(
        (q.queue_time, q.queue_exit_type),
        (secs(8_000), Some(QueueExitType::Success))
    );
    assert_eq!(q.agent_id.as_ref().map(|a| a.as_str()), Some("a1"));
    assert!(!q.queue_abandoned);
    assert_eq!(rec.agents[0].queue_id.as_deref(), Some("q1"));
    assert!(!rec.flagged);
}

#[test]
fn deallocation_after_the_end_extends_handle_time_with_wrap_up() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        ("interaction-ended", "30.000", json!({})),
        ("agent-deallocated", "45.000", json!({"agentId": "a1"})),
    ]);
    assert_eq!(rec.agents[0].handle_time, secs(40_000));
    assert!(!rec.flagged, "{:?}", rec.flags);
}

#[test]
fn inconsistent_streams_are_flagged() {
    let rec = run(&[
        ("queue-exited", "01.000", json!({"exitType": "success"})),
        ("hold-ended", "02.000", json!({})),
        ("agent-deallocated", "03.000", json!({"agentId": "ghost"})),
    ]);
    let codes: Vec<&str> = rec.flags.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "queue-exit-without-entry",
            "hold-end-without-start",
            "deallocation-without-allocation",
            "no-start",
            "no-end"
        ]
    );
    assert!(rec.flagged);
    assert_eq!(rec.flags[0].event_id.as_deref(), Some("e0"));

    let late = run(&[
        ("interaction-started", "00.000", voice()),
        ("interaction-ended", "10.000", json!({})),
        ("queue-entered", "11.000", json!({"queueId": "q"})),
        ("note-added", "12.000", json!({"text": "wrap-up note"})),
    ]);
    assert!(late.queues.is_empty());
    assert_eq!(
        late.notes.len(),
        1,
        "wrap-up content is allowed after the end"
    );
    assert_eq!(
        late.flags
            .iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>(),
        ["event-after-end"]
    );
}

#[test]
fn derived_ids_are_stable_across_projections() {
    let specs = [
        ("interaction-started", "00.000", voice()),
        ("queue-entered", "01.000", json!({"queueId": "q"})),
        ("agent-allocated", "02.000", json!({"agentId": "a1"})),
    ];
    let (a, b) = (run(&specs), run(&specs));
    assert_eq!(a, b);
    assert_eq!(a.segments[0].interaction_segment_id.len(), 36);
    assert_ne!(
        a.queues[0].interaction_queue_id,
        a.agents[0].interaction_agent_id
    );
}
