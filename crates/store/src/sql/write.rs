//! The write side: append events, store content bytes, and rewrite each touched
//! interaction's record and index rows from a fresh projection.

use std::collections::BTreeSet;

use interlog_core::{project, Event, EventBody, Interaction, InteractionId, TenantId};
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Transaction};

use super::{corrupt, wire_name, Backend, SqlStore};
use crate::{now_ms, Appended, StoreError};

type Tx<'a> = Transaction<'a, Any>;

impl SqlStore {
    /// Appends `events` inside `tx`, re-projecting every interaction that gained one.
    pub(super) async fn append_in(&self, tx: &mut Tx<'_>, tenant: &TenantId, events: &[Event]) -> Result<Vec<Appended>, StoreError> {
        let interactions: BTreeSet<&InteractionId> = events.iter().map(|e| &e.interaction_id).collect();
        self.lock_interactions(tx, tenant, &interactions).await?;
        let received = now_ms();
        let mut outcome = Vec::with_capacity(events.len());
        let mut touched = BTreeSet::new();
        for event in events {
            let body = serde_json::to_string(event).map_err(|e| corrupt("event", e))?;
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
            .execute(&mut **tx)
            .await?;
            if inserted.rows_affected() == 1 {
                touched.insert(&event.interaction_id);
                outcome.push(Appended::New);
                // Inline binaries are also kept as bytes, so the content endpoint serves them.
                if let EventBody::ContentAdded(content) = &event.body {
                    if let (Some(bytes), Some(mime)) = (content.decoded_data(), &content.mime) {
                        store_content(tx, tenant, event, mime, &bytes).await?;
                    }
                }
            } else {
                outcome.push(Appended::Duplicate);
            }
        }
        for id in touched {
            let events = self.load_events(&mut **tx, tenant, id).await?;
            self.write_record(tx, &project(tenant, id, &events)).await?;
        }
        Ok(outcome)
    }

    /// Serializes writers of one interaction across connections and servers (PostgreSQL).
    async fn lock_interactions(&self, tx: &mut Tx<'_>, tenant: &TenantId, ids: &BTreeSet<&InteractionId>) -> Result<(), StoreError> {
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

    pub(super) async fn load_events<'e>(
        &self,
        executor: impl Executor<'e, Database = Any>,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        let bodies: Vec<(String,)> = sqlx::query_as(self.backend.events_of_interaction())
            .bind(tenant.as_str())
            .bind(id.as_str())
            .fetch_all(executor)
            .await?;
        bodies.iter().map(|(body,)| serde_json::from_str(body).map_err(|e| corrupt("event", e))).collect()
    }

    async fn write_record(&self, tx: &mut Tx<'_>, record: &Interaction) -> Result<(), StoreError> {
        let (tenant, id) = (record.tenant_id.as_str(), record.interaction_id.as_str());
        let json = serde_json::to_string(record).map_err(|e| corrupt("record", e))?;
        sqlx::query(
            "INSERT INTO interactions (tenant_id, interaction_id, start_ms, end_ms, status, channel_type,
                                       direction, customer_id, flagged, updated_ms, record, contact_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (tenant_id, interaction_id) DO UPDATE SET
                 start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status,
                 channel_type = excluded.channel_type, direction = excluded.direction,
                 customer_id = excluded.customer_id, flagged = excluded.flagged,
                 updated_ms = excluded.updated_ms, record = excluded.record, contact_id = excluded.contact_id",
        )
        .bind(tenant)
        .bind(id)
        .bind(record.start_timestamp.millis())
        .bind(record.end_timestamp.map(|t| t.millis()))
        .bind(record.status.as_str())
        .bind(record.channel_type.map(wire_name))
        .bind(record.direction.map(wire_name))
        .bind(record.customer_key())
        .bind(record.flagged)
        .bind(now_ms())
        .bind(json)
        .bind(record.contact_id.as_deref())
        .execute(&mut **tx)
        .await?;
        self.write_search_text(tx, tenant, id, &record.search_text()).await?;

        for table in ["interaction_agents", "caller_keys", "interaction_queues", "interaction_hooks"] {
            let delete = format!("DELETE FROM {table} WHERE tenant_id = $1 AND interaction_id = $2");
            sqlx::query(&delete).bind(tenant).bind(id).execute(&mut **tx).await?;
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
            .bind(kind.as_str())
            .bind(value)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        }
        for (n, hook) in record.hooks.iter().enumerate() {
            let hook_key = hook.interaction_hook_id.clone().unwrap_or_else(|| n.to_string());
            sqlx::query(
                "INSERT INTO interaction_hooks
                     (tenant_id, interaction_id, interaction_hook_id, hook_type, hook_sub_type, hook_id, hook_name)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant)
            .bind(id)
            .bind(hook_key)
            .bind(hook.hook_type.as_str())
            .bind(hook.hook_sub_type.as_deref())
            .bind(hook.hook_id.as_str())
            .bind(hook.hook_name.as_deref())
            .execute(&mut **tx)
            .await?;
        }
        let queues: BTreeSet<&str> = record.queues.iter().filter_map(|q| q.queue_id.as_deref()).collect();
        for queue in queues {
            sqlx::query(
                "INSERT INTO interaction_queues (tenant_id, interaction_id, queue_id) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant)
            .bind(id)
            .bind(queue)
            .execute(&mut **tx)
            .await?;
        }
        Ok(())
    }

    /// Replaces the interaction's full-text document: FTS5 keyed by the row's rowid on
    /// SQLite, a tsvector column on PostgreSQL.
    async fn write_search_text(&self, tx: &mut Tx<'_>, tenant: &str, id: &str, text: &str) -> Result<(), StoreError> {
        let statements: &[&str] = match self.backend {
            Backend::Sqlite => &[
                "DELETE FROM interaction_search WHERE rowid =
                     (SELECT rowid FROM interactions WHERE tenant_id = $1 AND interaction_id = $2)",
                "INSERT INTO interaction_search (rowid, body)
                     SELECT rowid, $3 FROM interactions WHERE tenant_id = $1 AND interaction_id = $2 AND $3 <> ''",
            ],
            Backend::Postgres => &[
                "UPDATE interactions SET search = to_tsvector('simple', $3) WHERE tenant_id = $1 AND interaction_id = $2",
            ],
        };
        for statement in statements {
            let query = sqlx::query(statement).bind(tenant).bind(id);
            // The DELETE names only two parameters; SQLite refuses a third.
            let query = if statement.contains("$3") { query.bind(text) } else { query };
            query.execute(&mut **tx).await?;
        }
        Ok(())
    }
}

/// Stores (or replaces) the bytes of a binary named by a `content-added` event.
pub(super) async fn store_content(tx: &mut Tx<'_>, tenant: &TenantId, event: &Event, mime: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let EventBody::ContentAdded(content) = &event.body else {
        return Err(StoreError::Config("content bytes need a content-added event".into()));
    };
    let content_id = content.content_id.clone().unwrap_or_else(|| event.event_id.to_string());
    sqlx::query(
        "INSERT INTO contents (tenant_id, interaction_id, content_id, mime, sha256, size, bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, interaction_id, content_id) DO UPDATE SET
             mime = excluded.mime, sha256 = excluded.sha256, size = excluded.size, bytes = excluded.bytes",
    )
    .bind(tenant.as_str())
    .bind(event.interaction_id.as_str())
    .bind(content_id)
    .bind(mime)
    .bind(format!("{:x}", Sha256::digest(bytes)))
    .bind(bytes.len() as i64)
    .bind(bytes.to_vec())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
