//! The transcript kept as rows (`interaction_messages`, one per message in order), apart
//! from the record: a new message of a long conversation writes one row, not the whole
//! transcript again. Reading a whole record joins its rows (`rows.rs`).

use std::collections::HashMap;

use interlog_core::{InteractionId, TenantId};

use super::exec::Exec;
use super::points::Visits;
use super::statement::{in_lists, text, values_statements, Param, Sql};
use super::write::Touched;
use super::{corrupt, Backend, SqlStore};
use crate::StoreError;

/// What an append does to an interaction's transcript rows.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rewrite {
    /// The interaction is new: it has no rows.
    Fresh,
    /// Its rows may be stale (its log was folded again): all of them are written again.
    Whole,
    /// The rows before `from` stand; those from it on are written (added, or replaced
    /// where a message was sent again with its id). `before` messages were stored.
    From { from: usize, before: usize },
}

impl Rewrite {
    /// The first message whose row (and search part) an append writes.
    pub(super) fn first_written(self) -> usize {
        match self {
            Rewrite::Fresh | Rewrite::Whole => 0,
            Rewrite::From { from, .. } => from,
        }
    }
}

/// Writes the touched interactions' changed transcript rows: deletes every row of those
/// written whole, then upserts the rows from each one's first changed place; one
/// statement per kind of step for the whole batch.
pub(super) async fn write(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    touched: &[Touched],
) -> Result<(), StoreError> {
    let whole: Vec<Param> = touched
        .iter()
        .filter(|t| matches!(t.rewrite, Rewrite::Whole))
        .map(|t| text(t.id.as_str()))
        .collect();
    let head = "DELETE FROM interaction_messages WHERE tenant_id = ? AND interaction_id IN";
    for sql in in_lists(backend, head, &[text(tenant.as_str())], whole, "") {
        tx.execute(&sql).await?;
    }
    let mut rows = Vec::new();
    for t in touched {
        let messages = t.projection.messages().iter().enumerate();
        for (place, message) in messages.skip(t.rewrite.first_written()) {
            let json = serde_json::to_string(message).map_err(|e| corrupt("message", e))?;
            rows.push(vec![
                text(tenant.as_str()),
                text(t.id.as_str()),
                Param::Int(place as i64),
                text(json),
            ]);
        }
    }
    for sql in values_statements(
        backend,
        "INSERT INTO interaction_messages (tenant_id, interaction_id, seq, message)",
        "(?, ?, ?, ?)",
        rows,
        "ON CONFLICT (tenant_id, interaction_id, seq) DO UPDATE SET message = excluded.message",
    ) {
        tx.execute(&sql).await?;
    }
    Ok(())
}

impl SqlStore {
    /// The stored parts of one record: without its transcript, and the transcript. One
    /// round trip: the record (at place -1), then its messages in order.
    pub(super) async fn record_parts(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<(String, Vec<String>)>, StoreError> {
        let mut sql = Sql::new(self.backend, "");
        let (tenant, id) = (text(tenant.as_str()), text(id.as_str()));
        sql.push(
            "SELECT -1 AS seq, record FROM interactions WHERE tenant_id = ? AND interaction_id = ? \
             UNION ALL SELECT seq, message FROM interaction_messages \
             WHERE tenant_id = ? AND interaction_id = ? ORDER BY seq",
            [tenant.clone(), id.clone(), tenant, id],
        );
        let rows: Vec<(i64, String)> = self.read_rows(sql, Visits::Returned).await?;
        let mut rows = rows.into_iter();
        match rows.next() {
            Some((-1, record)) => Ok(Some((record, rows.map(|(_, m)| m).collect()))),
            _ => Ok(None),
        }
    }

    /// The transcripts of the interactions `ids` as stored JSON, each in order, keyed by
    /// interaction id (interactions without a transcript are absent).
    pub(super) async fn transcripts_of<'a>(
        &self,
        tenant: &TenantId,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut transcripts: HashMap<String, Vec<String>> = HashMap::new();
        let head = "SELECT interaction_id, message FROM interaction_messages \
                    WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            ids.into_iter().map(text).collect(),
            " ORDER BY interaction_id, seq",
        ) {
            // As many rows as messages returned: what sending them costs.
            let rows: Vec<(String, String)> = self.read_rows(sql, Visits::Returned).await?;
            for (id, message) in rows {
                transcripts.entry(id).or_default().push(message);
            }
        }
        Ok(transcripts)
    }
}
