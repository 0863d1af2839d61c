//! The `interlog` binary.
//!
//! # Layout
//! - `serve`: run the HTTP server on the embedded store.
//! - `migrate`: bring the database schema up to date (serve also does it on start).
//! - `generate`, `demo`: a synthetic contact-center workload (`interlog_workload`), as
//!   NDJSON, posted, or loaded into the store.
//! - `bench`: the load harness (ingest and queries beside the /healthz floor).
//! - `import`: load a vendor's export (or Interlog's own), streamed; `tail-asterisk`: follow
//!   a growing Asterisk queue log and post each call's events to a server.
//! - `keys`: create, list and revoke API keys.
//! - `report`, `reproject`: an interval report from the rollups; re-projecting a tenant.
//! - `tenants`: show and change a tenant's settings.
//! - `erase`: erase one customer on request; list the receipts.
//! - `export`: a tenant's interactions in a window as NDJSON or CSV.
//! - `backup`, `restore`: a consistent online copy of the embedded store, and putting it back.
//! - `token`: print a JWT signed with the server's secret, for trying the API at once.
//! - `common`: the options every command that touches the data directory shares.
//! - `allocator`: mimalloc, set to give freed memory back.

mod allocator;
mod backup;
mod bench;
mod common;
mod erase;
mod export;
mod generate;
mod import;
mod keys;
mod migrate;
mod nats;
mod report;
mod serve;
mod tail;
mod tenants;
mod token;

use std::io::{BufWriter, IsTerminal};
use std::sync::Mutex;

use clap::{Parser, Subcommand, ValueEnum};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};

/// Interlog: the interaction history service for contact centers.
///
/// Ingests contact-center lifecycle events, keeps them as an append-only log, derives each
/// interaction's record and statistics, and serves them over HTTP.
///
/// Start with `interlog serve`, then `TOKEN=$(interlog token --tenant acme)`.
#[derive(Debug, Parser)]
#[command(name = "interlog", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// Log format: human-readable text or one JSON object per line. The level is set
    /// with RUST_LOG (default: info).
    #[arg(
        long,
        global = true,
        env = "INTERLOG_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    Serve(serve::Args),
    Token(token::Args),
    Migrate(migrate::Args),
    Keys(keys::Args),
    Tenants(tenants::Args),
    Report(report::Args),
    Reproject(report::ReprojectArgs),
    Erase(erase::Args),
    Export(export::Args),
    Backup(backup::Args),
    Restore(backup::RestoreArgs),
    Import(import::Args),
    TailAsterisk(tail::Args),
    Generate(generate::Args),
    Demo(generate::DemoArgs),
    Bench(bench::Args),
}

/// The log writer's guard: dropped by [`flush_logs`], it writes every queued line.
static LOGS: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// Logs to stderr through a thread of their own: a request's line is handed over, not
/// written, and the thread writes what has gathered in one write when it catches up (a
/// write per line was about a twentieth of a read's CPU under load). Nothing is dropped:
/// a full queue makes the logger wait. Whoever ends the process calls [`flush_logs`].
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal, unless `NO_COLOR` is set: a file or a journal gets plain
    // lines.
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("interlog-log")
        .finish(BufWriter::with_capacity(64 * 1024, std::io::stderr()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(writer);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    *LOGS.lock().unwrap_or_else(|e| e.into_inner()) = Some(guard);
}

/// Writes every queued log line and stops the writer (lines logged after are dropped):
/// at the end of `main`, and before a `process::exit`.
pub(crate) fn flush_logs() {
    drop(LOGS.lock().unwrap_or_else(|e| e.into_inner()).take());
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => {
            init_logging(cli.log_format);
            serve::run(args).await
        }
        Command::Token(args) => token::run(args),
        Command::Keys(args) => keys::run(args).await,
        Command::Tenants(args) => tenants::run(args).await,
        Command::Report(args) => report::run(args).await,
        Command::Reproject(args) => report::reproject(args).await,
        Command::Erase(args) => erase::run(args).await,
        Command::Export(args) => export::run(args).await,
        Command::Backup(args) => backup::run(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Import(args) => import::run(args).await,
        Command::TailAsterisk(args) => {
            init_logging(cli.log_format);
            tail::run(args).await
        }
        Command::Generate(args) => generate::run(args).await,
        Command::Demo(args) => generate::demo(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Migrate(args) => {
            init_logging(cli.log_format);
            migrate::run(args).await
        }
    };
    flush_logs();
    result
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    /// Every secret a command takes, in arguments whose `Debug` is derived.
    #[test]
    fn debug_of_the_arguments_shows_no_secret() {
        let commands: [&[&str]; 4] = [
            &[
                "serve",
                "--database",
                "postgres://app:hunter2@db/interlog",
                "--jwt-secret",
                "swordfish",
            ],
            &["token", "--tenant", "acme", "--jwt-secret", "swordfish"],
            &[
                "generate",
                "--post",
                "http://127.0.0.1:8080",
                "--token",
                "swordfish",
            ],
            &["bench", "--database", "postgres://app:hunter2@db/interlog"],
        ];
        for args in commands {
            let cli = Cli::try_parse_from(std::iter::once("interlog").chain(args.iter().copied()))
                .unwrap();
            let shown = format!("{cli:?}");
            assert!(
                !shown.contains("hunter2") && !shown.contains("swordfish"),
                "{shown}"
            );
            if args.contains(&"--database") {
                assert!(shown.contains("postgres://app:***@db/interlog"), "{shown}");
            }
        }
    }
}
