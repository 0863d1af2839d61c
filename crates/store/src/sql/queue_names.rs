//! Queue names (migration 0021): the latest name each queue was given, by id, kept beside
//! the index rows of the records that name it. A batch reads the names it holds first and
//! writes only those that differ, so the rows of busy queues are not locked by every
//! write (PostgreSQL locks a row that `ON CONFLICT DO UPDATE` meets, changed or not).

use std::collections::{BTreeMap, HashMap};

use interlog_core::TenantId;
use sqlx::Row;

use super::exec::Exec;
use super::statement::{in_lists, text, values_statements, Param, Sql};
use super::{Backend, SqlStore};
use crate::StoreError;

/// The statements reading the kept names (`queue_id`, `queue_name`) of `ids`.
fn lookups(backend: Backend, tenant: &TenantId, ids: Vec<Param>) -> Vec<Sql> {
    let head = "SELECT queue_id, queue_name FROM queue_names WHERE tenant_id = ? AND queue_id IN";
    in_lists(backend, head, &[text(tenant.as_str())], ids, "")
}

/// Keeps `names` (queue id → name) for the tenant, writing only the changed ones.
pub(super) async fn write(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    mut names: BTreeMap<String, String>,
) -> Result<(), StoreError> {
    if names.is_empty() {
        return Ok(());
    }
    for sql in lookups(backend, tenant, names.keys().map(text).collect()) {
        let rows: Vec<(String, String)> = tx.rows(&sql).await?;
        for (id, name) in rows {
            if names.get(&id) == Some(&name) {
                names.remove(&id);
            }
        }
    }
    let rows = (names.into_iter())
        .map(|(id, name)| vec![text(tenant.as_str()), text(id), text(name)])
        .collect();
    let head = "INSERT INTO queue_names (tenant_id, queue_id, queue_name)";
    let tail = "ON CONFLICT (tenant_id, queue_id) DO UPDATE SET queue_name = excluded.queue_name";
    for sql in values_statements(backend, head, "(?, ?, ?)", rows, tail) {
        tx.execute(&sql).await?;
    }
    Ok(())
}

impl SqlStore {
    /// [`crate::Reports::queue_names`].
    pub(super) async fn read_queue_names(
        &self,
        tenant: &TenantId,
        ids: &[&str],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut names = HashMap::new();
        let ids = ids.iter().map(|id| text(*id)).collect();
        for sql in lookups(self.backend, tenant, ids) {
            for row in sql.fetch_all(&self.reader).await? {
                names.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        Ok(names)
    }
}
