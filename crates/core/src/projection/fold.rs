//! Phase one of the projection: apply events in order, recording facts and flags.
//!
//! Implied closings (DESIGN.md): `customer-disconnected` closes open queue entries (abandon),
//! open segments (customer-disconnect, cancelled) and open holds; `interaction-ended` closes
//! whatever is still open. Interlog adds one: `agent-allocated` closes the open queue entry
//! the agent was offered from (exit success). A closing that was only implied is remembered,
//! so a later explicit `queue-exited` or `agent-deallocated` for it refines it instead of
//! being flagged (platforms often report the allocation before the queue exit, and the
//! deallocation after wrap-up, after the interaction ended).
//!
//! # Layout
//! This file: the fold's state, dispatch, start, end and import. `queues.rs` queue entries,
//! `agents.rs` allocations and holds, `segments.rs` segments, `content.rs` events that add
//! content without touching the timeline.

use std::collections::HashMap;

use crate::event::{Event, EventBody, InteractionStarted};
use crate::record::{
    Flag, Interaction, Message, QueueExitType, SegmentEndType, SegmentStartType, Status,
};
use crate::time::Timestamp;

mod agents;
mod content;
mod queues;
mod segments;

use queues::close_queue;
use segments::close_segment;

#[derive(Clone, Debug)]
pub(super) struct Fold {
    rec: Interaction,
    started: bool,
    ended: bool,
    /// The segment of a transfer or add-participant that has not yet succeeded or failed.
    pending: Option<usize>,
    /// Queue entries closed by an allocation rather than by their own `queue-exited`.
    implied_queue_exits: Vec<usize>,
    /// Allocations closed by `interaction-ended` rather than by their own deallocation.
    implied_deallocations: Vec<usize>,
    /// The latest event applied after the end (`statistics.updated`).
    updated: Option<Timestamp>,
    /// Where each message is in the transcript, by id (a message id seen again replaces
    /// its message), and the first place changed since the store last asked.
    transcript: Transcript,
}

/// The transcript's index: message ids to their places, and the lowest place changed.
#[derive(Clone, Debug, Default)]
struct Transcript {
    places: HashMap<String, usize>,
    changed_from: Option<usize>,
}

impl Fold {
    pub(super) fn new(rec: Interaction) -> Self {
        Self {
            rec,
            started: false,
            ended: false,
            pending: None,
            implied_queue_exits: Vec::new(),
            implied_deallocations: Vec::new(),
            updated: None,
            transcript: Transcript::default(),
        }
    }

    /// Adds a message to the transcript, or replaces the one with its id.
    fn add_message(&mut self, message: Message) {
        let messages = &mut self.rec.messages;
        let place = match self.transcript.places.get(&message.message_id) {
            Some(&place) => {
                messages[place] = message;
                place
            }
            None => {
                self.transcript
                    .places
                    .insert(message.message_id.clone(), messages.len());
                messages.push(message);
                messages.len() - 1
            }
        };
        self.mark_changed(place);
    }

    fn mark_changed(&mut self, place: usize) {
        let changed = &mut self.transcript.changed_from;
        *changed = Some(changed.map_or(place, |c| c.min(place)));
    }

    /// The lowest place in the transcript changed since the last call (the transcript's
    /// length when none), and forgets it.
    pub(super) fn take_transcript_changes(&mut self) -> usize {
        let len = self.rec.messages.len();
        self.transcript.changed_from.take().unwrap_or(len)
    }

    /// The transcript so far.
    pub(super) fn messages(&self) -> &[Message] {
        &self.rec.messages
    }

    /// The record so far without its transcript, closed as [`Fold::finish`] closes it;
    /// the fold goes on unchanged (only what is not the transcript is copied).
    pub(super) fn finish_without_transcript(&mut self) -> Interaction {
        let messages = std::mem::take(&mut self.rec.messages);
        let record = self.clone().finish();
        self.rec.messages = messages;
        record
    }

    /// Sets the record's start before the first event is applied.
    pub(super) fn start_at(&mut self, at: Timestamp) {
        self.rec.start_timestamp = at;
    }

    pub(super) fn apply(&mut self, e: &Event) {
        if self.ended && !allowed_after_end(&e.body) {
            let message = format!(
                "{} arrived after the interaction ended; ignored",
                e.body.type_name()
            );
            return self.flag("event-after-end", message, e);
        }
        let at = e.timestamp;
        let after_end = self.ended;
        match &e.body {
            EventBody::InteractionStarted(s) => self.start(s, e),
            EventBody::QueueEntered(q) => self.enter_queue(q, at, e),
            EventBody::QueueExited(q) => self.exit_queue(q, at, e),
            EventBody::AgentAllocated(a) => self.allocate(a, at, e),
            EventBody::AgentDeallocated(a) => self.deallocate(a, at, e),
            EventBody::HoldStarted(h) => self.start_hold(h.agent_id.clone(), at, e),
            EventBody::HoldEnded(h) => self.end_hold(h.agent_id.as_ref(), at, e),
            EventBody::TransferStarted(s) => self.start_segment(SegmentStartType::Transfer, s, at),
            EventBody::ParticipantAddStarted(s) => {
                self.start_segment(SegmentStartType::AddParticipant, s, at)
            }
            EventBody::TransferEnded(s) => self.end_segment(SegmentStartType::Transfer, s, at, e),
            EventBody::ParticipantAddEnded(s) => {
                self.end_segment(SegmentStartType::AddParticipant, s, at, e)
            }
            EventBody::CustomerDisconnected(_) => self.customer_disconnected(at, e),
            EventBody::InteractionEnded(end) => self.end(end.reason.clone(), at),
            EventBody::InteractionImported(import) => self.import(&import.record),
            EventBody::Message(m) => self.add_message(content::message(m, e)),
            _ => content::apply(&mut self.rec, e),
        }
        // An import brings its own `updated`; any other late event is a change after the end.
        if after_end && !matches!(e.body, EventBody::InteractionImported(_)) {
            self.updated = Some(at);
        }
    }

    pub(super) fn finish(mut self) -> Interaction {
        if !self.started {
            self.rec.flags.push(Flag {
                code: "no-start".into(),
                message: "no interaction-started event has been received".into(),
                event_id: None,
                timestamp: None,
            });
        }
        if self.rec.status == Status::Active {
            self.rec.flags.push(Flag {
                code: "no-end".into(),
                message: "no interaction-ended event has been received".into(),
                event_id: None,
                timestamp: None,
            });
        }
        self.rec.flagged = !self.rec.flags.is_empty();
        // Events leave no other trace of when they arrived: the fold records `updated`, and
        // derive keeps it.
        self.rec.statistics.updated = self.updated;
        self.rec
    }

    fn flag(&mut self, code: &str, message: String, e: &Event) {
        self.rec.flags.push(Flag {
            code: code.into(),
            message,
            event_id: Some(e.event_id.to_string()),
            timestamp: Some(e.timestamp),
        });
    }

    /// A stable id for the `n`th item of `kind` that its event did not name.
    fn derived_id(&self, kind: &str, n: usize) -> String {
        let name = format!(
            "{}/{}/{kind}/{n}",
            self.rec.tenant_id, self.rec.interaction_id
        );
        uuid::Uuid::new_v5(&ID_NAMESPACE, name.as_bytes()).to_string()
    }

    fn start(&mut self, s: &InteractionStarted, e: &Event) {
        if self.started {
            return self.flag(
                "duplicate-start",
                "a second interaction-started was ignored".into(),
                e,
            );
        }
        self.started = true;
        let rec = &mut self.rec;
        rec.start_timestamp = e.timestamp;
        rec.channel_type = Some(s.channel_type);
        rec.direction = Some(s.direction);
        rec.customer.clone_from(&s.customer);
        rec.contact_point.clone_from(&s.contact_point);
        rec.contact_id.clone_from(&s.contact_id);
        rec.flow.clone_from(&s.flow);
        rec.subject.clone_from(&s.subject);
        rec.thread_id.clone_from(&s.thread_id);
        rec.parent_id.clone_from(&s.parent_id);
        rec.external_ids.extend(s.external_ids.clone());
        content::merge_attributes(&mut rec.attributes, &s.attributes);
        if let Some(keys) = &s.caller_keys {
            rec.caller_keys.merge(keys);
        }
        let id = s
            .segment_id
            .clone()
            .unwrap_or_else(|| self.derived_id("segment", 0));
        match self.rec.segments.first_mut() {
            // Events stamped before the start already opened segment 0; it begins here.
            Some(first) => {
                first.interaction_segment_id = id;
                first.start_timestamp = e.timestamp;
            }
            None => self.push_segment(id, SegmentStartType::Interaction, e.timestamp, None),
        }
    }

    fn customer_disconnected(&mut self, at: Timestamp, e: &Event) {
        if self.rec.customer_disconnect_timestamp.is_some() {
            return self.flag(
                "duplicate-disconnect",
                "the customer disconnected twice".into(),
                e,
            );
        }
        self.rec.customer_disconnect_timestamp = Some(at);
        for entry in self
            .rec
            .queues
            .iter_mut()
            .filter(|q| q.end_timestamp.is_none())
        {
            close_queue(entry, at, QueueExitType::Abandon, None);
        }
        for segment in self
            .rec
            .segments
            .iter_mut()
            .filter(|s| s.end_timestamp.is_none())
        {
            close_segment(segment, at, SegmentEndType::CustomerDisconnect);
        }
        self.pending = None;
        self.close_holds(at);
    }

    fn end(&mut self, reason: Option<String>, at: Timestamp) {
        self.ended = true;
        let rec = &mut self.rec;
        rec.status = Status::Ended;
        rec.end_timestamp = Some(at);
        rec.end_reason = reason;
        for entry in rec.queues.iter_mut().filter(|q| q.end_timestamp.is_none()) {
            close_queue(entry, at, QueueExitType::InteractionEnd, None);
        }
        for (i, allocation) in rec.agents.iter_mut().enumerate() {
            if allocation.end_timestamp.is_none() {
                allocation.end_timestamp = Some(at);
                self.implied_deallocations.push(i);
            }
        }
        for segment in rec
            .segments
            .iter_mut()
            .filter(|s| s.end_timestamp.is_none())
        {
            close_segment(segment, at, SegmentEndType::InteractionEnd);
        }
        self.pending = None;
        self.close_holds(at);
    }

    /// An imported record replaces everything known so far; later events apply on top.
    fn import(&mut self, record: &Interaction) {
        let mut rec = record.clone();
        rec.tenant_id = self.rec.tenant_id.clone();
        rec.interaction_id = self.rec.interaction_id.clone();
        // The record's own flags stay (an exported record keeps what was found wrong with
        // its events); those of the whole stream are raised again by `finish`.
        let never_started = rec.flags.iter().any(|f| f.code == "no-start");
        rec.flags
            .retain(|f| !matches!(f.code.as_str(), "no-start" | "no-end"));
        self.rec = rec;
        self.started = !never_started;
        self.ended = self.rec.status == Status::Ended;
        self.updated = record.statistics.updated;
        self.pending = None;
        self.implied_queue_exits.clear();
        self.implied_deallocations.clear();
        self.transcript.places = (self.rec.messages.iter().enumerate())
            .map(|(place, m)| (m.message_id.clone(), place))
            .collect();
        self.mark_changed(0);
    }
}

/// A well-known namespace for derived ids (a random UUID fixed forever).
const ID_NAMESPACE: uuid::Uuid = uuid::uuid!("6f1b3c1e-8f4a-4b7e-9d52-3a8e5c0f2d71");

/// Events that legitimately arrive after the end: wrap-up, content and late transcripts.
fn allowed_after_end(body: &EventBody) -> bool {
    matches!(
        body,
        EventBody::Message(_)
            | EventBody::NoteAdded(_)
            | EventBody::DispositionSet(_)
            | EventBody::CsatSet(_)
            | EventBody::AttributesSet(_)
            | EventBody::CallerKeysSet(_)
            | EventBody::HookLinked(_)
            | EventBody::ContentAdded(_)
            | EventBody::RecordingAdded(_)
            | EventBody::AgentDeallocated(_)
            | EventBody::InteractionImported(_)
    )
}
