//! Opening the embedded SQLite store: one file, WAL mode, `synchronous = FULL` so that a
//! committed (acknowledged) event survives a power cut; a one-connection pool for writes
//! and a read-only pool for reads (WAL lets readers run beside the writer).

use std::path::Path;
use std::sync::Arc;

use rusqlite::OpenFlags;
use sqlx::any::AnyPoolOptions;
use sqlx::Executor;

use crate::checkpoint::{self, Wake};
use crate::sql::{Backend, Lites, Points, SqlStore};
use crate::StoreError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The newest migration this build holds.
pub(crate) fn newest_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or_default()
}

/// The settings of both writing connections (sqlx's writer, and the group committer's:
/// [`writer_connection`]). `secure_delete`: deleted content is overwritten with zeros,
/// so an erased customer's bytes do not linger in free space. `temp_store = MEMORY`: a
/// statement that writes many rows inside a transaction (a group commit's multi-row
/// inserts) keeps the pages it may have to undo in memory, not in a temporary file
/// created, written and deleted for each group.
const WRITER_PRAGMAS: &str = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; \
                              PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;";

/// The group committer's page cache (KiB): a group of 2,000 events changes more pages
/// than SQLite's default 2 MiB holds, which it then wrote to the WAL before the commit
/// (and again at it) and read back from the file at the next group.
const COMMITTER_CACHE_KIB: i64 = 16 * 1024;

/// Statements kept prepared on each writing connection of the store's own (those of a few
/// parameters, and those over many rows in their few sizes: `statement.rs`); a group runs
/// about thirty kinds, each in up to eight sizes.
const WRITER_PREPARED: usize = 256;

/// Opens (creating if needed) the database file at `path` and brings its schema up to date.
pub async fn open(path: &Path) -> Result<SqlStore, StoreError> {
    sqlx::any::install_default_drivers();
    let file = path
        .to_str()
        .ok_or_else(|| StoreError::Config("the data directory path is not UTF-8".into()))?;
    // No ping before each use: a local file's connection does not drop, and the ping is a
    // round trip to the connection's thread on every query.
    let writer = AnyPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode = WAL;").await?;
                conn.execute(WRITER_PRAGMAS).await?;
                // Its writes are checkpointed by the checkpointer's rounds when idle.
                conn.execute(checkpoint::WRITER_PRAGMA).await.map(drop)
            })
        })
        .connect(&format!("sqlite://{file}?mode=rwc"))
        .await?;
    MIGRATOR.run(&writer).await?;
    let reader = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move { conn.execute("PRAGMA busy_timeout = 10000;").await.map(drop) })
        })
        .connect(&format!("sqlite://{file}?mode=ro"))
        .await?;
    let points = Points::open(path)?;
    let wake = checkpoint::start(path)?;
    let committing = writer_connection(path, &wake)?;
    committing.execute_batch(&format!("PRAGMA cache_size = -{COMMITTER_CACHE_KIB};"))?;
    let lites = Lites {
        committing,
        folding: writer_connection(path, &wake)?,
    };
    Ok(SqlStore::new(
        Backend::Sqlite,
        writer,
        reader,
        Some(Arc::new(points)),
        Some(lites),
    ))
}

/// Opens a writing connection of the store's own (the group committer's or the report
/// folder's: [`Lites`]) to the file at `path` (which sqlx's writer made, setting its WAL
/// mode): the writer's settings, with sqlx's default `foreign_keys`; its commits wake the
/// checkpointer (`checkpoint.rs`).
fn writer_connection(path: &Path, wake: &Wake) -> Result<rusqlite::Connection, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = rusqlite::Connection::open_with_flags(path, flags)?;
    connection.execute_batch(WRITER_PRAGMAS)?;
    connection.execute_batch("PRAGMA foreign_keys = ON;")?;
    connection.set_prepared_statement_cache_capacity(WRITER_PREPARED);
    wake.on_commit(&connection)?;
    Ok(connection)
}
