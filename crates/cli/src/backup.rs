//! `interlog backup` and `interlog restore`: a consistent copy of the embedded store taken
//! while the server runs, and putting one back (`interlog_store::backup`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::ProgressBar;
use interlog_store::backup::{self, BackupInfo};

use crate::common::{DataArgs, DatabaseArgs};

/// What PostgreSQL deployments use instead.
const POSTGRES: &str = "PostgreSQL is backed up with its own tools: pg_dump (or base backups \
                        with WAL archiving) of the database, plus the data directory's \
                        jwt-secret file unless INTERLOG_JWT_SECRET is set (README, Data lifecycle)";

/// Take a consistent copy of the embedded SQLite store while the server keeps serving and
/// ingesting: every event acknowledged before the backup began is in it. The copy holds
/// everything (records, logs, content bytes, API keys, settings, receipts) except the JWT
/// secret file, which you keep beside it. The file appears under its name only once it is
/// complete and checked.
///
/// Example: interlog backup --to /backups/interlog-2026-11-29.db
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The backup file to write; it must not exist yet.
    #[arg(long, value_name = "FILE")]
    to: PathBuf,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

/// Put a backup in place as the data directory's database, checking it first. A data
/// directory that already holds a database is replaced only with --force, and only with
/// the server stopped. A backup from an older Interlog is brought up to date.
///
/// Example: interlog restore --from /backups/interlog-2026-11-29.db --data ./interlog-data
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file (written by `interlog backup`).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,

    /// Replace the database the data directory holds (stop the server first).
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

/// A spinner for work that reports no progress of its own.
fn spinner(message: &'static str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_message(message);
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

fn describe(info: BackupInfo) -> String {
    format!(
        "{:.1} MiB, schema {}",
        info.bytes as f64 / 1_048_576.0,
        info.migration
    )
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    if args.database.database_url.is_some() {
        bail!("interlog backup copies the embedded SQLite store. {POSTGRES}");
    }
    let db = args.data.data_dir.join("interlog.db");
    let progress = spinner("copying the database");
    let info = backup::backup(&db, &args.to)
        .await
        .context("the backup failed")?;
    progress.finish_and_clear();
    println!(
        "backed up {} to {} ({})",
        db.display(),
        args.to.display(),
        describe(info)
    );
    if args.data.data_dir.join("jwt-secret").exists() {
        println!(
            "keep {} with it: tokens are signed with that secret",
            args.data.data_dir.join("jwt-secret").display()
        );
    }
    Ok(())
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<()> {
    if args.database.database_url.is_some() {
        bail!("interlog restore fills the embedded SQLite store. {POSTGRES}");
    }
    std::fs::create_dir_all(&args.data.data_dir)
        .with_context(|| format!("cannot create {}", args.data.data_dir.display()))?;
    let db = args.data.data_dir.join("interlog.db");
    let progress = spinner("checking and copying the backup");
    let info = backup::restore(&args.from, &db, args.force)
        .await
        .context("the restore failed")?;
    progress.finish_and_clear();
    println!(
        "restored {} into {} ({})",
        args.from.display(),
        db.display(),
        describe(info)
    );
    Ok(())
}
