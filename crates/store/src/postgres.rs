//! Opening the PostgreSQL store: one pool per server, many servers per database.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{Connection, Executor, PgConnection};

use crate::sql::{Backend, SqlStore};
use crate::StoreError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The newest migration this build holds.
pub(crate) fn newest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default()
}

/// Pool settings; see docs/deploy.md for sizing them across several servers.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    /// Connections this server may hold. Across N servers, N × this must stay under the
    /// database's `max_connections` (minus what admin tools need).
    pub max_connections: u32,
    /// How long a request waits for a free connection before failing with 503.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Connects to `url` (`postgres://...`) and brings the schema up to date. Migrations take a
/// database-wide advisory lock, so servers starting together migrate once.
pub async fn open(url: &str, settings: &PoolSettings) -> Result<SqlStore, StoreError> {
    sqlx::any::install_default_drivers();
    // No ping before each use (it would double the round trips of a point lookup): a
    // connection the database dropped fails its next query, which answers 503, and is
    // then discarded; connections are also recycled after `max_lifetime`.
    let pool = AnyPoolOptions::new()
        .max_connections(settings.max_connections)
        .test_before_acquire(false)
        .acquire_timeout(settings.acquire_timeout)
        // A connection keeps the buffers its largest statement and result grew (a group
        // commit's multi-row inserts, a page of records), for its whole life. Each gives
        // back what is beyond its default size (8 KiB) when it returns to the pool; after
        // the usual small statement there is nothing to give back.
        .after_release(|connection, _| {
            Box::pin(async move {
                connection.shrink_buffers();
                Ok(true)
            })
        })
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    let store = SqlStore::new(Backend::Postgres, pool.clone(), pool, None, None);
    store.listen_for_commits(url);
    Ok(store)
}

/// A schema of its own inside a PostgreSQL database, which a store reaches through
/// `search_path`: for tests and benchmarks that must neither touch nor see anything else
/// in the database. [`ScratchSchema::drop`] removes it and everything in it.
pub struct ScratchSchema {
    name: String,
    base: String,
    /// A database URL whose connections work inside the schema.
    pub url: String,
}

impl ScratchSchema {
    /// Creates schema `name` (letters, digits and `_` only) in the database at `base`.
    pub async fn create(base: &str, name: &str) -> Result<Self, StoreError> {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::Config(format!(
                "{name:?} is not a plain schema name"
            )));
        }
        let mut conn = PgConnection::connect(base).await?;
        conn.execute(format!("CREATE SCHEMA {name}").as_str())
            .await?;
        let separator = if base.contains('?') { '&' } else { '?' };
        // Named after the schema, so `drop` can end connections a stopped test left open.
        let url =
            format!("{base}{separator}options=-c%20search_path%3D{name}&application_name={name}");
        Ok(Self {
            name: name.into(),
            base: base.into(),
            url,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Ends the schema's connections that are still open (a server stopped without closing
    /// its pool may hold a transaction, and its locks), then drops the schema.
    pub async fn drop(self) -> Result<(), StoreError> {
        let mut conn = PgConnection::connect(&self.base).await?;
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&self.name)
        .execute(&mut conn)
        .await?;
        conn.execute(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name).as_str())
            .await?;
        Ok(())
    }
}
