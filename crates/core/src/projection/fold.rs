//! Phase one of the projection: apply events in order, recording facts and flags.
//!
//! Implied closings (DESIGN.md): `customer-disconnected` closes open queue entries (abandon),
//! open segments (customer-disconnect, cancelled) and open holds; `interaction-ended` closes
//! whatever is still open. Interlog adds one: `agent-allocated` closes the open queue entry
//! the agent was offered from (exit success). A closing that was only implied is remembered,
//! so a later explicit `queue-exited` or `agent-deallocated` for it refines it instead of
//! being flagged (platforms often report the allocation before the queue exit, and the
//! deallocation after wrap-up, after the interaction ended).

use crate::event::{
    AgentChange, Event, EventBody, InteractionStarted, QueueEntered, QueueExited, SegmentEnded,
    SegmentOutcome, SegmentStarted,
};
use crate::ids::AgentId;
use crate::record::{
    AgentAllocation, Flag, Hold, Interaction, QueueEntry, QueueExitType, Segment, SegmentEndType,
    SegmentStartType, Status,
};
use crate::time::Timestamp;

use super::DEFAULT_SLA_THRESHOLD;

mod content;

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
        }
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
            _ => content::apply(&mut self.rec, e),
        }
    }

    pub(super) fn finish(mut self) -> Interaction {
        if !self.started {
            self.rec.flags.push(Flag {
                code: "no-start".into(),
                message: "no interaction-started event has been received".into(),
                event_id: None,
            });
        }
        if self.rec.status == Status::Active {
            self.rec.flags.push(Flag {
                code: "no-end".into(),
                message: "no interaction-ended event has been received".into(),
                event_id: None,
            });
        }
        self.rec.flagged = !self.rec.flags.is_empty();
        self.rec
    }

    fn flag(&mut self, code: &str, message: String, e: &Event) {
        self.rec.flags.push(Flag {
            code: code.into(),
            message,
            event_id: Some(e.event_id.to_string()),
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

    /// The id of the segment new work belongs to: the latest open one (segment 0 is opened
    /// on demand when no `interaction-started` has been seen yet).
    fn current_segment_id(&mut self) -> String {
        if self.rec.segments.is_empty() {
            let id = self.derived_id("segment", 0);
            let start = self.rec.start_timestamp;
            self.push_segment(id, SegmentStartType::Interaction, start, None);
        }
        let segments = &self.rec.segments;
        let current = segments
            .iter()
            .rev()
            .find(|s| s.end_timestamp.is_none())
            .unwrap_or(&segments[segments.len() - 1]);
        current.interaction_segment_id.clone()
    }

    fn push_segment(
        &mut self,
        id: String,
        kind: SegmentStartType,
        at: Timestamp,
        from: Option<&SegmentStarted>,
    ) {
        self.rec.segments.push(Segment {
            segment_number: self.rec.segments.len() as u32,
            interaction_segment_id: id,
            segment_start_type: kind,
            start_timestamp: at,
            end_timestamp: None,
            segment_end_type: None,
            segment_cancelled: false,
            segment_agent_id: from.and_then(|s| s.agent_id.clone()),
            segment_to_agent_id: from.and_then(|s| s.to_agent_id.clone()),
            segment_to_queue_id: from.and_then(|s| s.to_queue_id.clone()),
            segment_time: None,
            segment_cancel_time: None,
        });
    }

    fn enter_queue(&mut self, q: &QueueEntered, at: Timestamp, e: &Event) {
        let n = self.rec.queues.len();
        let id = q
            .interaction_queue_id
            .clone()
            .unwrap_or_else(|| self.derived_id("queue", n));
        if self
            .rec
            .queues
            .iter()
            .any(|entry| entry.interaction_queue_id == id)
        {
            return self.flag(
                "duplicate-queue-entry",
                format!("queue entry {id} was entered twice"),
                e,
            );
        }
        let segment = self.current_segment_id();
        self.rec.queues.push(QueueEntry {
            interaction_queue_id: id,
            interaction_segment_id: Some(segment),
            queue_id: q.queue_id.clone(),
            queue_name: q.queue_name.clone(),
            platform_queue_id: q.platform_queue_id.clone(),
            queue_type: q.queue_type,
            queue_entry_type: q.entry_type,
            queue_entry_length: q.queue_length,
            sla_threshold: q.sla_threshold.unwrap_or(DEFAULT_SLA_THRESHOLD),
            start_timestamp: at,
            end_timestamp: None,
            queue_exit_type: None,
            agent_id: None,
            queue_time: None,
            queue_abandoned: false,
            queue_abandon_time: None,
            sla_time: None,
            sla_abandoned: false,
        });
    }

    fn exit_queue(&mut self, q: &QueueExited, at: Timestamp, e: &Event) {
        let queues = &self.rec.queues;
        let target = match &q.interaction_queue_id {
            Some(id) => queues
                .iter()
                .position(|entry| entry.interaction_queue_id == *id),
            None => queues
                .iter()
                .rposition(|entry| entry.end_timestamp.is_none())
                .or_else(|| self.implied_queue_exits.last().copied()),
        };
        let Some(i) = target else {
            return self.flag(
                "queue-exit-without-entry",
                "queue-exited matches no queue entry".into(),
                e,
            );
        };
        let implied = self.implied_queue_exits.contains(&i);
        if self.rec.queues[i].end_timestamp.is_some() && !implied {
            return self.flag(
                "duplicate-queue-exit",
                "queue entry had already been exited".into(),
                e,
            );
        }
        self.implied_queue_exits.retain(|&j| j != i);
        let agent = q
            .agent_id
            .clone()
            .or_else(|| self.rec.queues[i].agent_id.clone());
        close_queue(&mut self.rec.queues[i], at, q.exit_type, agent);
    }

    fn allocate(&mut self, a: &AgentChange, at: Timestamp, e: &Event) {
        if self.open_allocation(&a.agent_id).is_some() {
            let message = format!("agent {} was allocated while already allocated", a.agent_id);
            return self.flag("duplicate-allocation", message, e);
        }
        let mut offered_from = a.queue_id.clone();
        for (i, entry) in self.rec.queues.iter_mut().enumerate() {
            let same_queue = a.queue_id.is_none() || entry.queue_id == a.queue_id;
            if entry.end_timestamp.is_none() && same_queue {
                close_queue(entry, at, QueueExitType::Success, Some(a.agent_id.clone()));
                self.implied_queue_exits.push(i);
                offered_from = offered_from.or_else(|| entry.queue_id.clone());
            }
        }
        let n = self.rec.agents.len();
        let id = a
            .interaction_agent_id
            .clone()
            .unwrap_or_else(|| self.derived_id("agent", n));
        let segment = self.current_segment_id();
        self.rec.agents.push(AgentAllocation {
            interaction_agent_id: id,
            agent_id: a.agent_id.clone(),
            agent_name: a.agent_name.clone(),
            session_id: a.session_id.clone(),
            tenant_agent_id: a.tenant_agent_id.clone(),
            platform_agent_id: a.platform_agent_id.clone(),
            queue_id: offered_from,
            interaction_segment_id: Some(segment),
            start_timestamp: at,
            end_timestamp: None,
            holds: 0,
            hold_time: Default::default(),
            talk_time: None,
            handle_time: None,
        });
    }

    fn open_allocation(&self, agent: &AgentId) -> Option<usize> {
        self.rec
            .agents
            .iter()
            .rposition(|a| a.end_timestamp.is_none() && a.agent_id == *agent)
    }

    fn deallocate(&mut self, a: &AgentChange, at: Timestamp, e: &Event) {
        let target = match &a.interaction_agent_id {
            Some(id) => self
                .rec
                .agents
                .iter()
                .position(|x| x.interaction_agent_id == *id),
            None => self.open_allocation(&a.agent_id).or_else(|| {
                let implied = &self.implied_deallocations;
                implied
                    .iter()
                    .rev()
                    .copied()
                    .find(|&i| self.rec.agents[i].agent_id == a.agent_id)
            }),
        };
        let Some(i) = target.filter(|&i| {
            self.rec.agents[i].end_timestamp.is_none() || self.implied_deallocations.contains(&i)
        }) else {
            let message = format!(
                "agent {} was deallocated without an open allocation",
                a.agent_id
            );
            return self.flag("deallocation-without-allocation", message, e);
        };
        self.implied_deallocations.retain(|&j| j != i);
        self.rec.agents[i].end_timestamp = Some(at);
        let agent = self.rec.agents[i].agent_id.clone();
        let own_or_unattributed = |h: &&mut Hold| h.agent_id.as_ref().is_none_or(|a| *a == agent);
        for hold in self.rec.holds.iter_mut().filter(own_or_unattributed) {
            hold.end_timestamp.get_or_insert(at);
        }
    }

    fn start_hold(&mut self, agent_id: Option<AgentId>, at: Timestamp, e: &Event) {
        let open = self
            .rec
            .holds
            .iter()
            .any(|h| h.end_timestamp.is_none() && h.agent_id == agent_id);
        if open {
            return self.flag(
                "duplicate-hold",
                "a hold started while the same hold was open".into(),
                e,
            );
        }
        self.rec.holds.push(Hold {
            agent_id,
            start_timestamp: at,
            end_timestamp: None,
            hold_time: None,
        });
    }

    fn end_hold(&mut self, agent_id: Option<&AgentId>, at: Timestamp, e: &Event) {
        let open = self.rec.holds.iter_mut().rev().find(|h| {
            h.end_timestamp.is_none() && (agent_id.is_none() || h.agent_id.as_ref() == agent_id)
        });
        match open {
            Some(hold) => hold.end_timestamp = Some(at),
            None => self.flag(
                "hold-end-without-start",
                "hold-ended matches no open hold".into(),
                e,
            ),
        }
    }

    fn start_segment(&mut self, kind: SegmentStartType, s: &SegmentStarted, at: Timestamp) {
        self.current_segment_id(); // segment 0 exists before any transfer
        let n = self.rec.segments.len();
        let id = s
            .segment_id
            .clone()
            .unwrap_or_else(|| self.derived_id("segment", n));
        self.push_segment(id, kind, at, Some(s));
        self.pending = Some(n);
    }

    fn end_segment(&mut self, kind: SegmentStartType, s: &SegmentEnded, at: Timestamp, e: &Event) {
        let target = self
            .pending
            .filter(|&i| self.rec.segments[i].segment_start_type == kind);
        let Some(i) = target else {
            let message = format!("{} matches no pending {kind:?} segment", e.body.type_name());
            return self.flag("segment-end-without-start", message, e);
        };
        self.pending = None;
        match s.outcome {
            // A successful transfer hands the interaction over: the segments it left end.
            SegmentOutcome::Success if kind == SegmentStartType::Transfer => {
                for segment in self.rec.segments[..i]
                    .iter_mut()
                    .filter(|s| s.end_timestamp.is_none())
                {
                    close_segment(segment, at, SegmentEndType::Success);
                }
            }
            SegmentOutcome::Success => {}
            SegmentOutcome::Cancelled => {
                let id = self.rec.segments[i].interaction_segment_id.clone();
                close_segment(&mut self.rec.segments[i], at, SegmentEndType::Cancelled);
                if kind == SegmentStartType::AddParticipant {
                    for entry in self.rec.queues.iter_mut().filter(|q| {
                        q.end_timestamp.is_none()
                            && q.interaction_segment_id.as_deref() == Some(&id)
                    }) {
                        close_queue(entry, at, QueueExitType::AddParticipantCancel, None);
                    }
                }
            }
            SegmentOutcome::CustomerDisconnect => {
                close_segment(
                    &mut self.rec.segments[i],
                    at,
                    SegmentEndType::CustomerDisconnect,
                );
            }
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

    fn close_holds(&mut self, at: Timestamp) {
        for hold in self
            .rec
            .holds
            .iter_mut()
            .filter(|h| h.end_timestamp.is_none())
        {
            hold.end_timestamp = Some(at);
        }
    }

    /// An imported record replaces everything known so far; later events apply on top.
    fn import(&mut self, record: &Interaction) {
        let mut rec = record.clone();
        rec.tenant_id = self.rec.tenant_id.clone();
        rec.interaction_id = self.rec.interaction_id.clone();
        rec.flags.clear();
        self.rec = rec;
        self.started = true;
        self.ended = self.rec.status == Status::Ended;
        self.pending = None;
        self.implied_queue_exits.clear();
        self.implied_deallocations.clear();
    }
}

/// A well-known namespace for derived ids (a random UUID fixed forever).
const ID_NAMESPACE: uuid::Uuid = uuid::uuid!("6f1b3c1e-8f4a-4b7e-9d52-3a8e5c0f2d71");

fn close_queue(entry: &mut QueueEntry, at: Timestamp, exit: QueueExitType, agent: Option<AgentId>) {
    entry.end_timestamp = Some(at);
    entry.queue_exit_type = Some(exit);
    entry.agent_id = agent;
}

fn close_segment(segment: &mut Segment, at: Timestamp, end: SegmentEndType) {
    segment.end_timestamp = Some(at);
    segment.segment_end_type = Some(end);
    segment.segment_cancelled = matches!(
        end,
        SegmentEndType::Cancelled | SegmentEndType::CustomerDisconnect
    );
}

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
