//! A report's intervals on a time zone's wall clock, and the rollup blocks that cover them.
//!
//! Intervals align to the zone's wall clock: a day starts at local midnight (or where the
//! day begins, on a day whose midnight does not exist), a week on Monday, a month on the
//! 1st, and sub-day intervals at their local minute. DST is exact because an interval is
//! found by walking the 15-minute UTC grid and starting a new interval wherever the local
//! label changes: a spring-forward day has 23 hourly intervals, a fall-back day 25 (the
//! repeated hour is two intervals, told apart by their offset). Every offset in use is a
//! multiple of 15 minutes, so boundaries fall on the grid; historical offsets that are not
//! (local mean time before the 1970s in some zones) are rounded to it.

use chrono::{Datelike, Offset, TimeZone as _, Timelike};

use super::measures::BUCKET_MS;
use crate::settings::TimeZone;
use crate::time::Timestamp;

/// The longest range a report may cover.
pub const MAX_RANGE_DAYS: i64 = 366;

/// The most intervals a report may have.
pub const MAX_INTERVALS: usize = 10_000;

const DAY_MS: i64 = 86_400_000;

/// An interval's length, named as ISO 8601 durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Minutes15,
    Minutes30,
    Hour,
    Day,
    Week,
    Month,
}

impl Granularity {
    pub const ALL: [Granularity; 6] = [
        Granularity::Minutes15,
        Granularity::Minutes30,
        Granularity::Hour,
        Granularity::Day,
        Granularity::Week,
        Granularity::Month,
    ];

    /// `PT15M`, `PT30M`, `PT1H`, `P1D`, `P7D` (or `P1W`), `P1M`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let upper = raw.to_ascii_uppercase();
        if upper == "P1W" {
            return Ok(Granularity::Week);
        }
        (Self::ALL.into_iter())
            .find(|g| g.as_str() == upper)
            .ok_or_else(|| format!("{raw:?} is not one of PT15M, PT30M, PT1H, P1D, P7D, P1M"))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Minutes15 => "PT15M",
            Granularity::Minutes30 => "PT30M",
            Granularity::Hour => "PT1H",
            Granularity::Day => "P1D",
            Granularity::Week => "P7D",
            Granularity::Month => "P1M",
        }
    }

    /// What names the interval holding a local time: it changes exactly at a boundary.
    fn label(self, at: i64, zone: TimeZone) -> (i64, i64) {
        // A UTC instant has one local time; only an instant out of chrono's range has none.
        let Some(local) = zone.tz().timestamp_millis_opt(at).single() else {
            return (at, 0);
        };
        let date = i64::from(local.date_naive().num_days_from_ce());
        let offset = i64::from(local.offset().fix().local_minus_utc());
        let minute = i64::from(local.hour() * 60 + local.minute());
        match self {
            Granularity::Minutes15 => (date * 100 + minute / 15, offset),
            Granularity::Minutes30 => (date * 100 + minute / 30, offset),
            Granularity::Hour => (date * 100 + minute / 60, offset),
            Granularity::Day => (date, 0),
            Granularity::Week => {
                let week = local.iso_week();
                (i64::from(week.year()) * 100 + i64::from(week.week()), 0)
            }
            Granularity::Month => (i64::from(local.year()) * 12 + i64::from(local.month0()), 0),
        }
    }
}

/// A level of the rollups: rows of one bucket width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Quarter,
    Hour,
    Day,
}

impl Level {
    /// Coarsest first, the order blocks are carved in.
    pub const ALL: [Level; 3] = [Level::Day, Level::Hour, Level::Quarter];

    /// The bucket of this level holding the instant `at`, `[start, end)`: quarter hours and
    /// hours of UTC, days of `day_zone`'s wall clock (the zone the tenant's day rows are
    /// kept in).
    pub fn bucket(self, at: i64, day_zone: TimeZone) -> (i64, i64) {
        let width = match self {
            Level::Quarter => BUCKET_MS,
            Level::Hour => 4 * BUCKET_MS,
            Level::Day if day_zone == TimeZone::UTC => DAY_MS,
            Level::Day => return local_day(at, day_zone),
        };
        let start = at.div_euclid(width) * width;
        (start, start + width)
    }

    /// The stored `level` column.
    pub fn code(self) -> i64 {
        self as i64
    }
}

/// The local day holding `at` on the 15-minute grid, as [`Plan`] finds it: from a guess at
/// local midnight by the current offset, checked, else by walking the grid.
fn local_day(at: i64, zone: TimeZone) -> (i64, i64) {
    let label = |t: i64| Granularity::Day.label(t, zone);
    let at = at.div_euclid(BUCKET_MS) * BUCKET_MS;
    let here = label(at);
    let is_start = |t: i64| label(t) == here && label(t - BUCKET_MS) != here;
    let is_end = |t: i64| label(t - BUCKET_MS) == here && label(t) != here;
    let since_midnight =
        zone.tz().timestamp_millis_opt(at).single().map(|local| {
            i64::from(local.num_seconds_from_midnight()) * 1000 / BUCKET_MS * BUCKET_MS
        });
    let mut start = at - since_midnight.unwrap_or(0);
    if !is_start(start) {
        start = at;
        while label(start - BUCKET_MS) == here {
            start -= BUCKET_MS;
        }
    }
    let mut end = start + DAY_MS;
    if !is_end(end) {
        end = at + BUCKET_MS;
        while label(end) == here {
            end += BUCKET_MS;
        }
    }
    (start, end)
}

/// A run of rollup buckets of one level: `[from_ms, to_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Block {
    pub level: Level,
    pub from_ms: i64,
    pub to_ms: i64,
}

/// Why a report's range and interval cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("from must be earlier than to")]
    Empty,
    #[error("the range may cover at most {MAX_RANGE_DAYS} days")]
    TooLong,
    #[error("the range holds more than {MAX_INTERVALS} intervals: ask for a coarser interval or a shorter range")]
    TooMany,
}

/// A report's intervals, `[start, end)` each, consecutive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub granularity: Granularity,
    pub zone: TimeZone,
    starts: Vec<i64>,
    end: i64,
}

impl Plan {
    /// The intervals covering `[from, to)`: the first is the one holding `from`, the last the
    /// one holding the instant before `to`.
    pub fn new(
        from: Timestamp,
        to: Timestamp,
        granularity: Granularity,
        zone: TimeZone,
    ) -> Result<Self, PlanError> {
        let (from, to) = (from.millis(), to.millis());
        if from >= to {
            return Err(PlanError::Empty);
        }
        if to - from > MAX_RANGE_DAYS * DAY_MS {
            return Err(PlanError::TooLong);
        }
        let label = |at: i64| granularity.label(at, zone);
        let mut start = from.div_euclid(BUCKET_MS) * BUCKET_MS;
        while label(start - BUCKET_MS) == label(start) {
            start -= BUCKET_MS;
        }
        let mut starts = vec![start];
        let mut at = start + BUCKET_MS;
        loop {
            if label(at) != label(at - BUCKET_MS) {
                if at >= to {
                    break;
                }
                starts.push(at);
                if starts.len() > MAX_INTERVALS {
                    return Err(PlanError::TooMany);
                }
            }
            at += BUCKET_MS;
        }
        Ok(Self {
            granularity,
            zone,
            starts,
            end: at,
        })
    }

    /// Each interval's start and end.
    pub fn intervals(&self) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        let ends = self.starts.iter().skip(1).chain([&self.end]);
        (self.starts.iter().zip(ends))
            .map(|(s, e)| (Timestamp::from_millis(*s), Timestamp::from_millis(*e)))
    }

    /// The `index`th interval's start and end.
    pub fn interval(&self, index: usize) -> (Timestamp, Timestamp) {
        let end = self.starts.get(index + 1).copied().unwrap_or(self.end);
        (
            Timestamp::from_millis(self.starts[index]),
            Timestamp::from_millis(end),
        )
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// The index of the interval holding a bucket that starts at `bucket_ms`.
    pub fn interval_of(&self, bucket_ms: i64) -> Option<usize> {
        let after = self.starts.partition_point(|s| *s <= bucket_ms);
        (after > 0 && bucket_ms < self.end).then(|| after - 1)
    }

    /// The fewest rollup blocks covering every interval, with day rows kept in `day_zone`:
    /// each interval is carved coarsest level first (so no bucket straddles two intervals),
    /// then adjacent blocks of one level are merged.
    pub fn blocks(&self, day_zone: TimeZone) -> Vec<Block> {
        let mut blocks = Vec::new();
        for (start, end) in self.intervals() {
            carve(
                start.millis(),
                end.millis(),
                &Level::ALL,
                day_zone,
                &mut blocks,
            );
        }
        blocks.sort();
        let mut merged: Vec<Block> = Vec::with_capacity(blocks.len());
        for block in blocks {
            match merged.last_mut() {
                Some(last) if last.level == block.level && last.to_ms == block.from_ms => {
                    last.to_ms = block.to_ms;
                }
                _ => merged.push(block),
            }
        }
        merged
    }
}

/// Splits `[from, to)` into blocks of `levels` (coarsest first): the buckets wholly inside
/// at the coarsest level that has any, the edges at finer ones.
fn carve(from: i64, to: i64, levels: &[Level], day_zone: TimeZone, out: &mut Vec<Block>) {
    let Some((&level, finer)) = levels.split_first() else {
        return;
    };
    let first = level.bucket(from, day_zone);
    let middle_from = if first.0 == from { from } else { first.1 };
    let middle_to = level.bucket(to, day_zone).0;
    if middle_from >= middle_to {
        return carve(from, to, finer, day_zone, out);
    }
    carve(from, middle_from, finer, day_zone, out);
    out.push(Block {
        level,
        from_ms: middle_from,
        to_ms: middle_to,
    });
    carve(middle_to, to, finer, day_zone, out);
}

#[cfg(test)]
mod tests;
