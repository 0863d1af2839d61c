//! Phase two of the projection: every statistic, computed from the folded facts alone.
//!
//! All figures are durations in exact milliseconds. Rules (DESIGN.md "Statistics"):
//! - `interactionTime` = end − start.
//! - `ivrTime` = first queue entry or agent allocation − start; with neither, the time until
//!   the customer left or the interaction ended (the whole stay was self-service).
//! - `customerAbandonTime` = customer disconnect − start, only when no agent was ever allocated.
//! - per queue entry: `queueTime` = exit − entry; when the exit is an abandon,
//!   `queueAbandonTime` = `queueTime` and `slaAbandoned` is true if it exceeded the threshold;
//!   `slaTime` = `queueTime`.
//! - per segment: `segmentTime` = segment end − interaction start; `segmentCancelTime` the same
//!   when the segment was cancelled or abandoned.
//! - per agent allocation: `handleTime` = deallocation − allocation, `holdTime` = the holds that
//!   started while allocated (the agent's own, or unattributed ones), `talkTime` = handle − hold.
//! - `ivrAbandoned`: the customer disconnected before any queue entry or agent allocation;
//!   `ivrAbandonTime` = customer disconnect − start, then.
//! - `customerHoldAbandoned`: a hold was still open when the customer disconnected (the
//!   disconnect closed it).
//! - `customerConversationTime` = the union of the agent allocations, each cut off at the
//!   customer's disconnect (holds included, overlapping agents counted once).
//! - `thirdPartyTime` = the add-participant segments that were not cancelled, start to end.
//! - `updated` is the one figure the fold records (the latest event applied after the end);
//!   derive keeps it.

use crate::record::{
    AgentAllocation, Hold, Interaction, QueueExitType, SegmentStartType, Statistics,
};
use crate::time::{Seconds, Timestamp};

pub(super) fn derive_statistics(rec: &mut Interaction) {
    let start = rec.start_timestamp;
    for segment in &mut rec.segments {
        let time = segment.end_timestamp.map(|end| end.since(start));
        segment.segment_time = time;
        segment.segment_cancel_time = time.filter(|_| segment.segment_cancelled);
    }
    for entry in &mut rec.queues {
        let time = entry
            .end_timestamp
            .map(|end| end.since(entry.start_timestamp));
        let abandoned = entry.queue_exit_type == Some(QueueExitType::Abandon);
        entry.queue_time = time;
        entry.sla_time = time;
        entry.queue_abandoned = abandoned;
        entry.queue_abandon_time = time.filter(|_| abandoned);
        entry.sla_abandoned = abandoned && time.is_some_and(|t| t > entry.sla_threshold);
    }
    for hold in &mut rec.holds {
        hold.hold_time = hold
            .end_timestamp
            .map(|end| end.since(hold.start_timestamp));
    }
    for allocation in &mut rec.agents {
        derive_allocation(allocation, &rec.holds);
    }
    rec.statistics = interaction_statistics(rec);
}

fn derive_allocation(allocation: &mut AgentAllocation, holds: &[Hold]) {
    let during: Vec<&Hold> = holds
        .iter()
        .filter(|h| {
            h.agent_id
                .as_ref()
                .is_none_or(|agent| *agent == allocation.agent_id)
        })
        .filter(|h| {
            h.start_timestamp >= allocation.start_timestamp
                && allocation
                    .end_timestamp
                    .is_none_or(|end| h.start_timestamp < end)
        })
        .collect();
    allocation.holds = during.len() as u32;
    allocation.hold_time = during.iter().filter_map(|h| h.hold_time).sum();
    allocation.handle_time = allocation
        .end_timestamp
        .map(|end| end.since(allocation.start_timestamp));
    allocation.talk_time = allocation
        .handle_time
        .map(|handle| handle - allocation.hold_time);
}

fn interaction_statistics(rec: &Interaction) -> Statistics {
    let start = rec.start_timestamp;
    let first_routing = rec
        .queues
        .iter()
        .map(|q| q.start_timestamp)
        .chain(rec.agents.iter().map(|a| a.start_timestamp))
        .min();
    let ivr_time = first_routing
        .or(rec.customer_disconnect_timestamp)
        .or(rec.end_timestamp)
        .map(|t| t.since(start));
    let disconnect = rec.customer_disconnect_timestamp;
    let customer_abandon_time = disconnect
        .filter(|_| rec.agents.is_empty())
        .map(|t| t.since(start));
    let ivr_abandoned =
        disconnect.is_some_and(|left| first_routing.is_none_or(|routed| routed > left));
    Statistics {
        interaction_time: rec.end_timestamp.map(|end| end.since(start)),
        ivr_time,
        customer_abandon_time,
        customer_holds: rec.holds.len() as u32,
        hold_time: rec.holds.iter().filter_map(|h| h.hold_time).sum(),
        talk_time: rec.agents.iter().filter_map(|a| a.talk_time).sum(),
        handle_time: rec.agents.iter().filter_map(|a| a.handle_time).sum(),
        queue_time: rec
            .queues
            .iter()
            .filter_map(|q| q.queue_time)
            .sum::<Seconds>(),
        queue_entries: rec.queues.len() as u32,
        transfers: rec
            .segments
            .iter()
            .filter(|s| s.segment_start_type == SegmentStartType::Transfer)
            .count() as u32,
        agent_allocations: rec.agents.len() as u32,
        ivr_abandoned,
        ivr_abandon_time: disconnect.filter(|_| ivr_abandoned).map(|t| t.since(start)),
        customer_hold_abandoned: disconnect
            .is_some_and(|left| rec.holds.iter().any(|h| h.end_timestamp == Some(left))),
        customer_conversation_time: conversation_time(rec),
        third_party_time: third_party_time(rec),
        updated: rec.statistics.updated,
    }
}

/// The union of the closed agent allocations, each cut off where the customer left; `None`
/// without any allocation.
fn conversation_time(rec: &Interaction) -> Option<Seconds> {
    if rec.agents.is_empty() {
        return None;
    }
    let left = rec.customer_disconnect_timestamp;
    let mut spans: Vec<(Timestamp, Timestamp)> = rec
        .agents
        .iter()
        .filter_map(|a| {
            let end = a.end_timestamp?;
            let end = left.map_or(end, |left| end.min(left));
            (a.start_timestamp < end).then_some((a.start_timestamp, end))
        })
        .collect();
    spans.sort();
    let mut total = Seconds::ZERO;
    let mut covered: Option<Timestamp> = None;
    for (from, to) in spans {
        let from = covered.map_or(from, |c| from.max(c));
        if to > from {
            total = total + to.since(from);
            covered = Some(to);
        }
    }
    Some(total)
}

/// The add-participant segments that were not cancelled, start to end; `None` without any.
fn third_party_time(rec: &Interaction) -> Option<Seconds> {
    let joined: Vec<Seconds> = rec
        .segments
        .iter()
        .filter(|s| s.segment_start_type == SegmentStartType::AddParticipant)
        .filter(|s| !s.segment_cancelled)
        .filter_map(|s| s.end_timestamp.map(|end| end.since(s.start_timestamp)))
        .collect();
    (!joined.is_empty()).then(|| joined.into_iter().sum())
}
