//! What one record contributes to the report rollups: each fact in the 15-minute UTC bucket
//! in which it completes, keyed by agent, queue, channel and direction.
//!
//! Facts and when they count (the README's "Reports" section explains each metric):
//! - `started` and, when outbound, `outboundAttempts`: at the start;
//! - `ivrCount`/`ivrMs`: when the IVR stage ends (`start + ivrTime`);
//! - per queue entry: `offered` at entry; at exit `queueExits`/`queueMs`, and either
//!   `answered` (exit success; within the SLA threshold when `queueTime` ≤ it) with its
//!   wait in `answerMs`, or `abandoned` (short when `queueTime` ≤ the short-abandon
//!   threshold; within the SLA when ≤ the SLA threshold) with its wait in `abandonMs`; an
//!   answer's wait is also the cell's `longestAnswerMs` when it is the longest there;
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

use serde::{Deserialize, Serialize};

use super::facts::Facts;
use super::measures::{Counts, Measure, BUCKET_MS};
use crate::record::Interaction;
use crate::settings::TenantSettings;
use crate::time::Seconds;
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
                LongestAnswerMs,
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

/// A cell as stored: its quarter-hour index (its bucket over [`BUCKET_MS`]) and dimensions.
pub(super) type StoredCell = (i64, String, String, String, String, Option<String>);

/// Cells' counts as stored: each cell's quarter-hour index and dimensions, then its non-zero
/// measures as (index, value).
pub(super) type StoredCounts = Vec<(
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<(usize, i64)>,
)>;

impl Cell {
    /// The compact form [`Contribution::encode`] and [`Change::encode`](super::Change)
    /// store.
    pub(super) fn stored(&self) -> StoredCell {
        let Cell {
            bucket_ms,
            agent,
            queue,
            channel,
            direction,
            end_reason,
        } = self.clone();
        let quarter = bucket_ms.div_euclid(BUCKET_MS);
        (quarter, agent, queue, channel, direction, end_reason)
    }

    /// Reads back [`Cell::stored`].
    pub(super) fn from_stored(stored: StoredCell) -> Cell {
        let (quarter, agent, queue, channel, direction, end_reason) = stored;
        Cell {
            bucket_ms: quarter * BUCKET_MS,
            agent,
            queue,
            channel,
            direction,
            end_reason,
        }
    }
}

/// Cells' counts in their stored form.
pub(super) fn store_counts(cells: &BTreeMap<Cell, Counts>) -> StoredCounts {
    (cells.iter())
        .map(|(cell, counts)| {
            let values = (counts.0.iter().enumerate())
                .filter(|(_, v)| **v != 0)
                .map(|(i, v)| (i, *v))
                .collect();
            let (quarter, agent, queue, channel, direction, end_reason) = cell.stored();
            (
                quarter, agent, queue, channel, direction, end_reason, values,
            )
        })
        .collect()
}

/// Reads back [`store_counts`].
pub(super) fn read_counts(stored: StoredCounts) -> Result<BTreeMap<Cell, Counts>, String> {
    let mut cells = BTreeMap::new();
    for (quarter, agent, queue, channel, direction, end_reason, values) in stored {
        let mut counts = Counts::default();
        for (i, v) in values {
            *counts.0.get_mut(i).ok_or("measure index out of range")? = v;
        }
        let cell = (quarter, agent, queue, channel, direction, end_reason);
        cells.insert(Cell::from_stored(cell), counts);
    }
    Ok(cells)
}

impl Contribution {
    /// The record's contribution.
    pub fn of(record: &Interaction, thresholds: Thresholds) -> Self {
        let mut facts = Facts::new(record);
        facts.interaction();
        facts.queues(thresholds);
        facts.agents();
        facts.holds_and_segments();
        Self(facts.into_cells())
    }

    pub fn cells(&self) -> impl Iterator<Item = (&Cell, &Counts)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each cell's longest answered wait.
    pub fn longest_answers(&self) -> impl Iterator<Item = (&Cell, i64)> {
        (self.0.iter())
            .filter(|(_, counts)| counts.get(Measure::Answered) > 0)
            .map(|(cell, counts)| (cell, counts.get(Measure::LongestAnswerMs)))
    }

    /// The compact text stored beside the record, so the next re-projection subtracts
    /// exactly what this one added (whatever the thresholds are by then).
    pub fn encode(&self) -> String {
        serde_json::to_string(&store_counts(&self.0)).expect("a contribution serializes")
    }

    /// Reads back [`Contribution::encode`]'s text.
    pub fn decode(text: &str) -> Result<Self, String> {
        let stored: StoredCounts = serde_json::from_str(text).map_err(|e| e.to_string())?;
        read_counts(stored).map(Self)
    }
}
