//! Reading the rollups: a report's blocks, each summed in the database and sent back as one
//! row of arrays, one per column, with the changes still pending read in the same snapshot;
//! and re-projecting a tenant, which rebuilds them.

use std::collections::HashMap;

use async_trait::async_trait;
use interlog_core::report::{Block, Counts, Dimension, Rollup, RollupRow, RollupScan};
use interlog_core::settings::TimeZone;
use interlog_core::{InteractionId, TenantId};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::super::exec::Exec;
use super::super::rows::stored_id;
use super::super::statement::{text, Param, Sql};
use super::super::{settings, Backend, SqlStore};
use super::{keys, pending, read_zone, table};
use crate::{Reports, StoreError};

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
pub(in crate::sql) fn block_sql(
    backend: Backend,
    tenant: &TenantId,
    scan: &RollupScan,
    block: &Block,
) -> Sql {
    let table = table(scan.rollup);
    let group: Vec<&str> = scan.group.iter().map(|d| column(*d)).collect();
    let selected = [&["bucket_ms"][..], &group].concat();
    // The rows are one per group already when the group holds the table's whole key (its
    // level is fixed): nothing to sum, so no GROUP BY (half of PostgreSQL's time for a
    // day by quarter hour and agent).
    let each = keys(scan.rollup)
        .iter()
        .all(|key| *key == "level" || selected.contains(key));
    let mut sums: Vec<String> = (scan.measures.iter())
        .map(|m| match (each, m.is_maximum()) {
            (true, _) => format!("CAST({} AS BIGINT)", m.column()),
            (false, true) => format!("CAST(MAX({}) AS BIGINT)", m.column()),
            (false, false) => format!("CAST(SUM({}) AS BIGINT)", m.column()),
        })
        .collect();
    if sums.is_empty() {
        // No measure wanted: the groups alone.
        sums.push(if each { "1" } else { "COUNT(*)" }.into());
    }
    let columns: Vec<String> = (selected.iter().map(|column| column.to_string()))
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
    if !each {
        sql.text
            .push_str(&format!(" GROUP BY {}", selected.join(", ")));
    }
    sql
}

/// A block's rows as one row of columns, each a JSON array (the buckets, each group
/// dimension's values, each measure's sums): thousands of rows (a day by quarter hour and
/// agent) cross from the database as a few values, not one message per row, and an array
/// of numbers costs the database and the parse far less than an array per row. The
/// aggregates of one query see its rows in one order, so the arrays line up (none of them
/// may take an `ORDER BY`, `DISTINCT` or `FILTER` of its own).
fn packed(inner: Sql, scan: &RollupScan) -> Sql {
    let width = 1 + scan.group.len() + scan.measures.len().max(1);
    let backend = inner.backend();
    let columns: Vec<String> = (0..width)
        .map(|i| match backend {
            Backend::Sqlite => format!("json_group_array(c{i})"),
            Backend::Postgres => format!("COALESCE(json_agg(c{i}), '[]')::text"),
        })
        .collect();
    inner.wrapped(&format!("SELECT {} FROM (", columns.join(", ")), ") AS r")
}

/// A block's rows from its packed columns.
fn unpack(row: &AnyRow, scan: &RollupScan) -> Result<Vec<RollupRow>, StoreError> {
    fn json_column<T: DeserializeOwned>(row: &AnyRow, i: usize) -> Result<Vec<T>, StoreError> {
        let json: String = row.try_get(i)?;
        serde_json::from_str(&json).map_err(|e| super::super::corrupt("rollup rows", e))
    }
    let buckets: Vec<i64> = json_column(row, 0)?;
    let groups = (1..=scan.group.len())
        .map(|i| json_column::<String>(row, i))
        .collect::<Result<Vec<_>, _>>()?;
    let sums = (0..scan.measures.len())
        .map(|i| json_column::<i64>(row, 1 + scan.group.len() + i))
        .collect::<Result<Vec<_>, _>>()?;
    if (groups.iter().map(Vec::len))
        .chain(sums.iter().map(Vec::len))
        .any(|len| len != buckets.len())
    {
        return Err(StoreError::Corrupt(
            "a rollup block's columns differ in length".into(),
        ));
    }
    let mut groups: Vec<_> = groups.into_iter().map(Vec::into_iter).collect();
    Ok((buckets.into_iter().enumerate())
        .map(|(n, bucket_ms)| {
            let mut counts = Counts::default();
            for (measure, column) in scan.measures.iter().zip(&sums) {
                counts.add(*measure, column[n]);
            }
            RollupRow {
                bucket_ms,
                group: groups.iter_mut().filter_map(Iterator::next).collect(),
                counts,
            }
        })
        .collect())
}

#[async_trait]
impl Reports for SqlStore {
    async fn rollups(
        &self,
        tenant: &TenantId,
        scan: &RollupScan,
    ) -> Result<Vec<RollupRow>, StoreError> {
        // A pending change that may shrink a longest wait is folded first (a correction
        // did it: rare); if another comes meanwhile, its longest waits may read long.
        for attempt in 0.. {
            let mut tx = self.reader.begin().await?;
            if self.backend == Backend::Postgres {
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    .execute(&mut *tx)
                    .await?;
            }
            let (pending, stale) = pending::read(&mut tx, tenant).await?;
            if stale && attempt < 2 {
                drop(tx);
                pending::fold_tenant(self.backend, &self.writer, &self.reader, None, tenant)
                    .await?;
                continue;
            }
            let mut rows = Vec::new();
            for block in &scan.blocks {
                let sql = packed(block_sql(self.backend, tenant, scan, block), scan);
                let row = sql.query().fetch_one(&mut *tx).await?;
                rows.extend(unpack(&row, scan)?);
            }
            tx.commit().await?;
            rows.extend(scan.rows_of(&pending));
            return Ok(rows);
        }
        unreachable!("the third attempt returns")
    }

    async fn fold_pending(&self) -> Result<(), StoreError> {
        pending::fold_all(self.backend, &self.writer, &self.reader, None).await
    }

    async fn queue_names(
        &self,
        tenant: &TenantId,
        ids: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        self.read_queue_names(tenant, ids).await
    }

    async fn day_zone(&self, tenant: &TenantId) -> Result<TimeZone, StoreError> {
        read_zone(&self.reader, tenant).await
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
    /// [`Reports::reproject`]: the rollups restart from nothing, then each chunk of
    /// interactions, in id order, is folded from its log and written back with its
    /// contribution.
    async fn reproject_tenant(
        &self,
        tenant: &TenantId,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<u64, StoreError> {
        self.clear_rollups(tenant).await?;
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
                .map(|(id,)| stored_id(id))
                .collect::<Result<Vec<_>, _>>()?;
            self.reproject_chunk(tenant, &ids).await?;
            done += ids.len() as u64;
            progress(done);
        }
    }

    /// Re-projects one chunk in its own transaction. On SQLite a transaction begins as a
    /// reader: when another process (a server beside `interlog reproject`) commits before
    /// it writes, SQLite refuses the upgrade (SQLITE_BUSY_SNAPSHOT) rather than wait, so
    /// the chunk is tried again on a fresh snapshot.
    async fn reproject_chunk(
        &self,
        tenant: &TenantId,
        ids: &[InteractionId],
    ) -> Result<(), StoreError> {
        let mut attempt = 0;
        loop {
            let mut tx = self.writer.begin().await?;
            let done = match self
                .writes
                .reproject_in(&mut Exec::Sqlx(&mut tx), tenant, ids)
                .await
            {
                Ok(()) => tx.commit().await.map_err(StoreError::from),
                Err(error) => Err(error),
            };
            match done {
                Err(error) if attempt < 5 && busy_snapshot(&error) => attempt += 1,
                done => return done,
            }
            tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
        }
    }

    /// Forgets a tenant's rollups, the answers kept for them and every stored contribution,
    /// and keeps day rows from now on in the tenant's time zone, in one transaction.
    async fn clear_rollups(&self, tenant: &TenantId) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        // No folder applies a pending change meanwhile (they would wait on each other's rows).
        pending::lock(&mut Exec::Sqlx(&mut tx), self.backend, tenant).await?;
        let tables = Rollup::ALL.map(table);
        for table in tables.iter().chain(&["report_answers", "report_pending"]) {
            sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(tenant.as_str())
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE interactions SET report = NULL WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .execute(&mut *tx)
            .await?;
        if let Some(json) = settings::stored(&mut Exec::Sqlx(&mut tx), self.backend, tenant).await?
        {
            let zone = settings::parse(&json)?.time_zone;
            sqlx::query("UPDATE tenant_settings SET report_zone = $2 WHERE tenant_id = $1")
                .bind(tenant.as_str())
                .bind(zone.name())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// SQLite's SQLITE_BUSY_SNAPSHOT (517): a reader's snapshot went stale before it wrote.
fn busy_snapshot(error: &StoreError) -> bool {
    matches!(error, StoreError::Database(sqlx::Error::Database(db)) if db.code().as_deref() == Some("517"))
}
