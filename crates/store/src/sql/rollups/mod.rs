//! Report rollups: `report_totals` (every fact), `report_agents` (each agent's own; also
//! summed by agent alone in `report_agent_totals`) and `report_end_reasons` (ends by
//! reason), at three levels (15-minute and hour buckets of UTC, days of the tenant's
//! `report_zone`); each keeps only the measures of its rollup (`Rollup::measures`). A write
//! adds each re-projected record's new contribution and subtracts the one stored beside it
//! (`interactions.report`): the write's transaction keeps the change pending, and a folder
//! applies pending changes together as one upsert per table (`pending.rs`); reads sum the
//! rows of a report's blocks and add the changes still pending (`read.rs`). The longest
//! answered wait is a maximum, kept with the answers it is recomputed from (`longest.rs`).

mod longest;
mod pending;
mod read;

pub(super) use pending::{defer, fold_in, Folder, Pending};
pub(super) use read::block_sql;

use std::collections::BTreeMap;

use interlog_core::report::{Cell, Change, Counts, Level, Rollup, Thresholds};
use interlog_core::settings::TimeZone;
use interlog_core::TenantId;

use super::exec::Exec;
use super::settings;
use super::statement::{text, values_statements, Param};
use super::Backend;
use crate::StoreError;

/// The thresholds a write computes its records' contributions with, read in its
/// transaction from the tenant's settings. (The zone of the day rows is read where a change
/// is applied: [`read_zone`].)
pub(super) async fn thresholds(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
) -> Result<Thresholds, StoreError> {
    thresholds_of(settings::stored(tx, backend, tenant).await?.as_deref())
}

/// The thresholds of a tenant's stored settings (`None`: none stored).
pub(super) fn thresholds_of(stored: Option<&str>) -> Result<Thresholds, StoreError> {
    Ok(match stored {
        Some(json) => Thresholds::from(&settings::parse(json)?),
        None => Thresholds::default(),
    })
}

/// The zone a tenant's day rows are kept in, read through `executor` (a pool or a
/// transaction).
pub(super) async fn read_zone<'e, E>(executor: E, tenant: &TenantId) -> Result<TimeZone, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(Option<String>,)> =
        sqlx::query_as("SELECT report_zone FROM tenant_settings WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .fetch_optional(executor)
            .await?;
    day_zone(row.and_then(|(zone,)| zone))
}

/// A stored `report_zone` (NULL: UTC).
pub(super) fn day_zone(stored: Option<String>) -> Result<TimeZone, StoreError> {
    stored.map_or(Ok(TimeZone::UTC), |name| {
        TimeZone::parse(&name).map_err(|e| StoreError::Corrupt(format!("report_zone: {e}")))
    })
}

/// Applies a rollup change at every level inside `tx` ([`prepare`], then [`apply`]).
pub(super) async fn write(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    day_zone: TimeZone,
    change: Change,
) -> Result<(), StoreError> {
    apply(tx, backend, tenant, prepare(tenant, day_zone, change)).await
}

/// A rollup change made ready to apply: its answers and stale cells, and the rows its
/// deltas add to each rollup table at every level (day rows in `day_zone`).
pub(super) struct Prepared {
    change: Change,
    rows: BTreeMap<Rollup, Vec<Vec<Param>>>,
    day_zone: TimeZone,
}

/// The rows a change adds to each rollup table, in key order (so two PostgreSQL
/// transactions lock the rows they share in the same order): work done before a
/// transaction holds the writer.
pub(super) fn prepare(tenant: &TenantId, day_zone: TimeZone, mut change: Change) -> Prepared {
    let mut rows: BTreeMap<Rollup, Vec<Vec<Param>>> = BTreeMap::new();
    let deltas = std::mem::take(&mut change.deltas);
    for ((rollup, level, cell), counts) in at_every_level(deltas, day_zone) {
        let kept = rollup.measures();
        if counts.only(kept).is_zero() {
            continue;
        }
        let mut row = vec![text(tenant.as_str())];
        row.extend(keys(rollup).iter().map(|key| key_value(key, level, &cell)));
        row.extend(kept.iter().map(|m| Param::Int(counts.get(*m))));
        rows.entry(rollup).or_default().push(row);
    }
    Prepared {
        change,
        rows,
        day_zone,
    }
}

/// Applies a prepared change: the answers kept, the rows added, then the longest waits
/// that may have shrunk recomputed.
pub(super) async fn apply(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    prepared: Prepared,
) -> Result<(), StoreError> {
    let Prepared {
        change,
        rows,
        day_zone,
    } = prepared;
    longest::keep_answers(tx, backend, tenant, &change).await?;
    for (rollup, rows) in rows {
        let (head, row, tail) = upsert_sql(backend, rollup);
        for sql in values_statements(backend, &head, &row, rows, &tail) {
            tx.execute(&sql).await?;
        }
    }
    longest::recompute(tx, backend, tenant, day_zone, &change.stale).await
}

/// Quarter-hour cells' deltas at each level, with each agent cell also in the agent's totals.
fn at_every_level(
    deltas: BTreeMap<Cell, Counts>,
    day_zone: TimeZone,
) -> BTreeMap<(Rollup, Level, Cell), Counts> {
    let mut days = BTreeMap::new();
    let mut levels: BTreeMap<(Rollup, Level, Cell), Counts> = BTreeMap::new();
    for (cell, counts) in deltas.into_iter().filter(|(_, c)| !c.is_zero()) {
        for (rollup, level, cell) in containing(&cell, day_zone, &mut days) {
            *levels.entry((rollup, level, cell)).or_default() += &counts;
        }
    }
    levels
}

/// The rows holding a quarter-hour cell: its bucket at each level, in its rollup and, for an
/// agent's cell, in the agent's totals. `days` remembers the day of each quarter hour seen.
fn containing(
    cell: &Cell,
    day_zone: TimeZone,
    days: &mut BTreeMap<i64, i64>,
) -> Vec<(Rollup, Level, Cell)> {
    let mut rows = Vec::with_capacity(6);
    for level in [Level::Quarter, Level::Hour, Level::Day] {
        let bucket_ms = match level {
            Level::Day => *(days.entry(cell.bucket_ms))
                .or_insert_with(|| level.bucket(cell.bucket_ms, day_zone).0),
            _ => level.bucket(cell.bucket_ms, day_zone).0,
        };
        let cell = Cell {
            bucket_ms,
            ..cell.clone()
        };
        if cell.rollup() == Rollup::Agents {
            let narrow = Cell {
                queue: String::new(),
                channel: String::new(),
                direction: String::new(),
                ..cell.clone()
            };
            rows.push((Rollup::AgentTotals, level, narrow));
        }
        rows.push((cell.rollup(), level, cell));
    }
    rows
}

/// A rollup's table.
fn table(rollup: Rollup) -> &'static str {
    match rollup {
        Rollup::Totals => "report_totals",
        Rollup::Agents => "report_agents",
        Rollup::AgentTotals => "report_agent_totals",
        Rollup::EndReasons => "report_end_reasons",
    }
}

/// The key columns of a rollup's table, after the tenant.
fn keys(rollup: Rollup) -> &'static [&'static str] {
    match rollup {
        Rollup::Totals => &["level", "bucket_ms", "queue_id", "channel", "direction"],
        Rollup::Agents => &[
            "level",
            "bucket_ms",
            "agent_id",
            "queue_id",
            "channel",
            "direction",
        ],
        Rollup::AgentTotals => &["level", "bucket_ms", "agent_id"],
        Rollup::EndReasons => &[
            "level",
            "bucket_ms",
            "queue_id",
            "channel",
            "direction",
            "end_reason",
        ],
    }
}

/// A key column's value for a cell at a level.
fn key_value(key: &str, level: Level, cell: &Cell) -> Param {
    match key {
        "level" => Param::Int(level.code()),
        "bucket_ms" => Param::Int(cell.bucket_ms),
        "agent_id" => text(cell.agent.as_str()),
        "queue_id" => text(cell.queue.as_str()),
        "channel" => text(cell.channel.as_str()),
        "direction" => text(cell.direction.as_str()),
        "end_reason" => text(cell.end_reason.as_deref().unwrap_or("")),
        other => unreachable!("{other} is not a rollup key column"),
    }
}

/// The head, row pattern and tail of the upsert that adds rows to a rollup's table: sums add,
/// a maximum keeps the larger.
fn upsert_sql(backend: Backend, rollup: Rollup) -> (String, String, String) {
    let (table, keys) = (table(rollup), keys(rollup));
    let measures = rollup.measures();
    let columns: Vec<&str> = measures.iter().map(|m| m.column()).collect();
    let head = format!(
        "INSERT INTO {table} (tenant_id, {}, {})",
        keys.join(", "),
        columns.join(", ")
    );
    let row = format!("({})", vec!["?"; 1 + keys.len() + columns.len()].join(", "));
    let greatest = match backend {
        Backend::Sqlite => "MAX",
        Backend::Postgres => "GREATEST",
    };
    let sums: Vec<String> = (measures.iter())
        .map(|m| match (m.column(), m.is_maximum()) {
            (c, true) => format!("{c} = {greatest}({table}.{c}, excluded.{c})"),
            (c, false) => format!("{c} = {table}.{c} + excluded.{c}"),
        })
        .collect();
    let tail = format!(
        "ON CONFLICT (tenant_id, {}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", ")
    );
    (head, row, tail)
}
