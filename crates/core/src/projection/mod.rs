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

mod arrivals;
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
    Projection::fold(tenant, interaction, events).record()
}

/// A projection kept between appends, so that an event arriving after every event applied
/// so far costs the same however long the interaction is: [`Projection::apply`] folds it
/// into the kept state instead of re-folding the whole log. An event that sorts before one
/// already applied cannot be folded on top; the caller re-folds the whole log then
/// ([`Projection::fold`]). Either way the record is the one [`project`] gives.
#[derive(Clone, Debug)]
pub struct Projection {
    state: fold::Fold,
    /// The order key of the last event applied.
    last: Option<(Timestamp, u8)>,
    /// How many events were applied.
    applied: usize,
    /// The messages' arrivals ([`Projection::arrival`]).
    arrivals: arrivals::Arrivals,
}

impl Projection {
    /// The projection of `events` (given in arrival order), folded in their order.
    pub fn fold<'a>(
        tenant: &TenantId,
        interaction: &InteractionId,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Self {
        let mut ordered: Vec<&Event> = events.into_iter().collect();
        let mut arrivals = arrivals::Arrivals::default();
        ordered.iter().for_each(|e| arrivals.note(e));
        // A stable sort keeps arrival order among events of equal (timestamp, rank).
        ordered.sort_by_key(|e| order_key(e));
        let record = Interaction::new(
            tenant.clone(),
            interaction.clone(),
            Timestamp::from_millis(0),
        );
        let mut projection = Self {
            state: fold::Fold::new(record),
            last: None,
            applied: 0,
            arrivals,
        };
        for event in ordered {
            projection.apply_unchecked(event);
        }
        projection
    }

    /// Folds in `events` (given in arrival order) if the earliest of them sorts after
    /// every event applied so far: they are applied in their own order, as a fold of the
    /// whole log would apply them after the others. Otherwise leaves the projection as it
    /// was and returns false.
    pub fn apply_all(&mut self, events: &[&Event]) -> bool {
        let mut ordered = events.to_vec();
        // Stable, as in `fold`: arrival order breaks ties.
        ordered.sort_by_key(|e| order_key(e));
        let Some(first) = ordered.first() else {
            return true;
        };
        if self.last.is_some_and(|last| order_key(first) < last) {
            return false;
        }
        events.iter().for_each(|e| self.arrivals.note(e));
        for event in ordered {
            self.apply_unchecked(event);
        }
        true
    }

    fn apply_unchecked(&mut self, event: &Event) {
        if self.applied == 0 {
            // A record starts at its earliest event until `interaction-started` says more.
            self.state.start_at(event.timestamp);
        }
        self.state.apply(event);
        self.last = Some(order_key(event));
        self.applied += 1;
    }

    /// How many events the projection holds.
    pub fn len(&self) -> usize {
        self.applied
    }

    pub fn is_empty(&self) -> bool {
        self.applied == 0
    }

    /// The record: the fold's facts, closed and with every statistic derived.
    pub fn record(&self) -> Interaction {
        let mut record = self.state.clone().finish();
        derive::derive_statistics(&mut record);
        record
    }

    /// The record without its transcript (`messages` empty), at a cost that does not grow
    /// with the transcript; [`Projection::messages`] is the transcript.
    pub fn summary(&mut self) -> Interaction {
        let mut record = self.state.finish_without_transcript();
        derive::derive_statistics(&mut record);
        record
    }

    /// The transcript, in order.
    pub fn messages(&self) -> &[crate::record::Message] {
        self.state.messages()
    }

    /// The arrival of a message of the transcript: the order in which the log first said
    /// its id, 0 for the first. Unlike its place, it stays when events arrive out of order.
    pub fn arrival(&self, message: &crate::record::Message) -> u32 {
        self.arrivals.of(&message.message_id)
    }

    /// The lowest place in the transcript added or changed since the last call (the
    /// transcript's length when none): what a store that keeps the transcript as rows must
    /// write again.
    pub fn take_transcript_changes(&mut self) -> usize {
        self.state.take_transcript_changes()
    }
}

/// The order events are applied in: (timestamp, rank), arrival breaking ties.
fn order_key(event: &Event) -> (Timestamp, u8) {
    (event.timestamp, rank(&event.body))
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
