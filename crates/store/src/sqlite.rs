//! The embedded SQLite store: one file, WAL mode, `synchronous = FULL` so that a committed
//! (acknowledged) event survives a power cut.
//!
//! SQLite allows one writer at a time. Rather than letting concurrent write transactions
//! collide (a deferred transaction that upgrades to a write lock fails with SQLITE_BUSY
//! without waiting), all writes go through a pool of exactly one connection, so they queue
//! in the pool; reads use a separate pool and, thanks to WAL, never wait for the writer.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use interlog_core::{project, Event, Interaction, InteractionId, TenantId};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::{now_ms, Appended, Store, StoreError};

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        MIGRATOR.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self { writer, reader })
    }

    /// Re-runs the projection of one interaction inside `tx` and rewrites its record and
    /// index rows.
    async fn reproject(&self, tx: &mut Transaction<'_, Sqlite>, tenant: &TenantId, id: &InteractionId) -> Result<(), StoreError> {
        let bodies: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY rowid")
                .bind(tenant.as_str())
                .bind(id.as_str())
                .fetch_all(&mut **tx)
                .await?;
        let events = bodies.iter().map(|(body,)| parse_stored_event(body)).collect::<Result<Vec<_>, _>>()?;
        let record = project(tenant, id, &events);
        write_record(tx, &record).await
    }
}

fn parse_stored_event(body: &str) -> Result<Event, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("event: {e}")))
}

async fn write_record(tx: &mut Transaction<'_, Sqlite>, record: &Interaction) -> Result<(), StoreError> {
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

    for table in ["interaction_agents", "caller_keys"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1 AND interaction_id = $2"))
            .bind(tenant)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for allocation in &record.agents {
        sqlx::query(
            "INSERT OR IGNORE INTO interaction_agents
                 (tenant_id, agent_id, start_ms, interaction_id, interaction_agent_id, end_ms)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant)
        .bind(allocation.agent_id.as_str())
        .bind(allocation.start_timestamp.millis())
        .bind(id)
        .bind(&allocation.interaction_agent_id)
        .bind(allocation.end_timestamp.map(|t| t.millis()))
        .execute(&mut **tx)
        .await?;
    }
    for (kind, value) in record.caller_keys.entries() {
        sqlx::query("INSERT OR IGNORE INTO caller_keys (tenant_id, kind, value, interaction_id) VALUES ($1, $2, $3, $4)")
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
impl Store for SqliteStore {
    async fn append_events(&self, tenant: &TenantId, events: &[Event]) -> Result<Vec<Appended>, StoreError> {
        let mut tx = self.writer.begin().await?;
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
        let bodies: Vec<(String,)> =
            sqlx::query_as("SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY rowid")
                .bind(tenant.as_str())
                .bind(id.as_str())
                .fetch_all(&self.reader)
                .await?;
        bodies.iter().map(|(body,)| parse_stored_event(body)).collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }
}
