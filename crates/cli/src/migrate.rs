//! `interlog migrate`: bring the database schema up to date.

use anyhow::Context;

use crate::common::{DataArgs, DatabaseArgs};

/// Bring the database schema up to date and exit. `serve` does this on start too; run it
/// alone before rolling out a new version to several servers.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    args.database
        .open(&args.data.data_dir)
        .await
        .context("migration failed")?;
    println!("database schema is up to date");
    Ok(())
}
