//! The write side: append events, store content bytes, and rewrite each touched
//! interaction's record and index rows from a fresh projection.

use std::collections::{BTreeSet, HashMap, HashSet};

use interlog_core::{project, Event, EventBody, Interaction, InteractionId, TenantId};
use sha2::{Digest, Sha256};
use sqlx::{Any, Executor, Row, Transaction};

use super::statement::{in_lists, opt_int, opt_text, text, values_statements, Param};
use super::{corrupt, wire_name, Backend, SqlStore};
use crate::{now_ms, Appended, StoreError};

type Tx<'a> = Transaction<'a, Any>;

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
        // Rows are inserted in order, so of two events with one id in a batch the first is
        // kept; RETURNING names only the rows that were new.
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
        // An interaction without a record had no events before this batch (every append
        // writes the record): its log is the batch's new events, in arrival order. Only the
        // logs of the others are read back.
        let known = self.known_interactions(tx, tenant, &touched).await?;
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
        let records: Vec<Interaction> = touched
            .iter()
            .map(|id| project(tenant, id, &logs.remove(id.as_str()).unwrap_or_default()))
            .collect();
        self.write_records(tx, tenant, &records).await?;
        Ok(outcome)
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

    /// Upserts the records, their full-text documents and their index rows.
    async fn write_records(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        records: &[Interaction],
    ) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let postgres = self.backend == Backend::Postgres;
        let updated = now_ms();
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            let json = serde_json::to_string(record).map_err(|e| corrupt("record", e))?;
            let mut row = vec![
                text(tenant.as_str()),
                text(record.interaction_id.as_str()),
                Param::Int(record.start_timestamp.millis()),
                opt_int(record.end_timestamp.map(|t| t.millis())),
                text(record.status.as_str()),
                opt_text(record.channel_type.map(wire_name)),
                opt_text(record.direction.map(wire_name)),
                opt_text(record.customer_key()),
                Param::Bool(record.flagged),
                Param::Int(updated),
                text(json),
                opt_text(record.contact_id.as_deref()),
            ];
            if postgres {
                row.push(text(record.search_text()));
            }
            rows.push(row);
        }
        // PostgreSQL keeps the search document in the row; SQLite in an FTS5 table keyed by
        // the row's rowid, which RETURNING names.
        let (search_column, search_value, search_update, returning) = if postgres {
            (
                ", search",
                ", to_tsvector('simple', ?)",
                ", search = excluded.search",
                "",
            )
        } else {
            ("", "", "", " RETURNING rowid, interaction_id")
        };
        let head = format!(
            "INSERT INTO interactions (tenant_id, interaction_id, start_ms, end_ms, status, channel_type,
                                       direction, customer_id, flagged, updated_ms, record, contact_id{search_column})"
        );
        let tail = format!(
            "ON CONFLICT (tenant_id, interaction_id) DO UPDATE SET
                 start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status,
                 channel_type = excluded.channel_type, direction = excluded.direction,
                 customer_id = excluded.customer_id, flagged = excluded.flagged,
                 updated_ms = excluded.updated_ms, record = excluded.record, contact_id = excluded.contact_id{search_update}{returning}"
        );
        let mut rowids = HashMap::new();
        for sql in values_statements(
            self.backend,
            &head,
            &format!("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?{search_value})"),
            rows,
            &tail,
        ) {
            for row in sql.fetch_all(&mut **tx).await? {
                if !postgres {
                    rowids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
                }
            }
        }
        if !postgres {
            write_fts(tx, records, &rowids).await?;
        }
        write_index_rows(tx, self.backend, tenant, records).await
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

/// Replaces the FTS5 documents of the records, keyed by their rows' rowids (SQLite only).
async fn write_fts(
    tx: &mut Tx<'_>,
    records: &[Interaction],
    rowids: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let rowid = |record: &Interaction| rowids.get(record.interaction_id.as_str()).copied();
    let all: Vec<Param> = records.iter().filter_map(rowid).map(Param::Int).collect();
    for sql in in_lists(
        Backend::Sqlite,
        "DELETE FROM interaction_search WHERE rowid IN",
        &[],
        all,
        "",
    ) {
        sql.query().execute(&mut **tx).await?;
    }
    let documents: Vec<Vec<Param>> = records
        .iter()
        .filter_map(|record| Some((rowid(record)?, record.search_text())))
        .filter(|(_, body)| !body.is_empty())
        .map(|(rowid, body)| vec![Param::Int(rowid), text(body)])
        .collect();
    for sql in values_statements(
        Backend::Sqlite,
        "INSERT INTO interaction_search (rowid, body)",
        "(?, ?)",
        documents,
        "",
    ) {
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Rewrites the rows lists and lookups join on: agents, caller keys, queues and hooks.
async fn write_index_rows(
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
    records: &[Interaction],
) -> Result<(), StoreError> {
    let ids: Vec<Param> = records
        .iter()
        .map(|r| text(r.interaction_id.as_str()))
        .collect();
    for table in [
        "interaction_agents",
        "caller_keys",
        "interaction_queues",
        "interaction_hooks",
    ] {
        let head = format!("DELETE FROM {table} WHERE tenant_id = ? AND interaction_id IN");
        for sql in in_lists(backend, &head, &[text(tenant.as_str())], ids.clone(), "") {
            sql.query().execute(&mut **tx).await?;
        }
    }
    let (mut agents, mut keys, mut hooks, mut queues) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for record in records {
        let id = record.interaction_id.as_str();
        for allocation in &record.agents {
            agents.push(vec![
                text(tenant.as_str()),
                text(allocation.agent_id.as_str()),
                Param::Int(allocation.start_timestamp.millis()),
                text(id),
                text(allocation.interaction_agent_id.as_str()),
                opt_int(allocation.end_timestamp.map(|t| t.millis())),
            ]);
        }
        for (kind, value) in record.caller_keys.entries() {
            keys.push(vec![
                text(tenant.as_str()),
                text(kind.as_str()),
                text(value),
                text(id),
            ]);
        }
        for (n, hook) in record.hooks.iter().enumerate() {
            hooks.push(vec![
                text(tenant.as_str()),
                text(id),
                text(
                    hook.interaction_hook_id
                        .clone()
                        .unwrap_or_else(|| n.to_string()),
                ),
                text(hook.hook_type.as_str()),
                opt_text(hook.hook_sub_type.as_deref()),
                text(hook.hook_id.as_str()),
                opt_text(hook.hook_name.as_deref()),
            ]);
        }
        let queue_ids: BTreeSet<&str> = record
            .queues
            .iter()
            .filter_map(|q| q.queue_id.as_deref())
            .collect();
        queues.extend(
            queue_ids
                .into_iter()
                .map(|queue| vec![text(tenant.as_str()), text(id), text(queue)]),
        );
    }
    let inserts = [
        ("INSERT INTO interaction_agents (tenant_id, agent_id, start_ms, interaction_id, interaction_agent_id, end_ms)", "(?, ?, ?, ?, ?, ?)", agents),
        ("INSERT INTO caller_keys (tenant_id, kind, value, interaction_id)", "(?, ?, ?, ?)", keys),
        ("INSERT INTO interaction_hooks (tenant_id, interaction_id, interaction_hook_id, hook_type, hook_sub_type, hook_id, hook_name)", "(?, ?, ?, ?, ?, ?, ?)", hooks),
        ("INSERT INTO interaction_queues (tenant_id, interaction_id, queue_id)", "(?, ?, ?)", queues),
    ];
    for (head, row, rows) in inserts {
        for sql in values_statements(backend, head, row, rows, "ON CONFLICT DO NOTHING") {
            sql.query().execute(&mut **tx).await?;
        }
    }
    Ok(())
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
