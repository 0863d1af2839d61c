//! `interlog migrate`: bring the database schema up to date.

use anyhow::Context;

use crate::common::DatabaseArgs;

/// Bring the database schema up to date and exit. `serve` does this on start too; run it
/// alone before rolling out a new version to several servers.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data directory holding the SQLite file (ignored with --database postgres://...).
    #[arg(
        long = "data",
        env = "INTERLOG_DATA",
        default_value = "./interlog-data",
        value_name = "DIR"
    )]
    data_dir: std::path::PathBuf,

    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    args.database
        .open(&args.data_dir)
        .await
        .context("migration failed")?;
    println!("database schema is up to date");
    Ok(())
}
