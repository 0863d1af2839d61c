//! Rewriting projected records: the `interactions` rows, their transcripts and search parts, the
//! index rows lists and lookups join on (agents, caller keys, queues, hooks), and their
//! contributions to the report rollups. Each is one statement per table for the whole batch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use interlog_core::report::{Change, Contribution, Thresholds};
use interlog_core::{Interaction, TenantId};

use super::exec::Exec;
use super::kept::Digests;
use super::known::{Contributed, RowKeys};
use super::queue_names;
use super::rollups::{self, Pending};
use super::search::{self, Parts};
use super::statement::{in_lists, opt_int, opt_text, text, values_statements, Param};
use super::transcript::{self, Rewrite};
use super::write::{Touched, Writer};
use super::{corrupt, wire_name, Backend};
use crate::{now_ms, StoreError};

/// The tables of index rows, rewritten with their record.
const INDEX_TABLES: [&str; 4] = [
    "interaction_agents",
    "caller_keys",
    "interaction_queues",
    "interaction_hooks",
];

impl Writer {
    /// Upserts the touched interactions' records (each without its transcript, with the
    /// length of the log it was projected from), their transcript rows, their full-text
    /// documents and their index rows, and keeps their contributions' change for the
    /// rollups; the records written (each without its transcript), in `touched`'s order.
    ///
    /// The records' rows (their JSON, their contributions) are made on another thread while
    /// the transcript and index rows are written: SQLite has one writer, and it waits for
    /// neither.
    pub(super) async fn write_records(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        thresholds: Thresholds,
        touched: &mut [Touched],
    ) -> Result<Vec<Interaction>, StoreError> {
        if touched.is_empty() {
            return Ok(Vec::new());
        }
        let records: Arc<Vec<Interaction>> =
            Arc::new(touched.iter_mut().map(|t| t.projection.summary()).collect());
        let sources: Vec<Source> = (touched.iter_mut())
            .map(|t| Source {
                id: t.id.to_string(),
                log_len: t.projection.len(),
                contributed: t.contributed.take(),
            })
            .collect();
        let rows = tokio::task::spawn_blocking({
            let (tenant, records) = (tenant.clone(), records.clone());
            move || record_rows(&tenant, &records, sources, thresholds)
        });
        // Index rows and the search head are each written only where they changed (most
        // events of a conversation are messages, which change neither; a lifecycle event
        // changes index rows, seldom the head).
        let mut changed = Vec::with_capacity(records.len());
        let (mut index_ids, mut index_rows) = (Vec::new(), IndexRows::default());
        for (record, t) in records.iter().zip(touched.iter_mut()) {
            let head = record.search_head();
            let mut own = IndexRows::default();
            own.add(tenant, record);
            t.digest = Digests {
                index: own.digest(),
                head: digest_of(&head),
            };
            let previous = t
                .previous
                .filter(|_| matches!(t.rewrite, Rewrite::From { .. }));
            if previous.map(|p| p.index) != Some(t.digest.index) {
                index_ids.push(text(t.id.as_str()));
                index_rows.append(own);
            }
            let head_same = previous.map(|p| p.head) == Some(t.digest.head);
            changed.push((!head_same).then_some(head));
        }
        transcript::write(tx, self.backend, tenant, touched).await?;
        write_index_rows(tx, self.backend, tenant, index_ids, index_rows).await?;
        let (rows, change) = match rows.await {
            Ok(made) => made?,
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        };
        let stored = touched.iter_mut().map(|t| t.stored_keys.take());
        let rowids = self
            .upsert_records(tx, rows.into_iter().zip(stored))
            .await?;
        let parts: Vec<Parts> = (touched.iter().zip(&changed))
            .map(|(t, head)| Parts {
                touched: t,
                owner: rowids.get(t.id.as_str()).copied().unwrap_or_default(),
                head: head.as_deref(),
            })
            .collect();
        search::write(tx, self.backend, tenant, &parts).await?;
        rollups::defer(tx, self.backend, tenant, change).await?;
        Ok(Arc::try_unwrap(records).unwrap_or_else(|shared| shared.as_ref().clone()))
    }

    /// Upserts the records' rows, each with its stored row's indexed columns (none for a
    /// new record); on SQLite, each one's rowid by interaction id.
    ///
    /// A row whose indexed columns are as stored (most appends: a message, a hold) is
    /// upserted by a statement that does not set them: SQLite rewrites an index whenever
    /// an update sets one of its columns, whatever the value, and the indexes by start, by
    /// customer and by contact each put a record on a page of its own.
    async fn upsert_records(
        &self,
        tx: &mut Exec<'_, '_>,
        rows: impl Iterator<Item = (Vec<Param>, Option<RowKeys>)>,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let postgres = self.backend == Backend::Postgres;
        let (mut same, mut changed) = (Vec::new(), Vec::new());
        for (row, stored) in rows {
            let keys = KEY_COLUMNS.map(|n| &row[n]);
            match stored.is_some_and(|stored| keys == stored.each_ref()) {
                true => same.push(row),
                false => changed.push(row),
            }
        }
        // RETURNING's order is not the rows' order: rowids are matched by interaction id.
        let mut rowids = HashMap::new();
        for (rows, keys) in [(same, false), (changed, true)] {
            let (head, row, tail) = upsert_record_sql(postgres, keys);
            for sql in values_statements(self.backend, &head, &row, rows, &tail) {
                let rows: Vec<(i64, String)> = tx.rows(&sql).await?;
                if !postgres {
                    rowids.extend(rows.into_iter().map(|(rowid, id)| (id, rowid)));
                }
            }
        }
        Ok(rowids)
    }
}

/// What a record's row is made from beside the record.
struct Source {
    id: String,
    log_len: usize,
    /// What the stored record contributed to the rollups (none for a new record).
    contributed: Option<Contributed>,
}

/// The records' `interactions` rows, each with its contribution to the rollups, and the
/// change those contributions make in place of the ones stored, as its pending row.
fn record_rows(
    tenant: &TenantId,
    records: &[Interaction],
    sources: Vec<Source>,
    thresholds: Thresholds,
) -> Result<(Vec<Vec<Param>>, Option<Pending>), StoreError> {
    let updated = now_ms();
    let mut change = Change::default();
    let mut rows = Vec::with_capacity(records.len());
    for (record, source) in records.iter().zip(sources) {
        let contribution = Contribution::of(record, thresholds);
        let before = source.contributed.as_ref().map(Contributed::decode);
        change.replace(&source.id, before.transpose()?.as_ref(), &contribution);
        let report = contribution.encode();
        rows.push(record_row(tenant, record, source.log_len, updated, report)?);
    }
    Ok((rows, Pending::of(&change)))
}

/// The places in a record's row ([`record_row`]) of the indexed columns of [`RowKeys`].
const KEY_COLUMNS: [usize; 3] = [2, 7, 11];

/// The `interactions` row of a record without its transcript.
fn record_row(
    tenant: &TenantId,
    record: &Interaction,
    log_len: usize,
    updated: i64,
    report: String,
) -> Result<Vec<Param>, StoreError> {
    let json = serde_json::to_string(record).map_err(|e| corrupt("record", e))?;
    Ok(vec![
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
        Param::Int(log_len as i64),
        text(report),
    ])
}

/// The head, row template and tail of the records' upsert. On SQLite, RETURNING names
/// each row's rowid, which its search parts' rowids are made from.
fn upsert_record_sql(postgres: bool, keys: bool) -> (String, String, String) {
    let returning = if postgres {
        ""
    } else {
        " RETURNING rowid, interaction_id"
    };
    let head = "INSERT INTO interactions (tenant_id, interaction_id, start_ms, end_ms, status, channel_type,
                                   direction, customer_id, flagged, updated_ms, record, contact_id, log_len, report)"
        .to_string();
    let keys = match keys {
        true => {
            "start_ms = excluded.start_ms, customer_id = excluded.customer_id,
                 contact_id = excluded.contact_id,"
        }
        false => "",
    };
    let tail = format!(
        "ON CONFLICT (tenant_id, interaction_id) DO UPDATE SET {keys}
             end_ms = excluded.end_ms, status = excluded.status,
             channel_type = excluded.channel_type, direction = excluded.direction,
             flagged = excluded.flagged, updated_ms = excluded.updated_ms, record = excluded.record,
             log_len = excluded.log_len, report = excluded.report{returning}"
    );
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)".to_string();
    (head, row, tail)
}

/// The index rows of a batch of records, one list per table.
#[derive(Default)]
struct IndexRows {
    agents: Vec<Vec<Param>>,
    keys: Vec<Vec<Param>>,
    hooks: Vec<Vec<Param>>,
    queues: Vec<Vec<Param>>,
    /// The queues' names (id → name), kept in `queue_names`.
    names: BTreeMap<String, String>,
}

/// A digest of what a record writes (compared with the one written before): its index
/// rows, its search head, a message's search part.
pub(super) fn digest_of(value: impl Hash) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl IndexRows {
    /// A digest of these rows.
    fn digest(&self) -> u64 {
        let lists = (&self.agents, &self.keys, &self.hooks, &self.queues);
        digest_of((lists, &self.names))
    }

    fn append(&mut self, mut other: IndexRows) {
        self.agents.append(&mut other.agents);
        self.keys.append(&mut other.keys);
        self.hooks.append(&mut other.hooks);
        self.queues.append(&mut other.queues);
        self.names.append(&mut other.names);
    }

    fn add(&mut self, tenant: &TenantId, record: &Interaction) {
        let id = record.interaction_id.as_str();
        for allocation in &record.agents {
            self.agents.push(vec![
                text(tenant.as_str()),
                text(allocation.agent_id.as_str()),
                Param::Int(allocation.start_timestamp.millis()),
                text(id),
                text(allocation.interaction_agent_id.as_str()),
                opt_int(allocation.end_timestamp.map(|t| t.millis())),
            ]);
        }
        for (kind, value) in record.caller_keys.entries() {
            self.keys.push(vec![
                text(tenant.as_str()),
                text(kind.as_str()),
                text(value),
                text(id),
            ]);
        }
        for (n, hook) in record.hooks.iter().enumerate() {
            self.hooks.push(vec![
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
        for queue in &record.queues {
            if let (Some(id), Some(name)) = (&queue.queue_id, &queue.queue_name) {
                self.names.insert(id.clone(), name.clone());
            }
        }
        let queue_ids: BTreeSet<&str> = record
            .queues
            .iter()
            .filter_map(|q| q.queue_id.as_deref())
            .collect();
        self.queues.extend(
            queue_ids
                .into_iter()
                .map(|queue| vec![text(tenant.as_str()), text(id), text(queue)]),
        );
    }
}

/// Rewrites the rows lists and lookups join on (agents, caller keys, queues and hooks) of
/// the interactions `ids`, whose rows are now `rows`, and keeps the queues' names.
async fn write_index_rows(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    ids: Vec<Param>,
    rows: IndexRows,
) -> Result<(), StoreError> {
    for table in INDEX_TABLES {
        let head = format!("DELETE FROM {table} WHERE tenant_id = ? AND interaction_id IN");
        for sql in in_lists(backend, &head, &[text(tenant.as_str())], ids.clone(), "") {
            tx.execute(&sql).await?;
        }
    }
    let inserts = [
        ("INSERT INTO interaction_agents (tenant_id, agent_id, start_ms, interaction_id, interaction_agent_id, end_ms)", "(?, ?, ?, ?, ?, ?)", rows.agents),
        ("INSERT INTO caller_keys (tenant_id, kind, value, interaction_id)", "(?, ?, ?, ?)", rows.keys),
        ("INSERT INTO interaction_hooks (tenant_id, interaction_id, interaction_hook_id, hook_type, hook_sub_type, hook_id, hook_name)", "(?, ?, ?, ?, ?, ?, ?)", rows.hooks),
        ("INSERT INTO interaction_queues (tenant_id, interaction_id, queue_id)", "(?, ?, ?)", rows.queues),
    ];
    for (head, row, rows) in inserts {
        for sql in values_statements(backend, head, row, rows, "ON CONFLICT DO NOTHING") {
            tx.execute(&sql).await?;
        }
    }
    queue_names::write(tx, backend, tenant, rows.names).await
}
