//! The change feed behind the live stream. Every transaction that rewrites records adds a
//! `changes` row per interaction, numbered by the tenant's commit sequence: the
//! `change_heads` row is bumped in the same transaction (its row lock is held to the
//! commit), so numbers are given in commit order without gaps, across every server of a
//! PostgreSQL deployment. After a commit the store says which tenants changed: in this
//! process through a broadcast channel, and on PostgreSQL to every server through
//! `NOTIFY interlog_changes` (delivered at commit), which a listener task forwards to the
//! same channel. Readers then read the rows after the last number they saw.

use std::time::Duration;

use async_trait::async_trait;
use interlog_core::{InteractionId, TenantId};
use sqlx::Row;
use tokio::sync::broadcast;

use super::exec::Exec;
use super::rows::stored_id;
use super::statement::{text, values_statements, Param, Sql};
use super::write::Writer;
use super::{Backend, SqlStore};
use crate::{ChangeBounds, ChangeEntry, ChangeFeed, StoreError};

/// The PostgreSQL notification channel.
const CHANNEL: &str = "interlog_changes";

/// Tenants whose changes committed, waiting for readers (a reader that falls behind reads
/// the table anyway).
pub(super) const COMMITS: usize = 1024;

impl Writer {
    /// Numbers the changes of `ids` in the tenant's sequence and records them; the first
    /// number (the others follow in `ids`' order).
    pub(super) async fn record_changes(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        ids: &[&InteractionId],
    ) -> Result<i64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        // Delivered at the commit wherever it is sent: sent before the head is taken, which
        // is held to the commit.
        if self.backend == Backend::Postgres {
            let notify = Sql::with(
                self.backend,
                "SELECT pg_notify(?, ?)",
                [text(CHANNEL), text(tenant.as_str())],
            );
            tx.execute(&notify).await?;
        }
        let count = ids.len() as i64;
        let sql = Sql::with(
            self.backend,
            "INSERT INTO change_heads (tenant_id, seq) VALUES (?, ?) ON CONFLICT (tenant_id) \
             DO UPDATE SET seq = change_heads.seq + excluded.seq RETURNING seq",
            [text(tenant.as_str()), Param::Int(count)],
        );
        let head: Vec<(i64,)> = tx.rows(&sql).await?;
        let Some(&(head,)) = head.first() else {
            return Err(StoreError::Corrupt("no change head was returned".into()));
        };
        let at = crate::now_ms();
        let rows = (ids.iter().enumerate())
            .map(|(n, id)| {
                let seq = head - count + 1 + n as i64;
                vec![
                    text(tenant.as_str()),
                    Param::Int(seq),
                    text(id.as_str()),
                    Param::Int(at),
                ]
            })
            .collect();
        let head_sql = "INSERT INTO changes (tenant_id, seq, interaction_id, at_ms)";
        for sql in values_statements(self.backend, head_sql, "(?, ?, ?, ?)", rows, "") {
            tx.execute(&sql).await?;
        }
        Ok(head - count + 1)
    }

    /// Says that these tenants' changes committed (to this process's readers).
    pub(super) fn committed<'a>(&self, tenants: impl IntoIterator<Item = &'a TenantId>) {
        for tenant in tenants {
            let _ = self.commits.send(tenant.clone()); // no reader is fine
        }
    }
}

impl SqlStore {
    /// Forwards other servers' commits (PostgreSQL notifications) to this store's readers,
    /// until the store is dropped. A lost connection is made again; what was committed
    /// meanwhile is read by the readers' periodic look.
    pub(crate) fn listen_for_commits(&self, url: &str) {
        let commits = self.writes.commits.downgrade();
        let url = url.to_string();
        tokio::spawn(async move {
            let mut listener = loop {
                match connect_listener(&url).await {
                    Ok(listener) => break listener,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for other servers' commits yet")
                    }
                }
                if commits.upgrade().is_none() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            };
            loop {
                let received = tokio::time::timeout(Duration::from_secs(5), listener.recv()).await;
                let Some(commits) = commits.upgrade() else {
                    return;
                };
                match received {
                    Ok(Ok(note)) => {
                        if let Ok(tenant) = TenantId::parse(note.payload()) {
                            let _ = commits.send(tenant);
                        }
                    }
                    Ok(Err(error)) => {
                        // sqlx tried to connect again and could not: wait before the next try.
                        tracing::warn!(%error, "listening for commits");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    Err(_) => {} // quiet: look whether the store is still there
                }
            }
        });
    }
}

async fn connect_listener(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

#[async_trait]
impl ChangeFeed for SqlStore {
    async fn changes_after(
        &self,
        tenant: &TenantId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<ChangeEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.seq, c.interaction_id, c.at_ms, i.record FROM changes c \
             LEFT JOIN interactions i \
               ON i.tenant_id = c.tenant_id AND i.interaction_id = c.interaction_id \
             WHERE c.tenant_id = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3",
        )
        .bind(tenant.as_str())
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ChangeEntry {
                    seq: row.try_get(0)?,
                    interaction_id: stored_id(row.try_get(1)?)?,
                    at_ms: row.try_get(2)?,
                    record: row.try_get(3)?,
                })
            })
            .collect()
    }

    async fn change_bounds(&self, tenant: &TenantId) -> Result<ChangeBounds, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT seq FROM change_heads WHERE tenant_id = $1), \
                    (SELECT MIN(seq) FROM changes WHERE tenant_id = $1)",
        )
        .bind(tenant.as_str())
        .fetch_one(&self.reader)
        .await?;
        let newest: Option<i64> = row.try_get(0)?;
        let oldest: Option<i64> = row.try_get(1)?;
        let newest = newest.unwrap_or(0);
        Ok(ChangeBounds {
            newest,
            oldest_kept: oldest.unwrap_or(newest + 1),
        })
    }

    async fn sweep_changes(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM changes WHERE at_ms < $1")
            .bind(before_ms)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    fn commits(&self) -> broadcast::Receiver<TenantId> {
        self.writes.commits.subscribe()
    }
}
