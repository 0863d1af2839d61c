//! Queue entries: entering, exiting, and the exits that an allocation or the end implies.

use crate::event::{Event, QueueEntered, QueueExited};
use crate::ids::AgentId;
use crate::record::{QueueEntry, QueueExitType};
use crate::time::Timestamp;

use super::super::DEFAULT_SLA_THRESHOLD;
use super::Fold;

impl Fold {
    pub(super) fn enter_queue(&mut self, q: &QueueEntered, at: Timestamp, e: &Event) {
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

    pub(super) fn exit_queue(&mut self, q: &QueueExited, at: Timestamp, e: &Event) {
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
}

pub(super) fn close_queue(
    entry: &mut QueueEntry,
    at: Timestamp,
    exit: QueueExitType,
    agent: Option<AgentId>,
) {
    entry.end_timestamp = Some(at);
    entry.queue_exit_type = Some(exit);
    entry.agent_id = agent;
}
