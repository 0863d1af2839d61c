//! Point reads on SQLite, on the request's own thread.
//!
//! sqlx runs each SQLite connection on a thread of its own: a query is sent to that thread
//! and its rows sent back, two wake-ups across threads per query. For a read by key, which
//! SQLite answers in tens of microseconds, those hand-offs cost more than the read: under
//! 64 connections of gets by id, flume's channels (sqlx's) were about a quarter of the
//! server's CPU. So the reads by key that clients make with every request (a record by id,
//! an API key) run here, synchronously, on read-only connections of their own (`rusqlite`,
//! over the same `libsqlite3-sys` as sqlx). Everything else reads through sqlx's pool.
//!
//! A read here never waits for the writer: in WAL mode a reader sees the last commit and
//! takes no lock a writer holds. It waits only when another connection is recovering the
//! WAL's index, as any reader would (`busy_timeout`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use interlog_core::{InteractionId, TenantId};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::keys::{self, KeyRow};
use super::transcript::RECORD_PARTS;
use crate::{ApiKeyRecord, StoreError};

/// Connections kept between reads, at most: one per thread that reads at once (tokio's
/// workers, and the blocking threads of the odd caller) is all a process uses.
const KEPT: usize = 16;

/// Read-only connections to the store's file, taken for one read and put back.
pub(crate) struct Points {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Points {
    /// Connections to the database at `path` (one is opened now, so a file that cannot be
    /// read fails at start).
    pub(crate) fn open(path: &Path) -> Result<Self, StoreError> {
        let points = Self {
            path: path.to_path_buf(),
            idle: Mutex::default(),
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

    /// The stored parts of one record: without its transcript, and the transcript.
    pub(super) fn record_parts(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<(String, Vec<String>)>, StoreError> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(RECORD_PARTS)?;
            let mut rows = statement.query((tenant.as_str(), id.as_str()))?;
            let record = match rows.next()? {
                Some(row) if row.get::<_, i64>(0)? == -1 => row.get(1)?,
                _ => return Ok(None),
            };
            let mut messages = Vec::new();
            while let Some(row) = rows.next()? {
                messages.push(row.get(1)?);
            }
            Ok(Some((record, messages)))
        })
    }

    /// An API key by id (every request with a key credential reads one).
    pub(super) fn api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        let row: Option<KeyRow> = self.with(|connection| {
            let mut statement = connection.prepare_cached(keys::FIND)?;
            statement
                .query_row([key_id], |row| row.try_into())
                .optional()
        })?;
        row.map(keys::from_columns).transpose()
    }
}
