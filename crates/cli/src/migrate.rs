//! `interlog migrate`: bring the database schema up to date.

use anyhow::Context;

use crate::common::DatabaseArgs;

/// Bring the database schema up to date and exit. `serve` does this on start too; run it
/// alone before rolling out a new version to several servers.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data directory holding the SQLite file (ignored with --database postgres://...).
    #[arg(long = "data", env = "INTERLOG_DATA", default_value = "./interlog-data", value_name = "DIR")]
    data_dir: std::path::PathBuf,

    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let url = match &args.database.database_url {
        Some(url) => url.clone(),
        None => {
            std::fs::create_dir_all(&args.data_dir)
                .with_context(|| format!("cannot create {}", args.data_dir.display()))?;
            format!("sqlite://{}", args.data_dir.join("interlog.db").display())
        }
    };
    interlog_store::open(&url, &args.database.pool()).await.context("migration failed")?;
    println!("database schema is up to date");
    Ok(())
}
