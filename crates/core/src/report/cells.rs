//! What one record contributes to the report rollups: each fact in the 15-minute UTC bucket
//! in which it completes, keyed by agent, queue, channel and direction.
//!
//! Facts and when they count (the README's "Reports" section explains each metric):
//! - `started` and, when outbound, `outboundAttempts`: at the start;
//! - `ivrCount`/`ivrMs`: when the IVR stage ends (`start + ivrTime`);
//! - per queue entry: `offered` at entry; at exit `queueExits`/`queueMs`, and either
//!   `answered` (exit success; within the SLA threshold when `queueTime` ≤ it) with its
//!   wait in `answerMs`, or `abandoned` (short when `queueTime` ≤ the short-abandon
//!   threshold; within the SLA when ≤ the SLA threshold) with its wait in `abandonMs`;
//! - per hold: `holds` at its start, `holdMs` at its end (the interaction's holds);
//! - per agent allocation, at deallocation: `handled`, `handleMs`, `talkMs`, `acwMs`
//!   (deallocation − the later of allocation and the customer leaving); an outbound
//!   interaction's first allocation is its `outboundConnects`, at the allocation;
//! - per segment started by a transfer or add-participant: `transfers` or `consults`, at
//!   its start;
//! - `ended`, and `ivrOnly` for an inbound interaction that never reached a queue or an
//!   agent: at the end; `ended` also in the end reasons' rollup, by the interaction's
//!   `endReason` ("" without one).
//!
//! The queue of a fact is its queue entry's, an allocation's own queue, or else the queue the
//! interaction was last in at that moment ("" before any; for a transfer or consult, the
//! queue just before it). Each agent fact counts twice: in
//! the totals (agent "") and in the agent's own cell; an agent's holds are those of its
//! allocation, and `answered` in an agent's cell is the queue entries it accepted.

use std::collections::BTreeMap;
use std::ops::{AddAssign, SubAssign};

use serde::{Deserialize, Serialize};

use crate::record::{Direction, Interaction, QueueExitType, SegmentStartType, Status};
use crate::settings::TenantSettings;
use crate::time::{Seconds, Timestamp};

/// The width of the finest rollup bucket: every time zone offset in use (+05:30, +05:45,
/// +12:45 included) is a multiple of it, so any zone's wall-clock intervals are unions of
/// buckets.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

macro_rules! measures {
    ($($name:ident => $column:literal,)*) => {
        /// The additive measures every rollup row keeps, in column order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Measure { $($name,)* }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$name,)*];

            /// The rollup tables' column.
            pub fn column(self) -> &'static str {
                match self { $(Measure::$name => $column,)* }
            }
        }
    };
}

measures! {
    Offered => "offered",
    Answered => "answered",
    AnsweredInSla => "answered_in_sla",
    AnswerMs => "answer_ms",
    Abandoned => "abandoned",
    ShortAbandoned => "short_abandoned",
    AbandonedInSla => "abandoned_in_sla",
    AbandonMs => "abandon_ms",
    QueueExits => "queue_exits",
    QueueMs => "queue_ms",
    IvrCount => "ivr_count",
    IvrMs => "ivr_ms",
    IvrOnly => "ivr_only",
    Started => "started",
    Ended => "ended",
    Handled => "handled",
    HandleMs => "handle_ms",
    TalkMs => "talk_ms",
    HoldMs => "hold_ms",
    Holds => "holds",
    AcwMs => "acw_ms",
    Transfers => "transfers",
    Consults => "consults",
    OutboundAttempts => "outbound_attempts",
    OutboundConnects => "outbound_connects",
}

/// How many measures a row keeps.
pub const MEASURES: usize = Measure::ALL.len();

/// One value per measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts(pub [i64; MEASURES]);

impl Default for Counts {
    fn default() -> Self {
        Self([0; MEASURES])
    }
}

impl Counts {
    pub fn get(&self, measure: Measure) -> i64 {
        self.0[measure as usize]
    }

    pub fn add(&mut self, measure: Measure, value: i64) {
        self.0[measure as usize] += value;
    }

    /// These counts with every measure but `measures` zeroed.
    pub fn only(&self, measures: &[Measure]) -> Counts {
        let mut only = Counts::default();
        for m in measures {
            only.0[*m as usize] = self.0[*m as usize];
        }
        only
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a += b);
    }
}

impl SubAssign<&Counts> for Counts {
    fn sub_assign(&mut self, other: &Counts) {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a -= b);
    }
}

/// A rollup row's key below the tenant: a bucket start and the dimensions. `agent` is "" in
/// the totals, and each dimension is "" where the record has none. `end_reason` is set only
/// in the end reasons' rollup (to "" for an end without a reason).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Cell {
    pub bucket_ms: i64,
    pub agent: String,
    pub queue: String,
    pub channel: String,
    pub direction: String,
    pub end_reason: Option<String>,
}

/// The rollups: every fact (the totals), each agent's own work (and the same summed over
/// queues, channels and directions, which agent reports that name none of those read: a
/// report by agent and quarter hour reads half the rows), and interactions' ends by reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rollup {
    Totals,
    Agents,
    AgentTotals,
    EndReasons,
}

impl Rollup {
    pub const ALL: [Rollup; 4] = [
        Rollup::Totals,
        Rollup::Agents,
        Rollup::AgentTotals,
        Rollup::EndReasons,
    ];

    /// The rollup whose cells this one sums (the agents' for `AgentTotals`).
    pub fn source(self) -> Rollup {
        match self {
            Rollup::AgentTotals => Rollup::Agents,
            other => other,
        }
    }

    /// The measures it keeps: all in the totals; in the agents' rollups, those of an
    /// agent's own work; in the end reasons', `ended`.
    pub fn measures(self) -> &'static [Measure] {
        use Measure::*;
        match self.source() {
            Rollup::EndReasons => &[Ended],
            Rollup::Agents => &[
                Answered,
                AnsweredInSla,
                AnswerMs,
                Handled,
                HandleMs,
                TalkMs,
                HoldMs,
                Holds,
                AcwMs,
                Transfers,
                Consults,
            ],
            _ => Measure::ALL,
        }
    }
}

impl Cell {
    /// The rollup this cell is a row of.
    pub fn rollup(&self) -> Rollup {
        match (&self.end_reason, self.agent.is_empty()) {
            (Some(_), _) => Rollup::EndReasons,
            (None, true) => Rollup::Totals,
            (None, false) => Rollup::Agents,
        }
    }
}

/// The thresholds a contribution is computed with (the tenant's settings when its record was
/// projected).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub sla: Seconds,
    pub short_abandon: Seconds,
}

impl From<&TenantSettings> for Thresholds {
    fn from(settings: &TenantSettings) -> Self {
        Self {
            sla: Seconds::from_secs(settings.sla_threshold_seconds.into()),
            short_abandon: Seconds::from_secs(settings.short_abandon_seconds.into()),
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::from(&TenantSettings::default())
    }
}

/// Everything one record adds to the rollups, by 15-minute cell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contribution(BTreeMap<Cell, Counts>);

/// A contribution as stored beside its record: the quarter-hour index of each cell, its
/// dimensions, and its non-zero measures as (index, value).
type Stored = Vec<(
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<(usize, i64)>,
)>;

impl Contribution {
    /// The record's contribution.
    pub fn of(record: &Interaction, thresholds: Thresholds) -> Self {
        let mut facts = Facts::new(record);
        facts.interaction();
        facts.queues(thresholds);
        facts.agents();
        facts.holds_and_segments();
        Self(facts.cells)
    }

    pub fn cells(&self) -> impl Iterator<Item = (&Cell, &Counts)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds `sign` (1 or -1) times this contribution to `into`.
    pub fn add_to(&self, sign: i64, into: &mut BTreeMap<Cell, Counts>) {
        for (cell, counts) in &self.0 {
            let row = into.entry(cell.clone()).or_default();
            if sign >= 0 {
                *row += counts;
            } else {
                *row -= counts;
            }
        }
    }

    /// The compact text stored beside the record, so the next re-projection subtracts
    /// exactly what this one added (whatever the thresholds are by then).
    pub fn encode(&self) -> String {
        let stored: Stored = (self.0.iter())
            .map(|(cell, counts)| {
                let values = (counts.0.iter().enumerate())
                    .filter(|(_, v)| **v != 0)
                    .map(|(i, v)| (i, *v))
                    .collect();
                let quarter = cell.bucket_ms.div_euclid(BUCKET_MS);
                let Cell {
                    agent,
                    queue,
                    channel,
                    direction,
                    end_reason,
                    ..
                } = cell.clone();
                (
                    quarter, agent, queue, channel, direction, end_reason, values,
                )
            })
            .collect();
        serde_json::to_string(&stored).expect("a contribution serializes")
    }

    /// Reads back [`Contribution::encode`]'s text.
    pub fn decode(text: &str) -> Result<Self, String> {
        let stored: Stored = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut cells = BTreeMap::new();
        for (quarter, agent, queue, channel, direction, end_reason, values) in stored {
            let mut counts = Counts::default();
            for (i, v) in values {
                *counts.0.get_mut(i).ok_or("measure index out of range")? = v;
            }
            let bucket_ms = quarter * BUCKET_MS;
            let cell = Cell {
                bucket_ms,
                agent,
                queue,
                channel,
                direction,
                end_reason,
            };
            cells.insert(cell, counts);
        }
        Ok(Self(cells))
    }
}

/// Builds a contribution fact by fact.
struct Facts<'a> {
    record: &'a Interaction,
    channel: String,
    direction: String,
    cells: BTreeMap<Cell, Counts>,
}

impl<'a> Facts<'a> {
    fn new(record: &'a Interaction) -> Self {
        Self {
            record,
            channel: record.channel_type.map_or("", |c| c.as_str()).to_string(),
            direction: record.direction.map_or("", |d| d.as_str()).to_string(),
            cells: BTreeMap::new(),
        }
    }

    fn add(&mut self, at: Timestamp, agent: &str, queue: &str, measure: Measure, value: i64) {
        self.add_to(at, agent, queue, None, measure, value);
    }

    fn add_to(
        &mut self,
        at: Timestamp,
        agent: &str,
        queue: &str,
        end_reason: Option<&str>,
        measure: Measure,
        value: i64,
    ) {
        let cell = Cell {
            bucket_ms: at.millis().div_euclid(BUCKET_MS) * BUCKET_MS,
            agent: agent.to_string(),
            queue: queue.to_string(),
            channel: self.channel.clone(),
            direction: self.direction.clone(),
            end_reason: end_reason.map(str::to_string),
        };
        self.cells.entry(cell).or_default().add(measure, value);
    }

    /// A fact in the totals and, when there is an agent, in that agent's cell.
    fn add_both(&mut self, at: Timestamp, agent: Option<&str>, queue: &str, m: Measure, v: i64) {
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

    fn interaction(&mut self) {
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

    fn queues(&mut self, thresholds: Thresholds) {
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
            } else if entry.queue_abandoned {
                let short = i64::from(wait <= thresholds.short_abandon);
                self.add(end, "", queue, Measure::Abandoned, 1);
                self.add(end, "", queue, Measure::ShortAbandoned, short);
                self.add(end, "", queue, Measure::AbandonedInSla, within);
                self.add(end, "", queue, Measure::AbandonMs, wait.millis());
            }
        }
    }

    fn agents(&mut self) {
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

    fn holds_and_segments(&mut self) {
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
