//! The one implementation of [`Store`], over sqlx's runtime-selected `Any` driver, shared by
//! SQLite and PostgreSQL. The SQL is the same for both except where [`Backend`] says
//! otherwise: the arrival-order column and the per-interaction lock.
//!
//! Concurrency. SQLite has one writer: the SQLite pool for writes holds exactly one
//! connection, so write transactions queue instead of failing with SQLITE_BUSY. PostgreSQL
//! has many writers, possibly in several Interlog servers: each append transaction first
//! takes a transaction-scoped advisory lock per interaction it touches (in sorted order, so
//! two batches cannot deadlock), then inserts and re-projects. Under READ COMMITTED, the
//! re-projection's read starts after the lock is granted, so it sees every event committed
//! by the previous holder: concurrent ingestion gives the same record as sequential.
//! Duplicate eventIds across servers are settled by the primary key (`ON CONFLICT DO NOTHING`).

use std::collections::BTreeSet;

use async_trait::async_trait;
use interlog_core::{project, Event, Interaction, InteractionId, TenantId};
use sqlx::{Any, AnyPool, Transaction};

use crate::{now_ms, Appended, Store, StoreError};

/// Which database is behind the `Any` pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn events_of_interaction(self) -> &'static str {
        match self {
            Backend::Sqlite => "SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY rowid",
            Backend::Postgres => "SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY seq",
        }
    }
}

/// A [`Store`] over SQL.
pub struct SqlStore {
    backend: Backend,
    /// Write transactions (one connection for SQLite).
    writer: AnyPool,
    /// Reads (a read-only pool for SQLite; the same pool as `writer` for PostgreSQL).
    reader: AnyPool,
}

impl SqlStore {
    pub(crate) fn new(backend: Backend, writer: AnyPool, reader: AnyPool) -> Self {
        Self { backend, writer, reader }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Serializes writers of one interaction across connections and servers (PostgreSQL).
    async fn lock_interactions(&self, tx: &mut Transaction<'_, Any>, tenant: &TenantId, ids: &BTreeSet<&InteractionId>) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        for id in ids {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text")
                .bind(format!("{tenant}/{id}"))
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    async fn load_events(&self, executor: impl sqlx::Executor<'_, Database = Any>, tenant: &TenantId, id: &InteractionId) -> Result<Vec<Event>, StoreError> {
        let bodies: Vec<(String,)> = sqlx::query_as(self.backend.events_of_interaction())
            .bind(tenant.as_str())
            .bind(id.as_str())
            .fetch_all(executor)
            .await?;
        bodies
            .iter()
            .map(|(body,)| serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("event: {e}"))))
            .collect()
    }

    /// Re-runs the projection of one interaction inside `tx` and rewrites its record and
    /// index rows.
    async fn reproject(&self, tx: &mut Transaction<'_, Any>, tenant: &TenantId, id: &InteractionId) -> Result<(), StoreError> {
        let events = self.load_events(&mut **tx, tenant, id).await?;
        write_record(tx, &project(tenant, id, &events)).await
    }
}

async fn write_record(tx: &mut Transaction<'_, Any>, record: &Interaction) -> Result<(), StoreError> {
    let (tenant, id) = (record.tenant_id.as_str(), record.interaction_id.as_str());
    let json = serde_json::to_string(record).map_err(|e| StoreError::Corrupt(format!("record: {e}")))?;
    sqlx::query(
        "INSERT INTO interactions (tenant_id, interaction_id, start_ms, end_ms, status, channel_type,
                                   direction, customer_id, flagged, updated_ms, record)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (tenant_id, interaction_id) DO UPDATE SET
             start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status,
             channel_type = excluded.channel_type, direction = excluded.direction,
             customer_id = excluded.customer_id, flagged = excluded.flagged,
             updated_ms = excluded.updated_ms, record = excluded.record",
    )
    .bind(tenant)
    .bind(id)
    .bind(record.start_timestamp.millis())
    .bind(record.end_timestamp.map(|t| t.millis()))
    .bind(record.status.as_str())
    .bind(record.channel_type.map(enum_text))
    .bind(record.direction.map(enum_text))
    .bind(record.customer_key())
    .bind(record.flagged)
    .bind(now_ms())
    .bind(json)
    .execute(&mut **tx)
    .await?;

    for delete in [
        "DELETE FROM interaction_agents WHERE tenant_id = $1 AND interaction_id = $2",
        "DELETE FROM caller_keys WHERE tenant_id = $1 AND interaction_id = $2",
    ] {
        sqlx::query(delete).bind(tenant).bind(id).execute(&mut **tx).await?;
    }
    for allocation in &record.agents {
        sqlx::query(
            "INSERT INTO interaction_agents
                 (tenant_id, agent_id, start_ms, interaction_id, interaction_agent_id, end_ms)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant)
        .bind(allocation.agent_id.as_str())
        .bind(allocation.start_timestamp.millis())
        .bind(id)
        .bind(allocation.interaction_agent_id.as_str())
        .bind(allocation.end_timestamp.map(|t| t.millis()))
        .execute(&mut **tx)
        .await?;
    }
    for (kind, value) in record.caller_keys.entries() {
        sqlx::query(
            "INSERT INTO caller_keys (tenant_id, kind, value, interaction_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(tenant)
        .bind(kind)
        .bind(value)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The wire name of a unit enum (`work-item`), for filter columns.
fn enum_text<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn append_events(&self, tenant: &TenantId, events: &[Event]) -> Result<Vec<Appended>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let interactions: BTreeSet<&InteractionId> = events.iter().map(|e| &e.interaction_id).collect();
        self.lock_interactions(&mut tx, tenant, &interactions).await?;
        let received = now_ms();
        let mut outcome = Vec::with_capacity(events.len());
        let mut touched = BTreeSet::new();
        for event in events {
            let body = serde_json::to_string(event).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?;
            let inserted = sqlx::query(
                "INSERT INTO events (tenant_id, event_id, interaction_id, timestamp_ms, received_ms, body)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (tenant_id, event_id) DO NOTHING",
            )
            .bind(tenant.as_str())
            .bind(event.event_id.as_str())
            .bind(event.interaction_id.as_str())
            .bind(event.timestamp.millis())
            .bind(received)
            .bind(body)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 1 {
                touched.insert(&event.interaction_id);
                outcome.push(Appended::New);
            } else {
                outcome.push(Appended::Duplicate);
            }
        }
        for id in touched {
            self.reproject(&mut tx, tenant, id).await?;
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn get_interaction(&self, tenant: &TenantId, id: &InteractionId) -> Result<Option<Interaction>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT record FROM interactions WHERE tenant_id = $1 AND interaction_id = $2")
                .bind(tenant.as_str())
                .bind(id.as_str())
                .fetch_optional(&self.reader)
                .await?;
        row.map(|(json,)| serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("record: {e}"))))
            .transpose()
    }

    async fn interaction_events(&self, tenant: &TenantId, id: &InteractionId) -> Result<Vec<Event>, StoreError> {
        self.load_events(&self.reader, tenant, id).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}
