//! Report rollups: `report_totals` (every fact), `report_agents` (each agent's own; also
//! summed by agent alone in `report_agent_totals`) and `report_end_reasons` (ends by
//! reason), at three levels (15-minute, hour and UTC-day buckets); each keeps only the
//! measures of its rollup (`Rollup::measures`). An append adds each re-projected
//! record's new contribution and subtracts the one stored beside it (`interactions.report`),
//! as one upsert per table for the whole batch; reads sum the rows of a report's blocks.

use std::collections::BTreeMap;

use async_trait::async_trait;
use interlog_core::report::{
    Block, Cell, Counts, Dimension, Level, Rollup, RollupRow, RollupScan, Thresholds,
};
use interlog_core::{InteractionId, TenantId};

use sqlx::Row;

use super::settings;
use super::statement::{text, values_statements, Param, Sql};
use super::write::Tx;
use super::{Backend, SqlStore};
use crate::{Reports, StoreError};

/// The thresholds of the tenant's settings, read in the append's transaction.
pub(super) async fn thresholds(
    tx: &mut Tx<'_>,
    tenant: &TenantId,
) -> Result<Thresholds, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT settings FROM tenant_settings WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let settings = row.map(|(json,)| settings::parse(&json)).transpose()?;
    Ok(settings.as_ref().map(Thresholds::from).unwrap_or_default())
}

/// Adds `deltas` (15-minute cells) to the rollups at every level. Rows go in key order, so
/// two PostgreSQL transactions lock the rows they share in the same order.
pub(super) async fn write(
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
    deltas: BTreeMap<Cell, Counts>,
) -> Result<(), StoreError> {
    let mut levels: BTreeMap<(Rollup, Level, Cell), Counts> = BTreeMap::new();
    for (cell, counts) in deltas.into_iter().filter(|(_, c)| !c.is_zero()) {
        for level in [Level::Quarter, Level::Hour, Level::Day] {
            let width = level.width_ms();
            let bucket_ms = cell.bucket_ms.div_euclid(width) * width;
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
                *levels
                    .entry((Rollup::AgentTotals, level, narrow))
                    .or_default() += &counts;
            }
            *levels.entry((cell.rollup(), level, cell)).or_default() += &counts;
        }
    }
    let mut rows: BTreeMap<Rollup, Vec<Vec<Param>>> = BTreeMap::new();
    for ((rollup, level, cell), counts) in levels {
        let kept = rollup.measures();
        if counts.only(kept).is_zero() {
            continue;
        }
        let mut row = vec![text(tenant.as_str())];
        row.extend(keys(rollup).iter().map(|key| key_value(key, level, &cell)));
        row.extend(kept.iter().map(|m| Param::Int(counts.get(*m))));
        rows.entry(rollup).or_default().push(row);
    }
    for (rollup, rows) in rows {
        let (head, row, tail) = upsert_sql(rollup);
        for sql in values_statements(backend, &head, &row, rows, &tail) {
            sql.query().execute(&mut **tx).await?;
        }
    }
    Ok(())
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

/// The head, row pattern and tail of the upsert that adds rows to a rollup's table.
fn upsert_sql(rollup: Rollup) -> (String, String, String) {
    let (table, keys) = (table(rollup), keys(rollup));
    let columns: Vec<&str> = rollup.measures().iter().map(|m| m.column()).collect();
    let head = format!(
        "INSERT INTO {table} (tenant_id, {}, {})",
        keys.join(", "),
        columns.join(", ")
    );
    let row = format!("({})", vec!["?"; 1 + keys.len() + columns.len()].join(", "));
    let sums: Vec<String> = (columns.iter())
        .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
        .collect();
    let tail = format!(
        "ON CONFLICT (tenant_id, {}) DO UPDATE SET {}",
        keys.join(", "),
        sums.join(", ")
    );
    (head, row, tail)
}

/// The column a dimension is kept in.
fn column(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Queue => "queue_id",
        Dimension::Agent => "agent_id",
        Dimension::Channel => "channel",
        Dimension::Direction => "direction",
        Dimension::EndReason => "end_reason",
    }
}

/// The query summing one block's rows.
pub(super) fn block_sql(
    backend: Backend,
    tenant: &TenantId,
    scan: &RollupScan,
    block: &Block,
) -> Sql {
    let table = table(scan.rollup);
    let group: Vec<&str> = scan.group.iter().map(|d| column(*d)).collect();
    let mut sums: Vec<String> = (scan.measures.iter())
        .map(|m| format!("CAST(SUM({}) AS BIGINT)", m.column()))
        .collect();
    if sums.is_empty() {
        sums.push("COUNT(*)".into()); // no measure wanted: the groups alone
    }
    let selected = [&["bucket_ms"][..], &group].concat().join(", ");
    let columns: Vec<String> = (selected.split(", ").map(str::to_string))
        .chain(sums)
        .enumerate()
        .map(|(i, column)| format!("{column} AS c{i}"))
        .collect();
    let mut sql = Sql::new(
        backend,
        &format!("SELECT {} FROM {table}", columns.join(", ")),
    );
    sql.push(
        " WHERE tenant_id = ? AND level = ? AND bucket_ms >= ? AND bucket_ms < ?",
        [
            text(tenant.as_str()),
            Param::Int(block.level.code()),
            Param::Int(block.from_ms),
            Param::Int(block.to_ms),
        ],
    );
    for (dimension, value) in &scan.filters {
        sql.push(
            &format!(" AND {} = ?", column(*dimension)),
            [text(value.as_str())],
        );
    }
    sql.text.push_str(&format!(" GROUP BY {selected}"));
    sql
}

/// A block's rows as one JSON array of arrays: thousands of rows (a day by quarter hour and
/// agent) cross from the database as one value, not one message per row.
fn packed(inner: Sql, scan: &RollupScan) -> Sql {
    let width = 1 + scan.group.len() + scan.measures.len().max(1);
    let columns: Vec<String> = (0..width).map(|i| format!("c{i}")).collect();
    let columns = columns.join(", ");
    let outer = match inner.backend() {
        Backend::Sqlite => format!("SELECT json_group_array(json_array({columns})) FROM ("),
        Backend::Postgres => {
            format!("SELECT COALESCE(json_agg(json_build_array({columns})), '[]')::text FROM (")
        }
    };
    inner.wrapped(&outer, ") AS r")
}

/// One packed row: the bucket, the group's values, the measures' sums.
fn unpack(row: Vec<serde_json::Value>, scan: &RollupScan) -> Result<RollupRow, StoreError> {
    let bad = || StoreError::Corrupt("a rollup row of another shape".into());
    let mut values = row.into_iter();
    let bucket_ms = values.next().and_then(|v| v.as_i64()).ok_or_else(bad)?;
    let mut group = Vec::with_capacity(scan.group.len());
    for value in values.by_ref().take(scan.group.len()) {
        group.push(value.as_str().ok_or_else(bad)?.to_string());
    }
    let mut counts = Counts::default();
    for (measure, value) in scan.measures.iter().zip(values) {
        counts.add(*measure, value.as_i64().ok_or_else(bad)?);
    }
    Ok(RollupRow {
        bucket_ms,
        group,
        counts,
    })
}

#[async_trait]
impl Reports for SqlStore {
    async fn rollups(
        &self,
        tenant: &TenantId,
        scan: &RollupScan,
    ) -> Result<Vec<RollupRow>, StoreError> {
        let mut rows = Vec::new();
        for block in &scan.blocks {
            let sql = packed(block_sql(self.backend, tenant, scan, block), scan);
            let json: String = sql.query().fetch_one(&self.reader).await?.try_get(0)?;
            let packed: Vec<Vec<serde_json::Value>> =
                serde_json::from_str(&json).map_err(|e| super::corrupt("rollup rows", e))?;
            for row in packed {
                rows.push(unpack(row, scan)?);
            }
        }
        Ok(rows)
    }

    async fn reproject(
        &self,
        tenant: &TenantId,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<u64, StoreError> {
        self.reproject_tenant(tenant, progress).await
    }
}

/// Interactions re-projected per transaction.
const REPROJECT_CHUNK: i64 = 500;

impl SqlStore {
    /// [`Reports::reproject`]: the rollups restart from nothing (with every stored
    /// contribution forgotten, in one transaction), then each chunk of interactions, in id
    /// order, is folded from its log and written back with its contribution.
    async fn reproject_tenant(
        &self,
        tenant: &TenantId,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<u64, StoreError> {
        let mut tx = self.writer.begin().await?;
        for rollup in Rollup::ALL {
            let table = table(rollup);
            sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(tenant.as_str())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE interactions SET report = NULL WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let (mut after, mut done) = (String::new(), 0);
        loop {
            let ids: Vec<(String,)> = sqlx::query_as(
                "SELECT interaction_id FROM interactions WHERE tenant_id = $1 AND interaction_id > $2
                 ORDER BY interaction_id LIMIT $3",
            )
            .bind(tenant.as_str())
            .bind(&after)
            .bind(REPROJECT_CHUNK)
            .fetch_all(&self.writer)
            .await?;
            let Some((last,)) = ids.last() else {
                return Ok(done);
            };
            after = last.clone();
            let ids = (ids.into_iter())
                .map(|(id,)| InteractionId::parse(id))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| StoreError::Corrupt(format!("interaction id: {e}")))?;
            let mut tx = self.writer.begin().await?;
            self.writes.reproject_in(&mut tx, tenant, &ids).await?;
            tx.commit().await?;
            done += ids.len() as u64;
            progress(done);
        }
    }
}
