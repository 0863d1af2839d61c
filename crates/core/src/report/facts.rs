//! The facts of one record, each in the 15-minute UTC bucket where it completes (the rules
//! are in `cells.rs`'s documentation).

use std::collections::BTreeMap;

use super::cells::{Cell, Thresholds};
use super::measures::{Counts, Measure, BUCKET_MS};
use crate::record::{Direction, Interaction, QueueExitType, SegmentStartType, Status};
use crate::time::Timestamp;

/// A cell of one record, borrowing its text (channel and direction are the record's): a
/// record has dozens of facts in a few cells, so each cell's strings are copied once, in
/// [`Facts::into_cells`], not once per fact.
type Key<'a> = (i64, &'a str, &'a str, Option<&'a str>);

/// Builds a contribution fact by fact. A record's facts fall in a few cells, so they are
/// looked for one by one (cheaper than a map's ordered search through their strings).
pub(super) struct Facts<'a> {
    record: &'a Interaction,
    cells: Vec<(Key<'a>, Counts)>,
}

impl<'a> Facts<'a> {
    pub(super) fn new(record: &'a Interaction) -> Self {
        Self {
            record,
            cells: Vec::with_capacity(8),
        }
    }

    /// The cells, each with the record's channel and direction.
    pub(super) fn into_cells(self) -> BTreeMap<Cell, Counts> {
        let channel = self.record.channel_type.map_or("", |c| c.as_str());
        let direction = self.record.direction.map_or("", |d| d.as_str());
        (self.cells.into_iter())
            .map(|((bucket_ms, agent, queue, end_reason), counts)| {
                let cell = Cell {
                    bucket_ms,
                    agent: agent.to_string(),
                    queue: queue.to_string(),
                    channel: channel.to_string(),
                    direction: direction.to_string(),
                    end_reason: end_reason.map(str::to_string),
                };
                (cell, counts)
            })
            .collect()
    }

    fn add(&mut self, at: Timestamp, agent: &'a str, queue: &'a str, measure: Measure, value: i64) {
        self.add_to(at, agent, queue, None, measure, value);
    }

    fn add_to(
        &mut self,
        at: Timestamp,
        agent: &'a str,
        queue: &'a str,
        end_reason: Option<&'a str>,
        measure: Measure,
        value: i64,
    ) {
        let bucket_ms = at.millis().div_euclid(BUCKET_MS) * BUCKET_MS;
        let key = (bucket_ms, agent, queue, end_reason);
        match self.cells.iter_mut().find(|(k, _)| *k == key) {
            Some((_, counts)) => counts.add(measure, value),
            None => {
                let mut counts = Counts::default();
                counts.add(measure, value);
                self.cells.push((key, counts));
            }
        }
    }

    /// A fact in the totals and, when there is an agent, in that agent's cell.
    fn add_both(
        &mut self,
        at: Timestamp,
        agent: Option<&'a str>,
        queue: &'a str,
        m: Measure,
        v: i64,
    ) {
        self.add(at, "", queue, m, v);
        if let Some(agent) = agent {
            self.add(at, agent, queue, m, v);
        }
    }

    /// The queue the interaction was last in at `at`: the latest entry begun by then.
    fn queue_at(&self, at: Timestamp) -> &'a str {
        let record = self.record;
        (record.queues.iter())
            .filter(|q| q.start_timestamp <= at)
            .max_by_key(|q| q.start_timestamp)
            .and_then(|q| q.queue_id.as_deref())
            .unwrap_or("")
    }

    pub(super) fn interaction(&mut self) {
        let record = self.record;
        let start = record.start_timestamp;
        self.add(start, "", self.queue_at(start), Measure::Started, 1);
        if record.direction == Some(Direction::Outbound) {
            self.add(
                start,
                "",
                self.queue_at(start),
                Measure::OutboundAttempts,
                1,
            );
        }
        if let Some(ivr) = record.statistics.ivr_time {
            let at = Timestamp::from_millis(start.millis() + ivr.millis());
            self.add(at, "", self.queue_at(at), Measure::IvrCount, 1);
            self.add(at, "", self.queue_at(at), Measure::IvrMs, ivr.millis());
        }
        let end = record
            .end_timestamp
            .filter(|_| record.status == Status::Ended);
        if let Some(end) = end {
            let queue = self.queue_at(end);
            self.add(end, "", queue, Measure::Ended, 1);
            let reason = Some(record.end_reason.as_deref().unwrap_or(""));
            self.add_to(end, "", queue, reason, Measure::Ended, 1);
            let unrouted = record.queues.is_empty() && record.agents.is_empty();
            if unrouted && record.direction == Some(Direction::Inbound) {
                self.add(end, "", queue, Measure::IvrOnly, 1);
            }
        }
    }

    pub(super) fn queues(&mut self, thresholds: Thresholds) {
        for entry in &self.record.queues {
            let queue = entry.queue_id.as_deref().unwrap_or("");
            self.add(entry.start_timestamp, "", queue, Measure::Offered, 1);
            let (Some(end), Some(wait)) = (entry.end_timestamp, entry.queue_time) else {
                continue;
            };
            self.add(end, "", queue, Measure::QueueExits, 1);
            self.add(end, "", queue, Measure::QueueMs, wait.millis());
            let agent = entry.agent_id.as_ref().map(|a| a.as_str());
            let within = i64::from(wait <= thresholds.sla);
            if entry.queue_exit_type == Some(QueueExitType::Success) {
                self.add_both(end, agent, queue, Measure::Answered, 1);
                self.add_both(end, agent, queue, Measure::AnsweredInSla, within);
                self.add_both(end, agent, queue, Measure::AnswerMs, wait.millis());
                self.add_both(end, agent, queue, Measure::LongestAnswerMs, wait.millis());
            } else if entry.queue_abandoned {
                let short = i64::from(wait <= thresholds.short_abandon);
                self.add(end, "", queue, Measure::Abandoned, 1);
                self.add(end, "", queue, Measure::ShortAbandoned, short);
                self.add(end, "", queue, Measure::AbandonedInSla, within);
                self.add(end, "", queue, Measure::AbandonMs, wait.millis());
            }
        }
    }

    pub(super) fn agents(&mut self) {
        let record = self.record;
        let left = record
            .customer_disconnect_timestamp
            .or(record.end_timestamp);
        let outbound = record.direction == Some(Direction::Outbound);
        if let Some(first) = record.agents.iter().map(|a| a.start_timestamp).min() {
            if outbound {
                self.add(
                    first,
                    "",
                    self.queue_at(first),
                    Measure::OutboundConnects,
                    1,
                );
            }
        }
        for allocation in &record.agents {
            let (Some(end), Some(handle)) = (allocation.end_timestamp, allocation.handle_time)
            else {
                continue;
            };
            let queue = (allocation.queue_id.as_deref())
                .unwrap_or_else(|| self.queue_at(allocation.start_timestamp));
            let agent = Some(allocation.agent_id.as_str());
            let talk = allocation.talk_time.unwrap_or_default();
            let acw = left
                .map(|left| left.max(allocation.start_timestamp))
                .filter(|from| *from < end)
                .map_or(0, |from| end.since(from).millis());
            self.add_both(end, agent, queue, Measure::Handled, 1);
            self.add_both(end, agent, queue, Measure::HandleMs, handle.millis());
            self.add_both(end, agent, queue, Measure::TalkMs, talk.millis());
            self.add_both(end, agent, queue, Measure::AcwMs, acw);
            let agent = allocation.agent_id.as_str();
            self.add(end, agent, queue, Measure::Holds, allocation.holds.into());
            self.add(
                end,
                agent,
                queue,
                Measure::HoldMs,
                allocation.hold_time.millis(),
            );
        }
    }

    pub(super) fn holds_and_segments(&mut self) {
        let record = self.record;
        for hold in &record.holds {
            let queue = self.queue_at(hold.start_timestamp);
            self.add(hold.start_timestamp, "", queue, Measure::Holds, 1);
            if let (Some(end), Some(time)) = (hold.end_timestamp, hold.hold_time) {
                self.add(end, "", queue, Measure::HoldMs, time.millis());
            }
        }
        for segment in &record.segments {
            let measure = match segment.segment_start_type {
                SegmentStartType::Transfer => Measure::Transfers,
                SegmentStartType::AddParticipant => Measure::Consults,
                SegmentStartType::Interaction => continue,
            };
            // The queue the interaction was in just before: a transfer's own queue entry
            // often begins at the same millisecond.
            let at = segment.start_timestamp;
            let before = self.queue_at(Timestamp::from_millis(at.millis() - 1));
            let agent = segment.segment_agent_id.as_ref().map(|a| a.as_str());
            self.add_both(at, agent, before, measure, 1);
        }
    }
}
