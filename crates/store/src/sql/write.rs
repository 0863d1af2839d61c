//! The write side: append events, store content bytes, and re-project each touched
//! interaction (`records.rs` rewrites its record and index rows).

use std::collections::{BTreeSet, HashMap, HashSet};

use interlog_core::{project, Event, EventBody, Interaction, InteractionId, TenantId};
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Row, Transaction};

use super::statement::{in_lists, text, values_statements, Param};
use super::{corrupt, Backend, SqlStore};
use crate::{now_ms, Appended, StoreError};

pub(super) type Tx<'a> = Transaction<'a, Any>;

impl SqlStore {
    /// Appends `events` inside `tx`, re-projecting every interaction that gained one. Each
    /// step is one statement per table for the whole batch (multi-row inserts, `IN` lists),
    /// not one per event: the statement count, not SQLite, bounds ingest otherwise.
    /// `rows` are the events' [`event_rows`], made before the transaction began so that
    /// serializing them does not hold the writer.
    pub(super) async fn append_in(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        events: &[Event],
        rows: Vec<Vec<Param>>,
    ) -> Result<Vec<Appended>, StoreError> {
        let interactions: BTreeSet<&InteractionId> =
            events.iter().map(|e| &e.interaction_id).collect();
        self.lock_interactions(tx, tenant, &interactions).await?;
        let mut inserted = self.insert_events(tx, rows).await?;
        let mut outcome = Vec::with_capacity(events.len());
        let mut touched = BTreeSet::new();
        let mut fresh = Vec::with_capacity(events.len());
        for event in events {
            if !inserted.remove(event.event_id.as_str()) {
                outcome.push(Appended::Duplicate);
                continue;
            }
            touched.insert(&event.interaction_id);
            fresh.push(event);
            outcome.push(Appended::New);
            // Inline binaries are also kept as bytes, so the content endpoint serves them.
            if let EventBody::ContentAdded(content) = &event.body {
                if let (Some(bytes), Some(mime)) = (content.decoded_data(), &content.mime) {
                    store_content(tx, tenant, event, mime, &bytes).await?;
                }
            }
        }
        let mut logs = self.touched_logs(tx, tenant, &touched, fresh).await?;
        let records: Vec<Interaction> = touched
            .iter()
            .map(|id| project(tenant, id, &logs.remove(id.as_str()).unwrap_or_default()))
            .collect();
        self.write_records(tx, tenant, &records).await?;
        Ok(outcome)
    }

    /// Inserts the events' rows, returning the eventIds that were new. Rows are inserted in
    /// order, so of two events with one id in a batch the first is kept; RETURNING names
    /// only the rows that were new.
    async fn insert_events(
        &self,
        tx: &mut Tx<'_>,
        rows: Vec<Vec<Param>>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut inserted = HashSet::new();
        for sql in values_statements(
            self.backend,
            "INSERT INTO events (tenant_id, event_id, interaction_id, timestamp_ms, received_ms, body)",
            "(?, ?, ?, ?, ?, ?)",
            rows,
            "ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING event_id",
        ) {
            for row in sql.fetch_all(&mut **tx).await? {
                inserted.insert(row.try_get::<String, _>(0)?);
            }
        }
        Ok(inserted)
    }

    /// The whole logs of the `touched` interactions, `fresh` (the batch's new events)
    /// included. An interaction without a record had no events before this batch (every
    /// append writes the record): its log is the batch's new events, in arrival order. Only
    /// the logs of the others are read back.
    async fn touched_logs(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        touched: &BTreeSet<&InteractionId>,
        fresh: Vec<&Event>,
    ) -> Result<HashMap<String, Vec<Event>>, StoreError> {
        let known = self.known_interactions(tx, tenant, touched).await?;
        let known_ids: Vec<&InteractionId> = touched
            .iter()
            .copied()
            .filter(|id| known.contains(id.as_str()))
            .collect();
        let mut logs = self.load_logs(tx, tenant, &known_ids).await?;
        for event in fresh
            .into_iter()
            .filter(|e| !known.contains(e.interaction_id.as_str()))
        {
            logs.entry(event.interaction_id.to_string())
                .or_default()
                .push(event.clone());
        }
        Ok(logs)
    }

    /// Serializes writers of one interaction across connections and servers (PostgreSQL):
    /// a transaction-scoped advisory lock per interaction, taken in one statement, in one
    /// global order (bytewise, as the set is), so two batches cannot deadlock. Locking is
    /// volatile, so PostgreSQL evaluates it after the sort.
    async fn lock_interactions(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        ids: &BTreeSet<&InteractionId>,
    ) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let keys = ids
            .iter()
            .map(|id| vec![text(format!("{tenant}/{id}"))])
            .collect();
        let head = "SELECT pg_advisory_xact_lock(hashtextextended(v.k, 0))::text FROM (";
        for sql in values_statements(
            self.backend,
            head,
            "(?)",
            keys,
            ") AS v(k) ORDER BY v.k COLLATE \"C\"",
        ) {
            sql.query().execute(&mut **tx).await?;
        }
        Ok(())
    }

    pub(super) async fn load_events<'e>(
        &self,
        executor: impl Executor<'e, Database = Any>,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        let bodies: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY {}",
            self.backend.arrival()
        ))
        .bind(tenant.as_str())
        .bind(id.as_str())
        .fetch_all(executor)
        .await?;
        bodies.iter().map(|(body,)| parse_event(body)).collect()
    }

    /// The logs of several interactions, each in arrival order, keyed by interaction id.
    async fn load_logs(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        ids: &[&InteractionId],
    ) -> Result<HashMap<String, Vec<Event>>, StoreError> {
        let mut logs: HashMap<String, Vec<Event>> = HashMap::new();
        let order = format!(" ORDER BY {}", self.backend.arrival());
        let head =
            "SELECT interaction_id, body FROM events WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            ids.iter().map(|id| text(id.as_str())).collect(),
            &order,
        ) {
            for row in sql.fetch_all(&mut **tx).await? {
                let body: String = row.try_get(1)?;
                logs.entry(row.try_get(0)?)
                    .or_default()
                    .push(parse_event(&body)?);
            }
        }
        Ok(logs)
    }

    /// Which of `ids` have a record already.
    async fn known_interactions(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        ids: &BTreeSet<&InteractionId>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut known = HashSet::new();
        let head =
            "SELECT interaction_id FROM interactions WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            ids.iter().map(|id| text(id.as_str())).collect(),
            "",
        ) {
            for row in sql.fetch_all(&mut **tx).await? {
                known.insert(row.try_get(0)?);
            }
        }
        Ok(known)
    }
}

/// The `events` rows of a batch, received now.
pub(super) fn event_rows(
    tenant: &TenantId,
    events: &[Event],
) -> Result<Vec<Vec<Param>>, StoreError> {
    let received = now_ms();
    events
        .iter()
        .map(|event| {
            let body = serde_json::to_string(event).map_err(|e| corrupt("event", e))?;
            Ok(vec![
                text(tenant.as_str()),
                text(event.event_id.as_str()),
                text(event.interaction_id.as_str()),
                Param::Int(event.timestamp.millis()),
                Param::Int(received),
                text(body),
            ])
        })
        .collect()
}

fn parse_event(body: &str) -> Result<Event, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt("event", e))
}

/// Stores (or replaces) the bytes of a binary named by a `content-added` event.
pub(super) async fn store_content(
    tx: &mut Tx<'_>,
    tenant: &TenantId,
    event: &Event,
    mime: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    let EventBody::ContentAdded(content) = &event.body else {
        return Err(StoreError::Config(
            "content bytes need a content-added event".into(),
        ));
    };
    let content_id = content
        .content_id
        .clone()
        .unwrap_or_else(|| event.event_id.to_string());
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
