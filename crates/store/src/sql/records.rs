//! Rewriting projected records: the `interactions` rows, their transcripts and search parts, the
//! index rows lists and lookups join on (agents, caller keys, queues, hooks), and their
//! contributions to the report rollups. Each is one statement per table for the whole batch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use interlog_core::report::{Change, Contribution};
use interlog_core::{Interaction, TenantId};
use sqlx::Row;

use super::queue_names;
use super::rollups::{self, Terms};
use super::search::{self, Parts};
use super::statement::{in_lists, opt_int, opt_text, text, values_statements, Param};
use super::transcript::{self, Rewrite};
use super::write::{Touched, Tx, Writer};
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
    /// documents and their index rows; the records written (each without its transcript),
    /// in `touched`'s order.
    pub(super) async fn write_records(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        terms: Terms,
        touched: &mut [Touched],
    ) -> Result<Vec<Interaction>, StoreError> {
        if touched.is_empty() {
            return Ok(Vec::new());
        }
        let postgres = self.backend == Backend::Postgres;
        let updated = now_ms();
        let records: Vec<Interaction> =
            touched.iter_mut().map(|t| t.projection.summary()).collect();
        // Each record's contribution to the rollups replaces the one stored with it.
        let mut change = Change::default();
        let mut rows = Vec::with_capacity(records.len());
        for (record, t) in records.iter().zip(touched.iter()) {
            let contribution = Contribution::of(record, terms.thresholds);
            change.replace(t.id.as_str(), t.contributed.as_ref(), &contribution);
            let report = contribution.encode();
            rows.push(record_row(
                tenant,
                record,
                t.projection.len(),
                updated,
                report,
            )?);
        }
        let (head, row, tail) = upsert_record_sql(postgres);
        // RETURNING's order is not the rows' order: rowids are matched by interaction id.
        let mut rowids = HashMap::new();
        for sql in values_statements(self.backend, &head, &row, rows, &tail) {
            for row in sql.fetch_all(&mut **tx).await? {
                if !postgres {
                    rowids.insert(row.try_get::<String, _>(1)?, row.try_get::<i64, _>(0)?);
                }
            }
        }
        // Index rows and the search head are written only where they changed (most events
        // of a conversation are messages, which change neither).
        let mut changed = Vec::with_capacity(records.len());
        let (mut index_ids, mut index_rows) = (Vec::new(), IndexRows::default());
        for (record, t) in records.iter().zip(touched.iter_mut()) {
            let head = record.search_head();
            let mut own = IndexRows::default();
            own.add(tenant, record);
            t.digest = own.digest(&head);
            let same = matches!(t.rewrite, Rewrite::From { .. }) && t.previous == Some(t.digest);
            if !same {
                index_ids.push(text(t.id.as_str()));
                index_rows.append(own);
            }
            changed.push((!same).then_some(head));
        }
        let parts: Vec<Parts> = (touched.iter().zip(&changed))
            .map(|(t, head)| Parts {
                touched: t,
                owner: rowids.get(t.id.as_str()).copied().unwrap_or_default(),
                head: head.as_deref(),
            })
            .collect();
        search::write(tx, self.backend, tenant, &parts).await?;
        transcript::write(tx, self.backend, tenant, touched).await?;
        write_index_rows(tx, self.backend, tenant, index_ids, index_rows).await?;
        rollups::write(tx, self.backend, tenant, terms.day_zone, change).await?;
        Ok(records)
    }
}

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
fn upsert_record_sql(postgres: bool) -> (String, String, String) {
    let returning = if postgres {
        ""
    } else {
        " RETURNING rowid, interaction_id"
    };
    let head = "INSERT INTO interactions (tenant_id, interaction_id, start_ms, end_ms, status, channel_type,
                                   direction, customer_id, flagged, updated_ms, record, contact_id, log_len, report)"
        .to_string();
    let tail = format!(
        "ON CONFLICT (tenant_id, interaction_id) DO UPDATE SET
             start_ms = excluded.start_ms, end_ms = excluded.end_ms, status = excluded.status,
             channel_type = excluded.channel_type, direction = excluded.direction,
             customer_id = excluded.customer_id, flagged = excluded.flagged,
             updated_ms = excluded.updated_ms, record = excluded.record, contact_id = excluded.contact_id,
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

impl IndexRows {
    /// A digest of these rows and a record's search head: what a record writes besides
    /// itself and its transcript.
    fn digest(&self, head: &str) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        let lists = (&self.agents, &self.keys, &self.hooks, &self.queues);
        (lists, &self.names, head).hash(&mut hasher);
        hasher.finish()
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
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
    ids: Vec<Param>,
    rows: IndexRows,
) -> Result<(), StoreError> {
    for table in INDEX_TABLES {
        let head = format!("DELETE FROM {table} WHERE tenant_id = ? AND interaction_id IN");
        for sql in in_lists(backend, &head, &[text(tenant.as_str())], ids.clone(), "") {
            sql.query().execute(&mut **tx).await?;
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
            sql.query().execute(&mut **tx).await?;
        }
    }
    queue_names::write(tx, backend, tenant, rows.names).await
}
