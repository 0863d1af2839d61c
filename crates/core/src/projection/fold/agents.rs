//! Agent allocations and holds: allocating, deallocating (refining an implied
//! deallocation), and holds opened and closed.

use crate::event::{AgentChange, Event};
use crate::ids::AgentId;
use crate::record::{AgentAllocation, Hold, QueueExitType};
use crate::time::Timestamp;

use super::{close_queue, Fold};

impl Fold {
    pub(super) fn allocate(&mut self, a: &AgentChange, at: Timestamp, e: &Event) {
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

    pub(super) fn open_allocation(&self, agent: &AgentId) -> Option<usize> {
        self.rec
            .agents
            .iter()
            .rposition(|a| a.end_timestamp.is_none() && a.agent_id == *agent)
    }

    pub(super) fn deallocate(&mut self, a: &AgentChange, at: Timestamp, e: &Event) {
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

    pub(super) fn start_hold(&mut self, agent_id: Option<AgentId>, at: Timestamp, e: &Event) {
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

    pub(super) fn end_hold(&mut self, agent_id: Option<&AgentId>, at: Timestamp, e: &Event) {
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

    pub(super) fn close_holds(&mut self, at: Timestamp) {
        for hold in self
            .rec
            .holds
            .iter_mut()
            .filter(|h| h.end_timestamp.is_none())
        {
            hold.end_timestamp = Some(at);
        }
    }
}
