//! SQLite's reads on connections of their own, without sqlx's thread hand-offs.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is sent to that thread
//! and each of its rows sent back, wake-ups across threads. For a read by key, which
//! SQLite answers in tens of microseconds, those hand-offs cost more than the read: under
//! 64 connections of gets by id, flume's channels (sqlx's) were about a quarter of the
//! server's CPU, and a page of 100 records was 37 context switches. So the reads clients
//! make all the time (a record by id, an API key, a list page and its transcripts) run
//! here, on read-only connections of their own (`rusqlite`, over the same
//! `libsqlite3-sys` as sqlx): synchronously when they visit only what they return
//! ([`Visits::Returned`]), on a blocking thread when they may visit much more. Everything
//! else reads through sqlx's pool.
//!
//! A read here never waits for the writer: in WAL mode a reader sees the last commit and
//! takes no lock a writer holds. It waits only when another connection is recovering the
//! WAL's index, as any reader would (`busy_timeout`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Row};
use sqlx::any::AnyRow;
use tokio::sync::Semaphore;

use super::statement::Sql;
use super::SqlStore;
use crate::StoreError;

/// Connections kept between reads, at most: one per thread that reads at once (tokio's
/// workers, the blocking threads of [`MANY_AT_ONCE`] reads, and the odd blocking caller)
/// is all a process uses.
const KEPT: usize = 16;

/// Reads that may visit many rows running at once, at most (as many as sqlx's read pool
/// has connections): more would not go faster on a few cores, and each holds a connection
/// and its page cache.
const MANY_AT_ONCE: usize = 8;

/// Read-only connections to the store's file, taken for one read and put back.
pub(crate) struct Points {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Permits for the reads that run on blocking threads ([`Visits::Many`]).
    many: Arc<Semaphore>,
}

impl Points {
    /// Connections to the database at `path` (one is opened now, so a file that cannot be
    /// read fails at start).
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let points = Self {
            path: path.to_path_buf(),
            idle: Mutex::default(),
            many: Arc::new(Semaphore::new(MANY_AT_ONCE)),
        };
        let first = points.connect()?;
        points.put(first);
        Ok(points)
    }

    fn connect(&self) -> Result<Connection, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(Duration::from_secs(10))?;
        Ok(connection)
    }

    fn put(&self, connection: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < KEPT {
            idle.push(connection);
        }
    }

    /// Runs `read` on an idle connection (or a new one); the connection goes back only
    /// when the read succeeded.
    fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let connection = match idle {
            Some(connection) => connection,
            None => self.connect()?,
        };
        let read = read(&connection)?;
        self.put(connection);
        Ok(read)
    }

    /// The rows of a read statement (SQLite's text), each by rusqlite's conversion of a
    /// row into `T` (a tuple of its columns).
    pub(super) fn rows<T>(&self, sql: &Sql) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
    {
        self.with(|connection| sql.rows_on(connection))
    }
}

/// What a read visits besides the rows it returns, which decides where it runs on SQLite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Visits {
    /// Only the rows it returns: a key, or a range of one index that answers every filter
    /// (a keyset page). It costs what its answer costs to send, so it runs on the request's
    /// thread, as the reads by key do.
    Returned,
    /// Possibly many rows it does not return: a filter tested row by row, a search, an
    /// `OFFSET`. It runs on a blocking thread, so a slow one holds no runtime thread.
    Many,
}

impl SqlStore {
    /// The rows of a read statement, each a tuple of its columns: on SQLite's point readers
    /// (on this thread or a blocking one, as `visits` says), else through the pool.
    pub(super) async fn read_rows<T>(&self, sql: Sql, visits: Visits) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
        T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + 'static,
    {
        let Some(points) = &self.points else {
            let rows = sql.fetch_all(&self.reader).await?;
            return Ok(rows.iter().map(T::from_row).collect::<Result<_, _>>()?);
        };
        match visits {
            Visits::Returned => points.rows(&sql),
            Visits::Many => {
                let permit = (points.many.clone().acquire_owned().await)
                    .map_err(|_| StoreError::Database(sqlx::Error::PoolClosed))?;
                let points = points.clone();
                let read = move || {
                    let _permit = permit; // until the read ends, even if its caller has gone
                    points.rows(&sql)
                };
                match tokio::task::spawn_blocking(read).await {
                    Ok(rows) => rows,
                    Err(failed) => std::panic::resume_unwind(failed.into_panic()),
                }
            }
        }
    }
}
