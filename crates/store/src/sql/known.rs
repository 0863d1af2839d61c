//! What the store knows of the records an append touches before it re-projects them.

use std::collections::HashMap;

use super::exec::Exec;
use super::statement::{in_lists, opt_text, text, Param};
use super::write::{Touched, Writer};
use crate::StoreError;
use interlog_core::record::Status;
use interlog_core::report::Contribution;
use interlog_core::{InteractionId, TenantId};

/// What the store knows of a record before an append: the length of the log it was
/// projected from, what it added to the report rollups, whether it had ended, and the
/// values of its row's indexed columns.
pub(super) struct Known {
    pub(super) log_len: usize,
    pub(super) contributed: Option<Contributed>,
    pub(super) ended: bool,
    pub(super) keys: RowKeys,
}

/// The `interactions` row's columns its indexes hold beside the tenant and the id
/// (`start_ms`, `customer_id`, `contact_id`), as parameters.
pub(super) type RowKeys = [Param; 3];

/// What a stored record contributed to the rollups, as stored: read back where it is
/// needed (on the thread that makes the records' rows, off the writer's path).
pub(super) struct Contributed(String);

impl Contributed {
    pub(super) fn decode(&self) -> Result<Contribution, StoreError> {
        Contribution::decode(&self.0)
            .map_err(|e| StoreError::Corrupt(format!("report contribution: {e}")))
    }
}

impl Known {
    /// Gives each touched interaction what its stored record contributed, and whether it
    /// had ended.
    pub(super) fn attach(mut known: HashMap<String, Known>, touched: &mut [Touched]) {
        for t in touched {
            if let Some(known) = known.remove(t.id.as_str()) {
                t.contributed = known.contributed;
                t.ended_before = known.ended;
                t.stored_keys = Some(known.keys);
            }
        }
    }
}

/// A row of [`Writer::known_interactions`]' statement.
type KnownRow = (
    String,
    i64,
    Option<String>,
    String,
    i64,
    Option<String>,
    Option<String>,
);

impl Writer {
    /// Which of `ids` have a record already, with the length of the log it was projected
    /// from and what it contributed to the rollups.
    pub(super) async fn known_interactions<'a>(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        ids: impl Iterator<Item = &'a &'a InteractionId>,
    ) -> Result<HashMap<String, Known>, StoreError> {
        let mut known = HashMap::new();
        let head =
            "SELECT interaction_id, log_len, report, status, start_ms, customer_id, contact_id \
                    FROM interactions WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            ids.map(|id| text(id.as_str())).collect(),
            "",
        ) {
            let rows: Vec<KnownRow> = tx.rows(&sql).await?;
            for (id, log_len, report, status, start, customer, contact) in rows {
                let contributed = report.map(Contributed);
                known.insert(
                    id,
                    Known {
                        log_len: log_len as usize,
                        contributed,
                        ended: status == Status::Ended.as_str(),
                        keys: [Param::Int(start), opt_text(customer), opt_text(contact)],
                    },
                );
            }
        }
        Ok(known)
    }
}
