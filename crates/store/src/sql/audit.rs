//! The audit trail's rows: appended in batches by the server's audit writer, read newest
//! first by keyset on the row id, swept after the retention period.

use async_trait::async_trait;

use super::statement::{opt_text, text, values_statements, Param};
use super::SqlStore;
use crate::{Audit, AuditEntry, AuditQuery, StoreError};

const COLUMNS: &str = "tenant_id, at_ms, request_id, principal, action, status, interaction_id, \
                       query_hash, client, user_agent";

type Row = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[async_trait]
impl Audit for SqlStore {
    async fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError> {
        // One statement per chunk of rows: a statement per row cost a third of a busy
        // server's reads on SQLite. Plain `?` placeholders there: SQLite looks a named
        // one up by a linear search, which made binding 2,000 of them a fifth of the CPU
        // of a server busy with reads.
        let rows = entries
            .iter()
            .map(|e| {
                vec![
                    text(e.tenant.as_str()),
                    Param::Int(e.at_ms),
                    text(e.request_id.as_str()),
                    text(e.principal.as_str()),
                    text(e.action.as_str()),
                    Param::Int(i64::from(e.status)),
                    opt_text(e.interaction.as_deref()),
                    opt_text(e.query_hash.as_deref()),
                    opt_text(e.client.as_deref()),
                    opt_text(e.user_agent.as_deref()),
                ]
            })
            .collect();
        let head = format!("INSERT INTO audit_log ({COLUMNS})");
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        let mut tx = self.writer.begin().await?;
        for sql in values_statements(self.backend, &head, row, rows, "") {
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn audit_entries(
        &self,
        tenant: &str,
        query: &AuditQuery,
    ) -> Result<(Vec<AuditEntry>, Option<i64>), StoreError> {
        // Optional filters as `$n IS NULL OR column = $n`: one statement, on the index.
        let sql = format!(
            "SELECT id, {COLUMNS} FROM audit_log WHERE tenant_id = $1 AND id < $2
             AND at_ms >= $3 AND at_ms < $4
             AND ($5 IS NULL OR principal = $5) AND ($6 IS NULL OR interaction_id = $6)
             AND ($7 IS NULL OR action = $7)
             ORDER BY id DESC LIMIT $8"
        );
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(tenant)
            .bind(query.before_id.unwrap_or(i64::MAX))
            .bind(query.from_ms.unwrap_or(i64::MIN))
            .bind(query.to_ms.unwrap_or(i64::MAX))
            .bind(&query.principal)
            .bind(&query.interaction)
            .bind(&query.action)
            .bind(i64::from(query.limit) + 1)
            .fetch_all(&self.reader)
            .await?;
        let more = rows.len() > query.limit as usize;
        let mut entries: Vec<(i64, AuditEntry)> = rows.into_iter().map(entry).collect();
        entries.truncate(query.limit as usize);
        let next = more.then(|| entries.last().map(|(id, _)| *id)).flatten();
        Ok((entries.into_iter().map(|(_, e)| e).collect(), next))
    }

    async fn sweep_audit(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM audit_log WHERE at_ms < $1")
            .bind(before_ms)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }
}

fn entry(row: Row) -> (i64, AuditEntry) {
    let (
        id,
        tenant,
        at_ms,
        request_id,
        principal,
        action,
        status,
        interaction,
        query_hash,
        client,
        user_agent,
    ) = row;
    (
        id,
        AuditEntry {
            tenant,
            at_ms,
            request_id,
            principal,
            action,
            status: u16::try_from(status).unwrap_or_default(),
            interaction,
            query_hash,
            client,
            user_agent,
        },
    )
}
