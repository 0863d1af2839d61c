//! Rollup changes waiting to be folded in. A write's transaction appends its change (the
//! quarter-hour deltas, the answers kept and forgotten, the stale longest waits) to
//! `report_pending` as one row, so appends never share a rollup row: on SQLite the single
//! writer does one insert rather than an upsert per row at three levels, and PostgreSQL's
//! writers no longer queue on the busiest rows. A folder (one task per store) takes each
//! tenant's pending rows about every second and applies them together in one transaction,
//! where a quarter hour's many changes become one upsert per row; it deletes what it folded
//! in that transaction. Reports read the rollups and the pending rows in one snapshot, so
//! they are exact whether or not a change is folded yet (`read.rs`); a pending change that
//! may shrink a longest answered wait is folded before a report reads it.

use std::time::Duration;

use interlog_core::report::Change;
use interlog_core::TenantId;
use rusqlite::Connection;
use sqlx::AnyPool;
use tokio::sync::oneshot;

use super::super::exec::{spawn_writer, Exec, Open};
use super::super::statement::{in_lists, text, Param, Sql};
use super::super::write::Tx;
use super::super::Backend;
use super::read_zone;
use crate::StoreError;

/// How long pending changes wait for the folder at most, about.
const FOLD_EVERY: Duration = Duration::from_secs(1);
/// Pending rows folded per transaction.
const FOLD_ROWS: i64 = 32;

/// A write's rollup change as its pending row keeps it.
pub(in crate::sql) struct Pending {
    stale: bool,
    text: String,
}

impl Pending {
    /// The pending row of `change` (none when it changes nothing).
    pub(in crate::sql) fn of(change: &Change) -> Option<Pending> {
        (!change.is_empty()).then(|| Pending {
            stale: !change.stale.is_empty(),
            text: change.encode(),
        })
    }
}

/// Appends a write's rollup change to the pending rows.
pub(in crate::sql) async fn defer(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    pending: Option<Pending>,
) -> Result<(), StoreError> {
    let Some(pending) = pending else {
        return Ok(());
    };
    let sql = Sql::with(
        backend,
        "INSERT INTO report_pending (tenant_id, stale, change) VALUES (?, ?, ?)",
        [
            text(tenant.as_str()),
            Param::Int(i64::from(pending.stale)),
            text(pending.text),
        ],
    );
    tx.execute(&sql).await?;
    Ok(())
}

/// A tenant's pending changes as one, in the order they were written, and whether any of
/// them makes a longest answered wait stale.
pub(in crate::sql) async fn read(
    tx: &mut Tx<'_>,
    tenant: &TenantId,
) -> Result<(Change, bool), StoreError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT stale, change FROM report_pending WHERE tenant_id = $1 ORDER BY id")
            .bind(tenant.as_str())
            .fetch_all(&mut **tx)
            .await?;
    let stale = rows.iter().any(|(stale, _)| *stale != 0);
    Ok((merged(rows.into_iter().map(|(_, change)| change))?, stale))
}

/// Changes' texts, in order, as one change.
fn merged(changes: impl Iterator<Item = String>) -> Result<Change, StoreError> {
    let mut merged = Change::default();
    for text in changes {
        let change = Change::decode(&text)
            .map_err(|e| StoreError::Corrupt(format!("pending report change: {e}")))?;
        merged.absorb(change);
    }
    Ok(merged)
}

/// Folds every pending change of `tenant` into the rollups inside `tx` (an erasure's,
/// which must not leave one behind), [`FOLD_ROWS`] at a time.
pub(in crate::sql) async fn fold_in(
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
) -> Result<(), StoreError> {
    lock(&mut Exec::Sqlx(tx), backend, tenant).await?;
    let day_zone = read_zone(&mut **tx, tenant).await?;
    loop {
        let mut rows: Vec<(i64, String)> = sqlx::query_as(
            "DELETE FROM report_pending WHERE id IN (SELECT id FROM report_pending
             WHERE tenant_id = $1 ORDER BY id LIMIT $2) RETURNING id, change",
        )
        .bind(tenant.as_str())
        .bind(FOLD_ROWS)
        .fetch_all(&mut **tx)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let last = rows.len() < FOLD_ROWS as usize;
        rows.sort_unstable_by_key(|(id, _)| *id);
        let change = merged(rows.into_iter().map(|(_, change)| change))?;
        super::write(&mut Exec::Sqlx(tx), backend, tenant, day_zone, change).await?;
        if last {
            return Ok(());
        }
    }
}

/// On PostgreSQL, a transaction-scoped advisory lock per tenant: two folders (several
/// servers, or an erasure) never apply one tenant's changes side by side.
pub(super) async fn lock(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        // Seed 1: never the hash of an interaction's lock key (`write.rs`, seed 0).
        let sql = "SELECT pg_advisory_xact_lock(hashtextextended(?, 1))::text";
        let _: Vec<(String,)> = tx
            .rows(&Sql::with(backend, sql, [text(tenant.as_str())]))
            .await?;
    }
    Ok(())
}

/// Folds every tenant's pending changes, a tenant at a time. How many waited is the
/// `interlog_report_pending_changes` gauge (a folder falling behind shows there).
pub(in crate::sql) async fn fold_all(
    backend: Backend,
    writer: &AnyPool,
    reader: &AnyPool,
    mut lite: Option<&mut Connection>,
) -> Result<(), StoreError> {
    let tenants: Vec<(String, i64)> =
        sqlx::query_as("SELECT tenant_id, COUNT(*) FROM report_pending GROUP BY tenant_id")
            .fetch_all(reader)
            .await?;
    let waiting: i64 = tenants.iter().map(|(_, count)| count).sum();
    metrics::gauge!("interlog_report_pending_changes").set(waiting as f64);
    for (tenant, _) in tenants {
        let tenant = TenantId::parse(&tenant)
            .map_err(|e| StoreError::Corrupt(format!("pending report change's tenant: {e}")))?;
        fold_tenant(backend, writer, reader, lite.as_deref_mut(), &tenant).await?;
    }
    Ok(())
}

/// Folds one tenant's pending changes, [`FOLD_ROWS`] per transaction. They are read and
/// merged before the transaction begins (SQLite's one writer waits for none of that), then
/// claimed and applied in it; if another folder claimed one of them first, this one
/// applies none of them and goes on with the rows after them, so that every change
/// pending when it began is folded when it returns (a report that found a stale one
/// relies on that). On SQLite the transaction runs on `lite`, the folder's own
/// connection, when there is one (as the group committer's do, while holding sqlx's
/// writer: `exec.rs`).
pub(in crate::sql) async fn fold_tenant(
    backend: Backend,
    writer: &AnyPool,
    reader: &AnyPool,
    mut lite: Option<&mut Connection>,
    tenant: &TenantId,
) -> Result<(), StoreError> {
    loop {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, change FROM report_pending WHERE tenant_id = $1 ORDER BY id LIMIT $2",
        )
        .bind(tenant.as_str())
        .bind(FOLD_ROWS)
        .fetch_all(reader)
        .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let full = rows.len() == FOLD_ROWS as usize;
        let ids: Vec<Param> = rows.iter().map(|(id, _)| Param::Int(*id)).collect();
        let change = merged(rows.into_iter().map(|(_, change)| change))?;
        // The zone cannot change while the tenant has pending rows (`settings.rs`), and
        // `reproject` deletes them with the rollups (then these are not claimed).
        let prepared = super::prepare(tenant, read_zone(reader, tenant).await?, change);
        let mut open = Open::begin(writer, lite.as_deref_mut()).await?;
        let tx = &mut open.exec();
        lock(tx, backend, tenant).await?;
        let (count, mut claimed) = (ids.len() as u64, 0);
        let head = "DELETE FROM report_pending WHERE tenant_id = ? AND id IN";
        for sql in in_lists(backend, head, &[text(tenant.as_str())], ids, "") {
            claimed += tx.execute(&sql).await?;
        }
        if claimed == count {
            super::apply(tx, backend, tenant, prepared).await?;
            open.commit().await?;
        }
        // Else another folder applied them first (`open` is rolled back as it goes); it
        // committed before this claim, so when these were the last, none waits now.
        if !full {
            return Ok(());
        }
    }
}

/// The folder: folds pending changes every [`FOLD_EVERY`] until it is dropped.
pub(in crate::sql) struct Folder {
    _stop: oneshot::Sender<()>,
}

impl Folder {
    /// Starts the folder: it looks through `reader` and writes through `writer`, or on
    /// SQLite on `lite`, a connection of its own, on a thread of its own (a fold's
    /// statements then run synchronously, off the runtime that serves requests, as the
    /// group committer's do). Otherwise it is a task on the current Tokio runtime.
    pub(in crate::sql) fn start(
        backend: Backend,
        writer: AnyPool,
        reader: AnyPool,
        lite: Option<Connection>,
    ) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let folding = move || folding(backend, writer, reader, lite, stopped);
        match backend {
            Backend::Sqlite => spawn_writer("interlog-fold", folding),
            Backend::Postgres => drop(tokio::spawn(folding())),
        }
        Self { _stop: stop }
    }
}

/// Folds every [`FOLD_EVERY`] until `stopped` (or the writer closes).
async fn folding(
    backend: Backend,
    writer: AnyPool,
    reader: AnyPool,
    mut lite: Option<Connection>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            () = tokio::time::sleep(FOLD_EVERY) => {}
        }
        if writer.is_closed() {
            return;
        }
        if let Err(error) = fold_all(backend, &writer, &reader, lite.as_mut()).await {
            tracing::warn!(%error, "folding pending report changes failed; will retry");
        }
    }
}
