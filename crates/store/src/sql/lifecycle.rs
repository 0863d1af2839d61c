//! Personal data's lifecycle: erasure of one customer on request, with a receipt, and the
//! retention sweep.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use interlog_core::{InteractionId, TenantId};
use sqlx::{Executor, Row};

use super::erase::scrub_sql;
use super::rows::{parse_record, stored_id};
use super::statement::{in_lists, text};
use super::write::Tx;
use super::{settings, Backend, SqlStore};
use crate::{now_ms, ErasureReceipt, Lifecycle, StoreError};

#[async_trait]
impl Lifecycle for SqlStore {
    async fn erase_customer(
        &self,
        tenant: &TenantId,
        customer: &str,
        by: &str,
    ) -> Result<ErasureReceipt, StoreError> {
        let mut tx = self.writer.begin().await?;
        let ids = customer_interactions(&mut tx, self.backend, tenant, customer).await?;
        let ids: BTreeSet<&InteractionId> = ids.iter().collect();
        let erased = self.writes.erase_in(&mut tx, tenant, &ids).await?;
        let receipt = ErasureReceipt {
            receipt_id: uuid::Uuid::new_v4().to_string(),
            erased_ms: now_ms(),
            by: by.to_string(),
            interactions: erased.interactions,
            events: erased.events,
        };
        sqlx::query(
            "INSERT INTO erasure_receipts
             (tenant_id, receipt_id, erased_ms, principal, interactions, events)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant.as_str())
        .bind(&receipt.receipt_id)
        .bind(receipt.erased_ms)
        .bind(&receipt.by)
        .bind(receipt.interactions as i64)
        .bind(receipt.events as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.writes.forget(tenant, &ids);
        self.scrub().await?;
        tracing::info!(
            tenant = %tenant,
            receipt = %receipt.receipt_id,
            interactions = receipt.interactions,
            events = receipt.events,
            "customer erased"
        );
        Ok(receipt)
    }

    async fn sweep_expired(&self, now_ms: i64) -> Result<u64, StoreError> {
        let tenants: Vec<(String, String)> =
            sqlx::query_as("SELECT tenant_id, settings FROM tenant_settings ORDER BY tenant_id")
                .fetch_all(&self.reader)
                .await?;
        let mut deleted = 0;
        for (tenant, json) in tenants {
            let days = settings::parse(&json)?.retention_days;
            if days == 0 {
                continue;
            }
            let tenant = TenantId::parse(tenant).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let cutoff = now_ms - i64::from(days) * DAY_MS;
            let swept = self.sweep_tenant(&tenant, cutoff).await?;
            if swept > 0 {
                tracing::info!(tenant = %tenant, swept, days, "retention: expired interactions deleted");
            }
            deleted += swept;
        }
        if deleted > 0 {
            self.scrub().await?;
        }
        Ok(deleted)
    }

    async fn erasure_receipts(&self, tenant: &TenantId) -> Result<Vec<ErasureReceipt>, StoreError> {
        let rows: Vec<(String, i64, String, i64, i64)> = sqlx::query_as(
            "SELECT receipt_id, erased_ms, principal, interactions, events FROM erasure_receipts
             WHERE tenant_id = $1 ORDER BY erased_ms DESC, receipt_id",
        )
        .bind(tenant.as_str())
        .fetch_all(&self.reader)
        .await?;
        Ok((rows.into_iter())
            .map(
                |(receipt_id, erased_ms, by, interactions, events)| ErasureReceipt {
                    receipt_id,
                    erased_ms,
                    by,
                    interactions: interactions as u64,
                    events: events as u64,
                },
            )
            .collect())
    }
}

/// The retention sweep's pace. SQLite has one writer: an append waits for the sweep
/// transaction under way, so each aims to hold the writer about [`SWEEP_HOLD`] (its number
/// of interactions halved when one took longer, doubled when one took under half, from 16
/// within 1..=200), and the sweep then leaves the writer to appends for as long as it held
/// it. PostgreSQL's writers run side by side and the sweep locks only rows no live append
/// touches (expired interactions, their old periods' rollup rows), so there it deletes 200
/// per transaction, back to back.
const SWEEP_HOLD: Duration = Duration::from_millis(10);
const SWEEP_MOST: i64 = 200;

/// The first sweep transaction's number of interactions.
fn first_chunk(backend: Backend) -> i64 {
    match backend {
        Backend::Sqlite => 16,
        Backend::Postgres => SWEEP_MOST,
    }
}

/// After a transaction of `chunk` interactions held the writer for `took`: the next one's
/// number, and how long to leave the writer to others first.
fn pace(backend: Backend, chunk: i64, took: Duration) -> (i64, Duration) {
    match backend {
        Backend::Postgres => (chunk, Duration::ZERO),
        Backend::Sqlite if took > SWEEP_HOLD => ((chunk / 2).max(1), took),
        Backend::Sqlite if took < SWEEP_HOLD / 2 => ((chunk * 2).min(SWEEP_MOST), took),
        Backend::Sqlite => (chunk, took),
    }
}

const DAY_MS: i64 = 86_400_000;

/// How long the checkpoint that empties SQLite's WAL after an erasure is tried again,
/// [`SCRUB_PAUSE`] apart. It cannot run beside the checkpointer's own (`checkpoint.rs`),
/// nor finish while a reader still reads the WAL, and SQLite then answers busy.
const SCRUB_WAIT: Duration = Duration::from_secs(10);
const SCRUB_PAUSE: Duration = Duration::from_millis(25);

impl SqlStore {
    /// Makes deleted bytes leave the database files ([`scrub_sql`]).
    async fn scrub(&self) -> Result<(), StoreError> {
        for statement in scrub_sql(self.backend) {
            match self.backend {
                Backend::Sqlite => self.empty_wal(&statement).await?,
                Backend::Postgres => {
                    self.writer.execute(statement.as_str()).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs SQLite's checkpoint `statement` until it is not busy (its first column).
    async fn empty_wal(&self, statement: &str) -> Result<(), StoreError> {
        let deadline = Instant::now() + SCRUB_WAIT;
        while Instant::now() < deadline {
            let busy: i64 = sqlx::query_scalar(statement)
                .fetch_one(&self.writer)
                .await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(SCRUB_PAUSE).await;
        }
        Err(StoreError::Config(
            "erased rows' pages are still in the WAL: checkpoints and readers kept it busy".into(),
        ))
    }

    /// Deletes a tenant's interactions that ended before `cutoff`, a chunk per transaction,
    /// oldest first (found through the start-time index: an interaction starts before it
    /// ends), at the backend's [`pace`], so ingest goes on while a large backlog is swept.
    async fn sweep_tenant(&self, tenant: &TenantId, cutoff: i64) -> Result<u64, StoreError> {
        let (mut deleted, mut chunk) = (0, first_chunk(self.backend));
        loop {
            let mut tx = self.writer.begin().await?;
            let began = Instant::now(); // holding the writer from here
            let ids: Vec<(String,)> = sqlx::query_as(
                "SELECT interaction_id FROM interactions WHERE tenant_id = $1 AND start_ms < $2
                 AND status = 'ended' AND end_ms < $2 ORDER BY start_ms LIMIT $3",
            )
            .bind(tenant.as_str())
            .bind(cutoff)
            .bind(chunk)
            .fetch_all(&mut *tx)
            .await?;
            if ids.is_empty() {
                return Ok(deleted);
            }
            let ids = (ids.into_iter())
                .map(|(id,)| stored_id(id))
                .collect::<Result<Vec<_>, _>>()?;
            let ids: BTreeSet<&InteractionId> = ids.iter().collect();
            let erased = self.writes.erase_in(&mut tx, tenant, &ids).await?;
            tx.commit().await?;
            self.writes.forget(tenant, &ids);
            deleted += erased.interactions;
            let rest;
            (chunk, rest) = pace(self.backend, chunk, began.elapsed());
            tokio::time::sleep(rest).await;
        }
    }
}

/// A customer's interactions: those whose customer key is `customer`, then those whose key
/// is an address the first ones' records give the customer (one hop: a person known by id
/// and, on some interactions, only by their phone number or e-mail address).
async fn customer_interactions(
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
    customer: &str,
) -> Result<BTreeSet<InteractionId>, StoreError> {
    let head =
        "SELECT interaction_id, record FROM interactions WHERE tenant_id = ? AND customer_id IN";
    let (mut ids, mut seen) = (BTreeSet::new(), BTreeSet::new());
    let mut keys = vec![customer.to_string()];
    for hop in 0..2 {
        let fresh: Vec<_> = (keys.drain(..))
            .filter(|k| seen.insert(k.clone()))
            .map(text)
            .collect();
        for sql in in_lists(backend, head, &[text(tenant.as_str())], fresh, "") {
            for row in sql.fetch_all(&mut **tx).await? {
                ids.insert(stored_id(row.try_get(0)?)?);
                if hop == 0 {
                    let record = parse_record(&row.try_get::<String, _>(1)?, &[])?;
                    keys.extend(record.customer.and_then(|c| c.address));
                }
            }
        }
    }
    Ok(ids)
}
