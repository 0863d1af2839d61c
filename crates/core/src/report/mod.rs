//! Interval reports: sums over the projected records, read from rollups that the store keeps
//! as records change.
//!
//! # Layout
//! - `cells.rs`: what one record contributes ([`Contribution`]): each fact in the 15-minute
//!   UTC bucket where it completes, by agent, queue, channel and direction (`facts.rs`
//!   finds the facts; `measures.rs` names what rows count; `change.rs` gathers what a
//!   write changes in the rollups);
//! - `intervals.rs`: a report's intervals on a zone's wall clock ([`Plan`]) and the rollup
//!   [`Block`]s (quarter-hour, hour and UTC-day rows) that cover them;
//! - `metrics.rs`: the metrics served, each defined once from the measures ([`METRICS`]);
//! - `request.rs`: a request from its parameters as given, errors naming the parameter;
//! - `render.rs`: a report as JSON ([`Rendered`]) and CSV;
//! - this file: a report request, the rollup scan it needs, and the report assembled from
//!   the rows the store returns.

mod cells;
mod change;
mod facts;
mod intervals;
mod measures;
mod metrics;
mod render;
mod request;

pub use cells::{Cell, Contribution, Rollup, Thresholds};
pub use change::Change;
pub use intervals::{Block, Granularity, Level, Plan, PlanError, MAX_INTERVALS, MAX_RANGE_DAYS};
pub use measures::{Counts, Measure, BUCKET_MS, MEASURES};
pub use metrics::{Metric, Value, METRICS};
pub use render::Rendered;
pub use request::{ParameterError, ReportParams, DEFAULT_INTERVAL};

use crate::settings::TimeZone;

/// What a report can group by and filter on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dimension {
    Queue,
    Agent,
    Channel,
    Direction,
    EndReason,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Queue,
        Dimension::Agent,
        Dimension::Channel,
        Dimension::Direction,
        Dimension::EndReason,
    ];

    pub fn parse(raw: &str) -> Result<Self, String> {
        (Self::ALL.into_iter())
            .find(|d| d.as_str() == raw)
            .ok_or_else(|| {
                format!("{raw:?} is not one of queue, agent, channel, direction, endReason")
            })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Queue => "queue",
            Dimension::Agent => "agent",
            Dimension::Channel => "channel",
            Dimension::Direction => "direction",
            Dimension::EndReason => "endReason",
        }
    }

    /// The value of this dimension in a cell.
    pub fn of(self, cell: &Cell) -> &str {
        match self {
            Dimension::Queue => &cell.queue,
            Dimension::Agent => &cell.agent,
            Dimension::Channel => &cell.channel,
            Dimension::Direction => &cell.direction,
            Dimension::EndReason => cell.end_reason.as_deref().unwrap_or(""),
        }
    }
}

/// Rows a report reads: from the agents' rollup when it groups or filters by agent, the end
/// reasons' by end reason, else the totals; only the blocks' buckets; only rows matching
/// every filter; summed over the dimensions it does not group by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupScan {
    pub rollup: Rollup,
    pub blocks: Vec<Block>,
    /// (dimension, value) pairs every row must match.
    pub filters: Vec<(Dimension, String)>,
    /// The dimensions rows are kept apart by, in the order [`RollupRow::group`] gives them.
    pub group: Vec<Dimension>,
    /// The measures the report's metrics need, in column order; the rows' other measures
    /// are left at zero.
    pub measures: Vec<Measure>,
}

impl RollupScan {
    /// The rows `change` adds to this scan (a change not folded into the rollups yet): its
    /// quarter-hour cells of the scan's rollup that match every filter, with the group's
    /// values and the scan's measures. [`ReportRequest::assemble`] keeps those inside the
    /// plan's intervals.
    pub fn rows_of(&self, change: &Change) -> Vec<RollupRow> {
        let source = self.rollup.source();
        (change.deltas.iter())
            .filter(|(cell, _)| cell.rollup() == source)
            .filter(|(cell, _)| self.filters.iter().all(|(d, v)| d.of(cell) == v))
            .map(|(cell, counts)| RollupRow {
                bucket_ms: cell.bucket_ms,
                group: self.group.iter().map(|d| d.of(cell).to_string()).collect(),
                counts: counts.only(&self.measures),
            })
            .collect()
    }
}

/// One row of a scan: a bucket, the values of the scan's group dimensions, the sums.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupRow {
    pub bucket_ms: i64,
    pub group: Vec<String>,
    pub counts: Counts,
}

/// A report to compute: its intervals, grouping, filters and metrics.
#[derive(Debug)]
pub struct ReportRequest {
    pub plan: Plan,
    pub group: Vec<Dimension>,
    pub filters: Vec<(Dimension, String)>,
    pub metrics: Vec<&'static Metric>,
}

impl ReportRequest {
    /// The rollup the report reads: the agents' when it groups or filters by agent (their
    /// sums over queues, channels and directions unless it names one of those), the end
    /// reasons' by end reason, else the totals. (A request never names both agent and end
    /// reason.)
    pub fn rollup(&self) -> Rollup {
        let names = |dimension| self.names(dimension);
        if names(Dimension::Agent) {
            let others = [Dimension::Queue, Dimension::Channel, Dimension::Direction];
            if others.into_iter().any(names) {
                Rollup::Agents
            } else {
                Rollup::AgentTotals
            }
        } else if names(Dimension::EndReason) {
            Rollup::EndReasons
        } else {
            Rollup::Totals
        }
    }

    /// A request with the metrics [`ReportRequest::default_metrics`] of its rollup.
    pub fn new(plan: Plan, group: Vec<Dimension>, filters: Vec<(Dimension, String)>) -> Self {
        let mut request = ReportRequest {
            plan,
            group,
            filters,
            metrics: Vec::new(),
        };
        request.metrics = ReportRequest::default_metrics(request.rollup());
        request
    }

    /// Whether the request groups or filters by `dimension`.
    pub fn names(&self, dimension: Dimension) -> bool {
        self.group.contains(&dimension) || self.filters.iter().any(|(d, _)| *d == dimension)
    }

    /// The metrics a report serves when it names none: those its rollup keeps.
    pub fn default_metrics(rollup: Rollup) -> Vec<&'static Metric> {
        METRICS.iter().filter(|m| m.kept_in(rollup)).collect()
    }

    /// The rows to read, with the tenant's day rows kept in `day_zone`.
    pub fn scan(&self, day_zone: TimeZone) -> RollupScan {
        let needed: Vec<Measure> = self.metrics.iter().flat_map(|m| m.measures()).collect();
        let measures = (Measure::ALL.iter().copied())
            .filter(|m| needed.contains(m))
            .collect();
        RollupScan {
            rollup: self.rollup(),
            blocks: self.plan.blocks(day_zone),
            filters: self.filters.clone(),
            group: self.group.clone(),
            measures,
        }
    }

    /// The report from a scan's rows: each row summed into the interval holding its bucket.
    /// Without grouping every interval has a row (zeros where nothing happened); with
    /// grouping, an interval has a row per group with something in the scanned measures
    /// (rows a correction brought back to zero are left out).
    pub fn assemble(&self, rows: Vec<RollupRow>) -> Report {
        let grouped = !self.group.is_empty();
        let mut keyed: Vec<ReportRow> = Vec::with_capacity(rows.len() + self.plan.len());
        if !grouped {
            keyed.extend((0..self.plan.len()).map(|interval| ReportRow {
                interval,
                group: Vec::new(),
                counts: Counts::default(),
            }));
        }
        keyed.extend(rows.into_iter().filter_map(|row| {
            let interval = self.plan.interval_of(row.bucket_ms)?;
            Some(ReportRow {
                interval,
                group: row.group,
                counts: row.counts,
            })
        }));
        // Blocks often come back in key order, so the sort mostly finds runs already sorted
        // (cheaper than a map's insertions at thousands of rows).
        keyed.sort_by(|a, b| (a.interval, &a.group).cmp(&(b.interval, &b.group)));
        let mut rows: Vec<ReportRow> = Vec::with_capacity(keyed.len());
        for row in keyed {
            match rows.last_mut() {
                Some(last) if last.interval == row.interval && last.group == row.group => {
                    last.counts += &row.counts;
                }
                _ => rows.push(row),
            }
        }
        rows.retain(|row| !(grouped && row.counts.is_zero()));
        Report { rows }
    }
}

/// A computed report: rows in interval order, then group order.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub rows: Vec<ReportRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    /// The index of the row's interval in the plan.
    pub interval: usize,
    /// The group dimensions' values, "" where the records had none.
    pub group: Vec<String>,
    pub counts: Counts,
}

#[cfg(test)]
mod tests;
