//! Backup and restore of the embedded store.
//!
//! A backup is `VACUUM INTO`: SQLite writes a consistent copy of the database as of the
//! moment its read transaction began, while the server goes on reading and writing (WAL
//! mode lets the writer carry on beside the reader; the write-ahead log grows until the
//! copy is done). The copy is written beside its final name, checked, flushed to disk and
//! then renamed, so a file under the final name is always a whole backup. A restore checks
//! the file, copies it into the data directory the same way, and opens it, which brings an
//! older backup's schema up to date.
//!
//! PostgreSQL has its own tools (`pg_dump`, base backups); the README says which.

use std::fs::File;
use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

use crate::StoreError;

/// What a backup file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    pub bytes: u64,
    /// The newest schema migration it has.
    pub migration: i64,
}

/// `path` with `.partial` after its name: where a file is written before it is renamed.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

fn io(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Config(format!("cannot {what} {}: {e}", path.display()))
}

async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection, StoreError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(10));
    Ok(options.connect().await?)
}

/// Checks that `path` is a whole Interlog database and says what it holds.
async fn inspect(path: &Path) -> Result<BackupInfo, StoreError> {
    let not_ours = |why: String| {
        StoreError::Config(format!(
            "{} is not an Interlog backup: {why}",
            path.display()
        ))
    };
    let bytes = (std::fs::metadata(path))
        .map_err(|e| io("read", path, e))?
        .len();
    let mut conn = connect(path, true)
        .await
        .map_err(|e| not_ours(e.to_string()))?;
    let check: String = (sqlx::query("PRAGMA quick_check").fetch_one(&mut conn))
        .await
        .map_err(|e| not_ours(e.to_string()))?
        .try_get(0)?;
    if check != "ok" {
        return Err(not_ours(format!("its integrity check says {check:?}")));
    }
    let migration: Option<i64> = (sqlx::query(crate::NEWEST_APPLIED_MIGRATION)
        .fetch_one(&mut conn))
    .await
    .map_err(|_| not_ours("it has no Interlog schema".into()))?
    .try_get(0)?;
    conn.close().await?;
    let migration = migration.ok_or_else(|| not_ours("its schema is empty".into()))?;
    Ok(BackupInfo { bytes, migration })
}

/// Flushes a file's bytes, then its directory's entry, to disk.
fn sync(path: &Path) -> Result<(), StoreError> {
    (File::open(path).and_then(|f| f.sync_all())).map_err(|e| io("flush", path, e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        (File::open(dir).and_then(|d| d.sync_all())).map_err(|e| io("flush", dir, e))?;
    }
    Ok(())
}

/// Writes a consistent copy of the database at `db` to `to` (which must not exist) while
/// others keep reading and writing it.
pub async fn backup(db: &Path, to: &Path) -> Result<BackupInfo, StoreError> {
    if to.exists() {
        return Err(StoreError::Config(format!(
            "{} already exists; choose a new name (a backup never overwrites)",
            to.display()
        )));
    }
    if !db.exists() {
        return Err(StoreError::Config(format!(
            "there is no database at {}",
            db.display()
        )));
    }
    let partial = partial(to);
    let _ = std::fs::remove_file(&partial); // left by an interrupted backup
    let target = (partial.to_str())
        .ok_or_else(|| StoreError::Config("the backup path is not UTF-8".into()))?;
    let mut conn = connect(db, false).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let info = inspect(&partial).await?;
    sync(&partial)?;
    std::fs::rename(&partial, to).map_err(|e| io("rename the backup to", to, e))?;
    sync(to)?;
    Ok(info)
}

/// Puts the backup `from` in place as the database `db`; an existing database is replaced
/// only when `replace` (the server must be stopped: it would keep the old file open).
pub async fn restore(from: &Path, db: &Path, replace: bool) -> Result<BackupInfo, StoreError> {
    let info = inspect(from).await?;
    let newest = crate::sqlite::newest_migration();
    if info.migration > newest {
        return Err(StoreError::Config(format!(
            "{} was made by a newer Interlog (schema {}, this one knows {newest}); restore it \
             with that version",
            from.display(),
            info.migration
        )));
    }
    if db.exists() && !replace {
        return Err(StoreError::Config(format!(
            "{} already holds a database; stop the server and pass --force to replace it",
            db.display()
        )));
    }
    let partial = partial(db);
    std::fs::copy(from, &partial).map_err(|e| io("copy the backup to", &partial, e))?;
    sync(&partial)?;
    // The old database's write-ahead log must not be applied to the restored file.
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        let path = PathBuf::from(name);
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| io("remove", &path, e))?;
        }
    }
    std::fs::rename(&partial, db).map_err(|e| io("move the backup to", db, e))?;
    sync(db)?;
    crate::sqlite::open(db).await?; // migrates an older backup
    Ok(info)
}
