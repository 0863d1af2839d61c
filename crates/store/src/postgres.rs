//! Opening the PostgreSQL store: one pool per server, many servers per database.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;

use crate::sql::{Backend, SqlStore};
use crate::StoreError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

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
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10) }
    }
}

/// Connects to `url` (`postgres://...`) and brings the schema up to date. Migrations take a
/// database-wide advisory lock, so servers starting together migrate once.
pub async fn open(url: &str, settings: &PoolSettings) -> Result<SqlStore, StoreError> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout)
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(SqlStore::new(Backend::Postgres, pool.clone(), pool))
}
