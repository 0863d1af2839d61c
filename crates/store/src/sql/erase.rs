//! Erasing interactions with everything derived from them: events, record, transcript rows,
//! search parts, index rows, content bytes, queued webhook deliveries, the DNIS allocations
//! that name them, and their
//! contributions to the report rollups (subtracted, and the answered waits kept for them
//! forgotten). Their kept projections leave memory once the erasure commits.

use std::collections::BTreeSet;

use interlog_core::report::{Change, Contribution};
use interlog_core::{InteractionId, TenantId};

use super::exec::Exec;
use super::known::Contributed;
use super::rollups;
use super::statement::{in_lists, text, Param};
use super::write::{Tx, Writer};
use super::{search, Backend};
use crate::StoreError;

/// The tables keyed by interaction that go with it, the `interactions` row last.
const TABLES: [&str; 10] = [
    "events",
    "changes",
    "webhook_deliveries",
    "interaction_messages",
    "interaction_agents",
    "caller_keys",
    "interaction_queues",
    "interaction_hooks",
    "contents",
    "interactions",
];

/// What an erasure removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Erased {
    pub(super) interactions: u64,
    pub(super) events: u64,
}

impl Writer {
    /// Erases `ids` inside `tx` (the caller commits, then calls [`Writer::forget`]).
    pub(super) async fn erase_in(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        ids: &BTreeSet<&InteractionId>,
    ) -> Result<Erased, StoreError> {
        if ids.is_empty() {
            return Ok(Erased::default());
        }
        let mut exec = Exec::Sqlx(tx);
        self.lock_interactions(&mut exec, tenant, ids).await?;
        let known = self
            .known_interactions(&mut exec, tenant, ids.iter())
            .await?;
        let mut change = Change::default();
        let nothing = Contribution::default();
        for (id, record) in &known {
            let before = record.contributed.as_ref().map(Contributed::decode);
            change.replace(id, before.transpose()?.as_ref(), &nothing);
        }
        // The pending changes go first: one of them may keep an answer this forgets.
        rollups::fold_in(tx, self.backend, tenant).await?;
        let day_zone = rollups::read_zone(&mut **tx, tenant).await?;
        rollups::write(&mut Exec::Sqlx(tx), self.backend, tenant, day_zone, change).await?;
        search::erase(tx, self.backend, tenant, ids).await?;
        let keys: Vec<Param> = ids.iter().map(|id| text(id.as_str())).collect();
        let mut erased = Erased {
            interactions: known.len() as u64,
            events: 0,
        };
        for table in TABLES {
            let head = format!("DELETE FROM {table} WHERE tenant_id = ? AND interaction_id IN");
            let deleted = self.execute_in(tx, tenant, &head, &keys).await?;
            if table == "events" {
                erased.events = deleted;
            }
        }
        let head = "UPDATE dnis_phones SET interaction_id = NULL, allocated_ms = NULL \
                    WHERE tenant_id = ? AND interaction_id IN";
        self.execute_in(tx, tenant, head, &keys).await?;
        Ok(erased)
    }

    /// Runs `head` with an `IN` list of `keys` after the tenant, in as many statements as
    /// the parameter limit needs; how many rows they changed.
    async fn execute_in(
        &self,
        tx: &mut Tx<'_>,
        tenant: &TenantId,
        head: &str,
        keys: &[Param],
    ) -> Result<u64, StoreError> {
        let mut changed = 0;
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            keys.to_vec(),
            "",
        ) {
            changed += sql.query().execute(&mut **tx).await?.rows_affected();
        }
        Ok(changed)
    }
}

/// The statements that make an erasure's bytes leave the database files: SQLite copies
/// the write-ahead log into the database (whose freed space `secure_delete` zeroes) and
/// empties it; PostgreSQL's `VACUUM` of the tables marks the dead rows' space for reuse
/// (see the README's "Data lifecycle" for what else holds them).
pub(super) fn scrub_sql(backend: Backend) -> Vec<String> {
    match backend {
        Backend::Sqlite => vec!["PRAGMA wal_checkpoint(TRUNCATE)".into()],
        Backend::Postgres => {
            (TABLES
                .iter()
                .chain(&["search_parts", "report_answers", "report_pending"]))
            .map(|table| format!("VACUUM {table}"))
            .collect()
        }
    }
}
