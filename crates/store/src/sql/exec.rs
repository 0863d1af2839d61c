//! Where a write's statements run: in a sqlx transaction (PostgreSQL, and SQLite's other
//! writes), or on a `rusqlite` connection of the store's own (SQLite's group committer's,
//! and its report folder's).
//!
//! sqlx runs each SQLite connection on a thread of its own, so each statement of a group
//! commit (about fifteen) was a round trip to that thread: two wake-ups across threads per
//! statement, on the single writer's path. The committer's connection runs them on the
//! committer's thread, one after another, with no hand-off. A transaction there holds
//! sqlx's one writer connection from its start to its end ([`Open::begin`]), so the
//! store's writers still take turns instead of meeting SQLite's lock.

use std::future::Future;

use rusqlite::{params_from_iter, Connection, Row};
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Acquire, Any, AnyPool, Transaction};

use super::statement::Sql;
use crate::StoreError;

/// Runs the future that `work` makes on a thread named `name`, on a runtime of its own:
/// where SQLite's writing connections of the store's own (the group committer's, the
/// report folder's) run their statements synchronously, off the runtime that serves
/// requests.
pub(super) fn spawn_writer<F: Future<Output = ()>>(
    name: &str,
    work: impl FnOnce() -> F + Send + 'static,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a writer thread's runtime");
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || runtime.block_on(work()))
        .expect("a writer thread");
}

/// An open transaction, or a savepoint in one, that runs statements ([`Exec`]) and ends
/// by commit or rollback; one dropped while open is rolled back.
pub(super) enum Open<'c> {
    Sqlx(Transaction<'c, Any>),
    Lite(Lite<'c>),
}

impl<'c> Open<'c> {
    /// A transaction on `lite` (SQLite's committer's or folder's connection), holding
    /// `pool`'s one writer connection until it ends, so that no other write meets it at
    /// SQLite's lock; else a transaction of `pool`.
    pub(super) async fn begin(
        pool: &AnyPool,
        lite: Option<&'c mut Connection>,
    ) -> Result<Self, StoreError> {
        Ok(match lite {
            Some(connection) => Open::Lite(Lite::begin(connection, pool.acquire().await?)?),
            None => Open::Sqlx(pool.begin().await?),
        })
    }

    pub(super) fn exec(&mut self) -> Exec<'_, 'c> {
        match self {
            Open::Sqlx(tx) => Exec::Sqlx(tx),
            Open::Lite(lite) => Exec::Lite(lite),
        }
    }

    /// A savepoint in this transaction.
    pub(super) async fn savepoint(&mut self) -> Result<Open<'_>, StoreError> {
        Ok(match self {
            Open::Sqlx(tx) => Open::Sqlx(tx.begin().await?),
            Open::Lite(lite) => Open::Lite(lite.savepoint()?),
        })
    }

    pub(super) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Open::Sqlx(tx) => Ok(tx.commit().await?),
            Open::Lite(mut lite) => Ok(lite.end(true)?),
        }
    }

    pub(super) async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Open::Sqlx(tx) => Ok(tx.rollback().await?),
            Open::Lite(mut lite) => Ok(lite.end(false)?),
        }
    }
}

/// A transaction (or a savepoint) on the committer's `rusqlite` connection.
pub(super) struct Lite<'c> {
    connection: &'c mut Connection,
    /// 0 for the transaction; n for the nth savepoint in it.
    depth: usize,
    open: bool,
    /// sqlx's writer connection, held by the transaction (not its savepoints) until it
    /// has ended (a field: released after `Drop` rolls back one left open).
    _held: Option<PoolConnection<Any>>,
}

impl<'c> Lite<'c> {
    /// Begins a transaction that holds SQLite's write lock from its start, so it never
    /// has to upgrade a read snapshot another writer made stale.
    fn begin(
        connection: &'c mut Connection,
        held: PoolConnection<Any>,
    ) -> Result<Self, StoreError> {
        connection.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Self {
            connection,
            depth: 0,
            open: true,
            _held: Some(held),
        })
    }

    fn savepoint(&mut self) -> rusqlite::Result<Lite<'_>> {
        let depth = self.depth + 1;
        self.connection
            .execute_batch(&format!("SAVEPOINT interlog_{depth}"))?;
        Ok(Lite {
            connection: &mut *self.connection,
            depth,
            open: true,
            _held: None,
        })
    }

    fn end(&mut self, commit: bool) -> rusqlite::Result<()> {
        self.open = false;
        let depth = self.depth;
        let ended = match (depth, commit) {
            (0, true) => self.connection.execute_batch("COMMIT"),
            (0, false) => self.connection.execute_batch("ROLLBACK"),
            (_, true) => (self.connection).execute_batch(&format!("RELEASE interlog_{depth}")),
            (_, false) => self.connection.execute_batch(&format!(
                "ROLLBACK TO interlog_{depth}; RELEASE interlog_{depth}"
            )),
        };
        // A COMMIT that failed may leave the transaction open: nothing of it stays.
        if ended.is_err() && depth == 0 && !self.connection.is_autocommit() {
            let _ = self.connection.execute_batch("ROLLBACK");
        }
        ended
    }
}

impl Drop for Lite<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.end(false);
        }
    }
}

/// Where a write's statements run (see the module's comment).
pub(super) enum Exec<'t, 'c> {
    Sqlx(&'t mut Transaction<'c, Any>),
    Lite(&'t mut Lite<'c>),
}

impl Exec<'_, '_> {
    /// Runs a statement that returns no rows (rusqlite refuses one that does: use
    /// [`Exec::rows`]); the number of rows it changed.
    pub(super) async fn execute(&mut self, sql: &Sql) -> Result<u64, StoreError> {
        match self {
            Exec::Sqlx(tx) => Ok(sql.query().execute(&mut ***tx).await?.rows_affected()),
            Exec::Lite(lite) => {
                let changed = sql.prepared(lite.connection, |statement| {
                    debug_assert_eq!(statement.column_count(), 0, "rows from {}", sql.text);
                    statement.execute(params_from_iter(&sql.params))
                })?;
                Ok(changed as u64)
            }
        }
    }

    /// The rows of a statement, each a tuple of its columns.
    pub(super) async fn rows<T>(&mut self, sql: &Sql) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
        T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    {
        match self {
            Exec::Sqlx(tx) => {
                let rows = sql.fetch_all(&mut ***tx).await?;
                Ok(rows.iter().map(T::from_row).collect::<Result<_, _>>()?)
            }
            Exec::Lite(lite) => Ok(sql.rows_on(lite.connection)?),
        }
    }
}
