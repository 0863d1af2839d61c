//! Holds, transfers and add-participant: the segments and their statistics.

use serde_json::json;

use super::*;

#[test]
fn holds_talk_and_handle_time_per_allocation_and_in_total() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        ("hold-started", "10.000", json!({"agentId": "a1"})),
        ("hold-ended", "14.250", json!({"agentId": "a1"})),
        ("hold-started", "20.000", json!({})),
        ("agent-deallocated", "35.000", json!({"agentId": "a1"})),
        ("interaction-ended", "40.000", json!({})),
    ]);
    let a = &rec.agents[0];
    assert_eq!(a.holds, 2);
    assert_eq!(
        a.hold_time,
        Seconds::from_millis(4_250 + 15_000),
        "the unattributed hold closes with the deallocation"
    );
    assert_eq!(a.handle_time, secs(30_000));
    assert_eq!(a.talk_time, secs(30_000 - 19_250));
    let s = &rec.statistics;
    assert_eq!(
        (s.customer_holds, s.hold_time),
        (2, Seconds::from_millis(19_250))
    );
    assert_eq!(
        (s.talk_time, s.handle_time),
        (Seconds::from_millis(10_750), Seconds::from_millis(30_000))
    );
}

#[test]
fn a_successful_transfer_ends_the_first_segment_and_opens_the_next() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        (
            "transfer-started",
            "20.000",
            json!({"agentId": "a1", "toAgentId": "a2"}),
        ),
        ("agent-allocated", "25.000", json!({"agentId": "a2"})),
        ("transfer-ended", "25.000", json!({"outcome": "success"})),
        ("agent-deallocated", "25.000", json!({"agentId": "a1"})),
        ("interaction-ended", "50.000", json!({})),
    ]);
    let [first, second] = &rec.segments[..] else {
        panic!("{:?}", rec.segments)
    };
    assert_eq!(
        (first.segment_end_type, first.segment_time),
        (Some(SegmentEndType::Success), secs(25_000))
    );
    assert!(!first.segment_cancelled && first.segment_cancel_time.is_none());
    assert_eq!(
        (second.segment_number, second.segment_start_type),
        (1, SegmentStartType::Transfer)
    );
    assert_eq!(
        second.segment_to_agent_id.as_ref().map(|a| a.as_str()),
        Some("a2")
    );
    assert_eq!(
        (second.segment_end_type, second.segment_time),
        (Some(SegmentEndType::InteractionEnd), secs(50_000))
    );
    assert_eq!(
        rec.agents[1].interaction_segment_id.as_ref(),
        Some(&second.interaction_segment_id)
    );
    assert_eq!(rec.statistics.transfers, 1);
    assert_eq!(
        rec.statistics.handle_time,
        Seconds::from_millis(20_000 + 25_000)
    );
}

#[test]
fn a_cancelled_add_participant_cancels_its_segment_and_queue_entry() {
    let rec = run(&[
        ("interaction-started", "00.000", voice()),
        ("agent-allocated", "05.000", json!({"agentId": "a1"})),
        (
            "participant-add-started",
            "10.000",
            json!({"agentId": "a1", "toQueueId": "q2"}),
        ),
        (
            "queue-entered",
            "10.000",
            json!({"queueId": "q2", "entryType": "add-participant"}),
        ),
        (
            "participant-add-ended",
            "18.000",
            json!({"outcome": "cancelled"}),
        ),
        ("interaction-ended", "30.000", json!({})),
    ]);
    let add = &rec.segments[1];
    assert_eq!(add.segment_start_type, SegmentStartType::AddParticipant);
    assert_eq!(
        (add.segment_end_type, add.segment_cancel_time),
        (Some(SegmentEndType::Cancelled), secs(18_000))
    );
    assert_eq!(
        rec.queues[0].queue_exit_type,
        Some(QueueExitType::AddParticipantCancel)
    );
    assert_eq!(
        rec.segments[0].segment_end_type,
        Some(SegmentEndType::InteractionEnd)
    );
}
