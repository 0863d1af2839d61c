//! Operations: liveness and readiness of the database, its pools, its size, and the
//! planner's statistics.

use async_trait::async_trait;

use super::{Backend, SqlStore};
use crate::{Operations, PoolStats, StoreError};

#[async_trait]
impl Operations for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    fn pools(&self) -> Vec<PoolStats> {
        [("writer", &self.writer), ("reader", &self.reader)]
            .into_iter()
            .map(|(name, pool)| PoolStats {
                name,
                size: pool.size(),
                idle: pool.num_idle() as u32,
            })
            .collect()
    }

    async fn ready(&self) -> Result<(), StoreError> {
        let newest = match self.backend {
            Backend::Sqlite => crate::sqlite::newest_migration(),
            Backend::Postgres => crate::postgres::newest_migration(),
        };
        let applied: Option<i64> = sqlx::query_scalar(crate::NEWEST_APPLIED_MIGRATION)
            .fetch_one(&self.reader)
            .await?;
        match applied {
            Some(applied) if applied >= newest => Ok(()),
            applied => Err(StoreError::Config(format!(
                "the database schema is at migration {}, this build needs {newest}: run \
                 `interlog migrate`",
                applied.unwrap_or(0)
            ))),
        }
    }

    async fn size_bytes(&self) -> Result<u64, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            }
            // Tables with their indexes and TOAST, in the schema the store works in.
            Backend::Postgres => {
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')"
            }
        };
        let (bytes,): (i64,) = sqlx::query_as(sql).fetch_one(&self.reader).await?;
        Ok(bytes.max(0) as u64)
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            // The search index's pending list (new entries not yet merged, which every
            // search scans: 4 ms for a word nobody said after 100k interactions, 1 ms after)
            // is merged as VACUUM would, without the rest of VACUUM's work.
            sqlx::query("SELECT gin_clean_pending_list('search_parts_search'::regclass)")
                .execute(&self.writer)
                .await?;
            sqlx::query("ANALYZE").execute(&self.writer).await?;
        }
        Ok(())
    }
}
