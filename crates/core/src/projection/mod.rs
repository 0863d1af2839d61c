//! `project(events) -> Interaction`: the one pure function that turns an interaction's events
//! into its record and statistics.
//!
//! It runs in two phases. [`fold`] applies the events in order and records facts: who was
//! where from when to when (segments, queue entries, agent allocations, holds) plus content.
//! [`derive`] then computes every figure from those facts alone, so an imported record (which
//! arrives as facts) gets its statistics by the same rules as one built from events.
//!
//! Order: events are applied by (timestamp, rank, arrival), where rank only separates the
//! lifecycle bookends at equal timestamps: `interaction-imported`, then `interaction-started`,
//! then everything else, then `customer-disconnected`, then `interaction-ended`. So events
//! arriving out of order give the same record as events arriving in order.
//!
//! Identifiers the events do not carry (segment, queue entry, agent allocation ids) are
//! derived from the tenant, the interaction and the position (UUID v5), so re-projecting
//! gives the same ids.

mod derive;
mod fold;
#[cfg(test)]
mod tests;

use crate::event::{Event, EventBody};
use crate::ids::{InteractionId, TenantId};
use crate::record::Interaction;
use crate::time::{Seconds, Timestamp};

/// The service-level threshold of a queue entry whose event names none.
pub const DEFAULT_SLA_THRESHOLD: Seconds = Seconds::from_secs_const(20);

/// Builds the record of one interaction from its events, given in arrival order.
pub fn project(tenant: &TenantId, interaction: &InteractionId, events: &[Event]) -> Interaction {
    let mut ordered: Vec<&Event> = events.iter().collect();
    // A stable sort keeps arrival order among events of equal (timestamp, rank).
    ordered.sort_by_key(|e| (e.timestamp, rank(&e.body)));
    let start = ordered
        .first()
        .map_or(Timestamp::from_millis(0), |e| e.timestamp);
    let mut folded = fold::Fold::new(Interaction::new(tenant.clone(), interaction.clone(), start));
    for event in ordered {
        folded.apply(event);
    }
    let mut record = folded.finish();
    derive::derive_statistics(&mut record);
    record
}

fn rank(body: &EventBody) -> u8 {
    match body {
        EventBody::InteractionImported(_) => 0,
        EventBody::InteractionStarted(_) => 1,
        EventBody::CustomerDisconnected(_) => 8,
        EventBody::InteractionEnded(_) => 9,
        _ => 5,
    }
}
