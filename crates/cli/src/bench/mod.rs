//! `interlog bench`: the load harness. For each backend (SQLite, then PostgreSQL in a schema
//! of its own), it starts a server in this process, loads a synthetic workload through the
//! HTTP API, measures each endpoint at several concurrencies beside the floor measured the
//! same way (`GET /healthz` on the same server), so that the ratio holds on a noisy machine,
//! then times `import` of vendor documents. It prints markdown tables and writes JSON.
//!
//! The client runs in the same process as the server and shares its cores: the floor pays
//! that cost too, which is what makes the ratios comparable.
//!
//! # Layout
//! - `mod.rs`: the flags, and one run over the chosen backends;
//! - `backend.rs`: measuring one backend (start a server, load, query, look up, import);
//! - `endpoints.rs`: the measured endpoints, a table of how each picks its next URL;
//! - `load.rs`: the closed-loop HTTP clients that measure one endpoint;
//! - `memory.rs`: peak resident memory per figure, per phase and through the whole run;
//! - `live.rs`: live traffic, one event per POST, and one long conversation;
//! - `sweep.rs`: live traffic while the retention sweeper deletes the loaded history;
//! - `import.rs`: timing `import` of CxEngage documents;
//! - `report.rs`: the markdown tables and the JSON.

mod backend;
mod endpoints;
mod import;
mod live;
mod load;
mod memory;
mod report;
mod sweep;

use std::path::PathBuf;

use anyhow::Context;
use clap::ValueEnum;
use interlog_store::postgres::ScratchSchema;

use crate::common::DatabaseUrl;

use backend::measure_backend;

/// Measure ingest and query performance on a synthetic workload, beside the floor.
///
/// For each backend (SQLite, then PostgreSQL): load N generated interactions over HTTP, time
/// each endpoint at each concurrency beside `GET /healthz` on the same server and the raw
/// store's point lookups, then live traffic (one event per POST at each concurrency, and
/// the cost of the Nth message of one long conversation, and one event per POST while the
/// retention sweeper deletes the whole loaded history), time `import` of CxEngage
/// documents, and report bytes on disk and peak RSS (through the whole run, per phase and per
/// figure). Prints markdown tables and writes JSON (--out).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many interactions to load (try 10000, 100000, 1000000).
    #[arg(long, default_value_t = 10_000)]
    interactions: u64,
    /// How long each measurement runs, in milliseconds.
    #[arg(long, default_value_t = 3000)]
    duration_ms: u64,
    /// The concurrent connections to measure at, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    connections: Vec<usize>,
    /// Where to write the JSON results.
    #[arg(long, default_value = "bench-results.json", value_name = "FILE")]
    out: PathBuf,
    /// The messages of the long conversation, POSTed one at a time; the cost of the
    /// 100th, 1,000th and 3,000th (those it reaches) is reported.
    #[arg(long, default_value_t = 3_000, value_name = "N")]
    long_messages: usize,
    /// The data directory for the embedded store (default: a fresh one under the system's
    /// temporary directory, removed afterwards).
    #[arg(long = "data", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The backends to measure, one after the other in this run.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "sqlite,postgres"
    )]
    backends: Vec<BackendKind>,
    /// At most this many interactions are exported as CxEngage documents and timed through
    /// `import`, in files of 10,000 (`import` reads a whole file into memory).
    #[arg(long, default_value_t = 100_000)]
    import_max: u64,
    /// For the postgres backend: the PostgreSQL database to work in. The run creates a
    /// schema of its own there and drops it at the end. (Deliberately not read from
    /// INTERLOG_DATABASE_URL, so a benchmark never lands on a configured deployment.)
    #[arg(
        long = "database",
        value_name = "URL",
        default_value = "postgres://postgres@127.0.0.1:5432/test"
    )]
    database: DatabaseUrl,
    /// For the postgres backend: the connections the server may hold.
    #[arg(long, default_value_t = 16, value_name = "N")]
    db_max_connections: u32,
    /// Run the server without its audit trail, to measure what the trail costs (compare
    /// with a run that has it, as it always is in `serve`).
    #[arg(long)]
    no_audit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendKind {
    /// The embedded SQLite file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl BackendKind {
    fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "sqlite",
            BackendKind::Postgres => "postgresql",
        }
    }
}

/// The tenant the workload is loaded into.
const TENANT: &str = "bench";
/// The loaded tenant's time zone (its reports' days).
const ZONE: &str = "America/New_York";
const DAY_MS: i64 = 86_400_000;
const START_MS: i64 = 1_704_067_200_000; // 2024-01-01

pub async fn run(args: Args) -> anyhow::Result<()> {
    let mut runs = Vec::new();
    for &backend in &args.backends {
        let scratch = match &args.data_dir {
            Some(dir) => dir.join(backend.name()),
            None => std::env::temp_dir().join(format!(
                "interlog-bench-{}-{}",
                std::process::id(),
                backend.name()
            )),
        };
        let run = match backend {
            BackendKind::Sqlite => measure_backend(&args, backend, &scratch, None).await,
            BackendKind::Postgres => {
                let schema = ScratchSchema::create(args.database.as_str(), &format!("interlog_bench_{}", std::process::id()))
                    .await
                    .context("cannot create a schema in the PostgreSQL database of --database (pass --backends sqlite to skip it)")?;
                let run = measure_backend(&args, backend, &scratch, Some(schema.url.clone())).await;
                schema.drop().await?;
                run
            }
        };
        if args.data_dir.is_none() {
            let _ = std::fs::remove_dir_all(&scratch);
        }
        runs.push(run?);
    }
    report::report(&args, &runs)
}
