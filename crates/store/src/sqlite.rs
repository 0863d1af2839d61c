//! Opening the embedded SQLite store: one file, WAL mode, `synchronous = FULL` so that a
//! committed (acknowledged) event survives a power cut; a one-connection pool for writes
//! and a read-only pool for reads (WAL lets readers run beside the writer).

use std::path::Path;
use std::sync::Arc;

use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

use crate::sql::{committer_connection, Backend, Points, SqlStore};
use crate::StoreError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The newest migration this build holds.
pub(crate) fn newest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default()
}

/// `secure_delete`: deleted content is overwritten with zeros, so an erased customer's bytes
/// do not linger in free space. `temp_store = MEMORY`: a statement that writes many rows
/// inside a transaction (a group commit's multi-row inserts) keeps the pages it may have to
/// undo in memory, not in a temporary file created, written and deleted for each group.
const PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                       PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON; \
                       PRAGMA temp_store = MEMORY;";

/// Opens (creating if needed) the database file at `path` and brings its schema up to date.
pub async fn open(path: &Path) -> Result<SqlStore, StoreError> {
    sqlx::any::install_default_drivers();
    let path = path
        .to_str()
        .ok_or_else(|| StoreError::Config("the data directory path is not UTF-8".into()))?;
    // No ping before each use: a local file's connection does not drop, and the ping is a
    // round trip to the connection's thread on every query.
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { conn.execute(PRAGMAS).await.map(drop) }))
        .connect(&format!("sqlite://{path}?mode=rwc"))
        .await?;
    MIGRATOR.run(&writer).await?;
    let reader = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move { conn.execute("PRAGMA busy_timeout = 10000;").await.map(drop) })
        })
        .connect(&format!("sqlite://{path}?mode=ro"))
        .await?;
    let points = Points::open(Path::new(path))?;
    let committing = committer_connection(Path::new(path))?;
    Ok(SqlStore::new(
        Backend::Sqlite,
        writer,
        reader,
        Some(Arc::new(points)),
        Some(committing),
    ))
}
