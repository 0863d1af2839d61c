//! SQLite's checkpoints, off the writers' path.
//!
//! In WAL mode a commit appends pages to the `-wal` file, and a checkpoint copies them back
//! into the database file (and syncs it). SQLite's default runs the checkpoint inside the
//! commit that brings the WAL past 1,000 pages, on the committing thread: for the group
//! committer that was 15% of its time under batch ingest, time every append waiting on it
//! also waited for. The store's writing connections turn that off
//! (`wal_autocheckpoint = 0`) and a thread of its own checkpoints instead, on its own
//! connection, while the writers go on:
//!
//! - the committer's and the report folder's commits wake it (a commit hook); it gathers
//!   the commits of [`GATHER`] and copies what they wrote (a `PASSIVE` checkpoint: it
//!   never waits for a writer or a reader);
//! - without a wake it looks every [`IDLE`] anyway, for the writes of sqlx's connection
//!   (settings, keys, the audit trail, erasure), which has no hook;
//! - a WAL that writers keep appending to is never wholly copied at the moment a writer
//!   begins, so it would never start again from its beginning and would grow for as long
//!   as they write. Past [`RESTART_FRAMES`] the checkpointer takes the write lock for a
//!   moment (a `RESTART` checkpoint: the few pages the `PASSIVE` one left, then the next
//!   writer starts the WAL again), waiting at most [`RESTART_WAIT`] for it.
//!
//! Durability is unchanged: a commit is durable once its WAL pages are synced, which the
//! commit itself still does (`synchronous = FULL`).

use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;

/// How long the checkpointer gathers commits before it copies what they wrote: one
/// checkpoint for many commits copies a page they all changed (an index's root, a table's
/// last leaf) once, and syncs the database file once.
const GATHER: Duration = Duration::from_millis(50);
/// How long the checkpointer waits for a wake before it looks anyway.
const IDLE: Duration = Duration::from_secs(1);
/// WAL pages past which the checkpointer restarts the WAL (64 MiB of 4 KiB pages).
const RESTART_FRAMES: i64 = 16_384;
/// How long a restarting checkpoint waits for a writer to finish, or readers to leave the
/// WAL, before it gives up until the next round (writers wait for it meanwhile).
const RESTART_WAIT: Duration = Duration::from_millis(100);

/// The settings a writing connection needs beside the checkpointer: no checkpoint of its
/// own at commit.
pub(crate) const WRITER_PRAGMA: &str = "PRAGMA wal_autocheckpoint = 0;";

/// Wakes the checkpointer thread; the thread ends once every `Wake` is dropped.
#[derive(Clone)]
pub(crate) struct Wake(SyncSender<()>);

impl Wake {
    /// Has `connection`'s commits wake the checkpointer (and its own checkpoints off).
    pub(crate) fn on_commit(&self, connection: &Connection) -> rusqlite::Result<()> {
        connection.execute_batch(WRITER_PRAGMA)?;
        let wake = self.0.clone();
        // A full channel already holds a wake: the checkpoint it brings covers this commit.
        connection.commit_hook(Some(move || {
            let _ = wake.try_send(());
            false // false: the commit goes ahead
        }));
        Ok(())
    }
}

/// Starts the checkpointer of the database at `path` on a thread of its own.
pub(crate) fn start(path: &Path) -> Result<Wake, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.execute_batch("PRAGMA synchronous = FULL;")?;
    connection.busy_timeout(RESTART_WAIT)?;
    let (wake, woken) = sync_channel(1);
    std::thread::Builder::new()
        .name("interlog-checkpoint".into())
        .spawn(move || run(&connection, &woken))
        .map_err(|e| StoreError::Config(format!("starting the checkpointer: {e}")))?;
    Ok(Wake(wake))
}

fn run(connection: &Connection, woken: &Receiver<()>) {
    loop {
        match woken.recv_timeout(IDLE) {
            Ok(()) => std::thread::sleep(GATHER),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // Commits of the gather woke it again: this checkpoint covers them.
        let _ = woken.try_recv();
        if let Err(error) = checkpoint(connection) {
            tracing::warn!(%error, "checkpointing the WAL failed; will retry");
        }
    }
    // The writers are gone (the store was dropped): copy what is left.
    let _ = checkpoint(connection);
}

/// Copies the WAL's pages into the database file; restarts the WAL when it has grown past
/// [`RESTART_FRAMES`].
fn checkpoint(connection: &Connection) -> rusqlite::Result<()> {
    let (_, frames) = wal_checkpoint(connection, "PASSIVE")?;
    if frames > RESTART_FRAMES {
        let (busy, _) = wal_checkpoint(connection, "RESTART")?;
        tracing::debug!(frames, restarted = !busy, "checkpointed a long WAL");
    }
    Ok(())
}

/// Runs a checkpoint of `mode`: whether it could not finish (a writer or a reader held it
/// up), and the WAL's size in pages.
fn wal_checkpoint(connection: &Connection, mode: &str) -> rusqlite::Result<(bool, i64)> {
    let sql = format!("PRAGMA wal_checkpoint({mode})");
    connection.query_row(&sql, [], |row| Ok((row.get(0)?, row.get(1)?)))
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const PAGE: usize = 4096;

    /// A WAL-mode database of one table in a fresh directory (kept alive with it), and a
    /// writer on it whose commits wake `wake`.
    fn database(wake: impl FnOnce(&Path) -> Wake) -> (tempfile::TempDir, PathBuf, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (v BLOB);")
            .unwrap();
        wake(&path).on_commit(&connection).unwrap();
        (dir, path, connection)
    }

    /// Inserts `rows` rows of a page each, `per_commit` to a transaction.
    fn insert(connection: &Connection, rows: usize, per_commit: usize) {
        let blob = vec![7u8; PAGE];
        for _ in 0..rows / per_commit {
            let tx = connection.unchecked_transaction().unwrap();
            for _ in 0..per_commit {
                tx.execute("INSERT INTO t (v) VALUES (?1)", [&blob])
                    .unwrap();
            }
            tx.commit().unwrap();
        }
    }

    #[test]
    fn the_checkpointer_copies_what_writers_commit_into_the_database_file() {
        let (_dir, path, connection) = database(|path| start(path).unwrap());
        // 8 MB in the WAL, in 100 commits, which the writer (its own checkpoints off)
        // never copies back itself.
        insert(&connection, 2_000, 20);
        let written = (2_000 * PAGE) as u64;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::fs::metadata(&path).unwrap().len() < written {
            let waited = std::time::Instant::now() < deadline;
            assert!(waited, "never copied into the file");
            std::thread::sleep(GATHER);
        }
        let rows: i64 = connection
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 2_000);
    }

    #[test]
    fn a_writer_woken_for_does_not_copy_its_commits_itself() {
        // A wake no checkpointer listens to.
        let (_woken, wake) = {
            let (wake, woken) = sync_channel(1);
            (woken, Wake(wake))
        };
        let (_dir, path, connection) = database(|_| wake);
        insert(&connection, 1_500, 1);
        // SQLite's default would have copied them at 1,000 pages, in a commit.
        let file = std::fs::metadata(&path).unwrap().len();
        assert!(file < (100 * PAGE) as u64, "the file holds {file} bytes");
    }
}
