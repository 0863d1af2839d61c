//! The one implementation of [`Store`](crate::Store), over sqlx's runtime-selected `Any`
//! driver, shared by SQLite and PostgreSQL. The SQL is the same for both except where
//! [`Backend`] says otherwise: the arrival-order column, the per-interaction lock and
//! full-text search.
//!
//! Concurrency. SQLite has one writer: the SQLite pool for writes holds exactly one
//! connection, so write transactions queue instead of failing with SQLITE_BUSY. The group
//! committer writes on a connection of its own (`exec.rs`), but only while it holds that
//! one, so it queues with them. PostgreSQL
//! has many writers, possibly in several Interlog servers: each append transaction first
//! takes a transaction-scoped advisory lock per interaction it touches (in sorted order, so
//! two batches cannot deadlock), then inserts and re-projects. Under READ COMMITTED, the
//! re-projection's read starts after the lock is granted, so it sees every event committed
//! by the previous holder: concurrent ingestion gives the same record as sequential.
//! Duplicate eventIds across servers are settled by the primary key (`ON CONFLICT DO NOTHING`).
//!
//! # Layout
//! - this file: the pools, [`Backend`], and the event log, interaction, content and
//!   operations methods of the contract.
//! - `keys.rs`, `dnis.rs`, `settings.rs`: the [`ApiKeys`](crate::ApiKeys),
//!   [`DnisPool`](crate::DnisPool) and [`Settings`](crate::Settings) methods.
//! - `write.rs`: appending events (`contents.rs`: the bytes of the binaries they name);
//!   `records.rs`: rewriting records, their search documents and index rows; `commit.rs`:
//!   the group committer; `exec.rs`: where their statements run.
//! - `read.rs`: list queries as SQL with numbered parameters.
//! - `statement.rs`: that SQL text and its parameters; multi-row inserts and `IN` lists.

mod arrays;
mod audit;
mod changes;
mod commit;
mod contents;
mod dnis;
mod erase;
mod exec;
mod group;
mod kept;
mod keys;
mod known;
mod lifecycle;
mod operations;
mod points;
mod queue_names;
mod read;
mod records;
mod redaction;
mod rollups;
mod rows;
mod search;
mod settings;
mod statement;
mod transcript;
mod webhooks;
mod write;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use interlog_core::query::{AgentInteraction, AgentQuery, CallerKeyKind, InteractionQuery, Page};
use interlog_core::report::RollupScan;
use interlog_core::{Event, Interaction, InteractionId, TenantId};
use sqlx::{AnyPool, Row};

use crate::{Appended, Contents, EventLog, Interactions, StoreError, StoredContent};
use commit::Committer;
use exec::Exec;
pub(crate) use points::Points;
use rows::{ids, join_record, page_of, paginate, parse_record, position, stored_id};
pub use search::SearchDrive;
use statement::Sql;
use write::Writer;

/// How the store drives a search: each word by the side that costs less (SQLite), a page
/// first looked for among the first candidates (both).
const CHOSEN: SearchDrive = SearchDrive::Cheaper {
    rare_below: search::RARE_BELOW,
    window: search::WINDOW,
};

/// Which database is behind the `Any` pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The events column that orders arrival.
    fn arrival(self) -> &'static str {
        match self {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "seq",
        }
    }
}

/// A [`Store`](crate::Store) over SQL.
pub struct SqlStore {
    backend: Backend,
    /// Write transactions (one connection for SQLite).
    writer: AnyPool,
    /// Reads (a read-only pool for SQLite; the same pool as `writer` for PostgreSQL).
    reader: AnyPool,
    /// SQLite's reads of records, keys and pages, on `rusqlite` connections of their own
    /// (`points.rs`); none on PostgreSQL.
    points: Option<Arc<points::Points>>,
    /// What appending needs beside a transaction.
    writes: Arc<Writer>,
    /// Appends of events wait here to share a commit (`commit.rs`).
    committer: Committer,
    /// Tenants' compiled redaction (`redaction.rs`).
    redactors: redaction::Redactors,
    /// Folds pending rollup changes into the rollups until the store is dropped.
    _folder: rollups::Folder,
}

/// SQLite's writing connections of their own (`exec.rs`), each on its thread: the group
/// committer's and the report folder's.
pub(crate) struct Lites {
    pub committing: rusqlite::Connection,
    pub folding: rusqlite::Connection,
}

fn corrupt(what: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// The wire name of a unit enum (`work-item`), as stored in filter columns.
fn wire_name<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl SqlStore {
    /// A store over these pools; its group committer's workers and its report folder start
    /// on the current Tokio runtime (SQLite's each on a thread of its own, writing on its
    /// connection of `lites`).
    pub(crate) fn new(
        backend: Backend,
        writer: AnyPool,
        reader: AnyPool,
        points: Option<Arc<points::Points>>,
        lites: Option<Lites>,
    ) -> Self {
        let (committing, folding) = lites.map(|l| (l.committing, l.folding)).unzip();
        let writes = Arc::new(Writer::new(backend));
        let committer = Committer::start(writes.clone(), writer.clone(), committing);
        let folder = rollups::Folder::start(backend, writer.clone(), reader.clone(), folding);
        Self {
            backend,
            writer,
            reader,
            points,
            writes,
            committer,
            redactors: redaction::Redactors::default(),
            _folder: folder,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database's plan for a list query, one line per step: a diagnostic, and what the
    /// index tests check (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`).
    pub async fn explain_list(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<Vec<String>, StoreError> {
        self.explain_list_driven(tenant, query, CHOSEN).await
    }

    /// The plan of a list query whose search is driven by `drive`.
    pub async fn explain_list_driven(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        drive: SearchDrive,
    ) -> Result<Vec<String>, StoreError> {
        let plan = self.search_plan(tenant, query, drive, false).await?;
        self.explain(read::list_interactions(self.backend, tenant, query, &plan))
            .await
    }

    /// The plan of an agent query, like [`SqlStore::explain_list`].
    pub async fn explain_agent(
        &self,
        tenant: &TenantId,
        query: &AgentQuery,
    ) -> Result<Vec<String>, StoreError> {
        self.explain(read::agent_interactions(self.backend, tenant, query))
            .await
    }

    /// The plans of a report's scan, one per block, like [`SqlStore::explain_list`].
    pub async fn explain_rollups(
        &self,
        tenant: &TenantId,
        scan: &RollupScan,
    ) -> Result<Vec<Vec<String>>, StoreError> {
        let mut plans = Vec::new();
        for block in &scan.blocks {
            let sql = rollups::block_sql(self.backend, tenant, scan, block);
            plans.push(self.explain(sql).await?);
        }
        Ok(plans)
    }

    async fn explain(&self, mut sql: Sql) -> Result<Vec<String>, StoreError> {
        let (prefix, column) = match self.backend {
            Backend::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
            Backend::Postgres => ("EXPLAIN ", 0),
        };
        sql.text.insert_str(0, prefix);
        let rows = sql.fetch_all(&self.reader).await?;
        Ok(rows
            .iter()
            .filter_map(|row| row.try_get::<String, _>(column).ok())
            .collect())
    }
}

#[async_trait]
impl EventLog for SqlStore {
    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[Event],
    ) -> Result<Vec<Appended>, StoreError> {
        self.append_redacted(tenant, events).await
    }

    async fn interaction_events(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        self.load_events(&self.reader, tenant, id).await
    }

    async fn revealed_events(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        self.load_revealed(tenant, id).await
    }

    fn use_originals_key(&self, key: crate::originals::OriginalsKey) {
        self.set_originals_key(key);
    }
}

#[async_trait]
impl Interactions for SqlStore {
    async fn get_interaction(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<Interaction>, StoreError> {
        let row = self.record_parts(tenant, id).await?;
        row.map(|(record, messages)| parse_record(&record, &messages))
            .transpose()
    }

    async fn get_interaction_json(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<String>, StoreError> {
        let row = self.record_parts(tenant, id).await?;
        Ok(row.map(|(record, messages)| join_record(record, &messages)))
    }

    async fn list_interactions(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<Page<Interaction>, StoreError> {
        self.list_interactions_driven(tenant, query, CHOSEN).await
    }

    async fn list_interactions_json(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        with_messages: bool,
    ) -> Result<Page<String>, StoreError> {
        let rows = self.list_rows(tenant, query, CHOSEN).await?;
        let transcripts = match with_messages {
            true => self.transcripts_of(tenant, ids(&rows)).await?,
            false => HashMap::new(),
        };
        page_of(rows, transcripts, query.limit, |record, messages| {
            Ok(join_record(record, &messages))
        })
    }

    async fn count_interactions(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<u64, StoreError> {
        self.count_interactions_driven(tenant, query, CHOSEN).await
    }

    async fn agent_interactions(
        &self,
        tenant: &TenantId,
        query: &AgentQuery,
    ) -> Result<Page<AgentInteraction>, StoreError> {
        let sql = read::agent_interactions(self.backend, tenant, query);
        let visits = read::agent_visits(query);
        let rows: Vec<(String, i64, String, String)> = self.read_rows(sql, visits).await?;
        let ids = rows.iter().map(|(_, _, id, _)| id.as_str());
        let mut transcripts = self.transcripts_of(tenant, ids).await?;
        let items = rows
            .into_iter()
            .map(|(record, millis, id, interaction_agent_id)| {
                let messages = transcripts.remove(&id).unwrap_or_default();
                let record = parse_record(&record, &messages)?;
                let at = position(millis, id, Some(interaction_agent_id.clone()))?;
                let item = AgentInteraction {
                    interaction_agent_id,
                    record,
                };
                Ok((item, at))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(paginate(items, query.limit))
    }

    async fn lookup(
        &self,
        tenant: &TenantId,
        kind: CallerKeyKind,
        value: &str,
    ) -> Result<Option<InteractionId>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT k.interaction_id FROM caller_keys k
             JOIN interactions i ON i.tenant_id = k.tenant_id AND i.interaction_id = k.interaction_id
             WHERE k.tenant_id = $1 AND k.kind = $2 AND k.value = $3
             ORDER BY i.start_ms DESC, i.interaction_id DESC LIMIT 1",
        )
        .bind(tenant.as_str())
        .bind(kind.as_str())
        .bind(value)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(id,)| stored_id(id)).transpose()
    }
}

#[async_trait]
impl Contents for SqlStore {
    async fn put_content(
        &self,
        tenant: &TenantId,
        event: &Event,
        mime: &str,
        bytes: &[u8],
    ) -> Result<Appended, StoreError> {
        let events = std::slice::from_ref(event);
        let rows = write::event_rows(tenant, events, &[])?;
        let mut tx = self.writer.begin().await?;
        let mut exec = Exec::Sqlx(&mut tx);
        let stored = settings::stored(&mut exec, self.backend, tenant).await?;
        let written = self
            .writes
            .append_in(&mut exec, tenant, events, rows, stored.as_deref())
            .await?;
        contents::store_content(&mut exec, self.backend, tenant, event, mime, bytes).await?;
        tx.commit().await?;
        self.writes.committed([tenant]);
        let outcome = written.outcome[0];
        self.writes.keep([written]);
        Ok(outcome)
    }

    async fn get_content(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
        content_id: &str,
    ) -> Result<Option<StoredContent>, StoreError> {
        let row: Option<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT mime, sha256, bytes FROM contents WHERE tenant_id = $1 AND interaction_id = $2 AND content_id = $3",
        )
        .bind(tenant.as_str())
        .bind(id.as_str())
        .bind(content_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|(mime, sha256, bytes)| StoredContent {
            mime,
            sha256,
            bytes,
        }))
    }
}
