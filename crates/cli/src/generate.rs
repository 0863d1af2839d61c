//! `interlog generate` and `interlog demo`: a synthetic contact-center workload, written as
//! NDJSON, posted to a server, or loaded straight into the data directory's store.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use indicatif::ProgressBar;
use interlog_core::{Event, TenantId};
use interlog_workload::{parse_log, Spec, Workload};

use crate::common::{bar, DataArgs, DatabaseArgs, Secret};

/// Events per request or transaction when loading.
const BATCH: usize = 1000;

/// Write a realistic, deterministic contact-center workload as NDJSON events (or post it to
/// a server with --post).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many interactions.
    #[arg(long, default_value_t = 1000)]
    interactions: u64,
    /// The tenant (for --post).
    #[arg(long, value_parser = crate::common::parse_tenant, default_value = "demo")]
    tenant: TenantId,
    /// The random seed: the same seed gives the same events.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Over how many days the interactions start.
    #[arg(long, default_value_t = 1)]
    days: u32,
    /// The first day (UTC), as YYYY-MM-DD.
    #[arg(long, default_value = "2024-01-01")]
    start: chrono::NaiveDate,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Post the events to the server at this base URL (e.g. http://127.0.0.1:8080) instead.
    #[arg(long, value_name = "URL")]
    post: Option<String>,
    /// The token (or API key secret) for --post.
    #[arg(long, env = "INTERLOG_TOKEN", hide_env_values = true)]
    token: Option<Secret>,
}

/// Requests a poster keeps in flight, so the server parses one batch while it stores another.
const IN_FLIGHT: usize = 4;

/// Posts NDJSON batches of events to a server, a few at once; returns the events sent.
/// Batches may land out of order: the projection gives the same records either way.
pub async fn post(
    base: &str,
    tenant: &TenantId,
    token: &str,
    workload: Workload,
    total: u64,
) -> anyhow::Result<u64> {
    let client = reqwest::Client::new();
    let url = format!(
        "{}/api/v1/tenants/{tenant}/events",
        base.trim_end_matches('/')
    );
    let progress = bar(total, "posting");
    let mut in_flight = tokio::task::JoinSet::new();
    let send = |body: String| {
        let request = client
            .post(&url)
            .bearer_auth(token)
            .header("content-type", "application/x-ndjson")
            .body(body);
        async move {
            let response = request.send().await.context("cannot reach the server")?;
            if !response.status().is_success() {
                bail!(
                    "the server answered {}: {}",
                    response.status(),
                    response.text().await.unwrap_or_default()
                );
            }
            anyhow::Ok(())
        }
    };
    let mut batch = String::new();
    let (mut in_batch, mut sent) = (0, 0u64);
    let mut workload = workload.peekable();
    while let Some(events) = workload.next() {
        for event in &events {
            batch.push_str(&event.to_string());
            batch.push('\n');
            in_batch += 1;
        }
        sent += events.len() as u64;
        progress.inc(1);
        if in_batch >= BATCH || (workload.peek().is_none() && in_batch > 0) {
            if in_flight.len() >= IN_FLIGHT {
                in_flight
                    .join_next()
                    .await
                    .expect("a request in flight")??;
            }
            in_flight.spawn(send(std::mem::take(&mut batch)));
            in_batch = 0;
        }
    }
    while let Some(done) = in_flight.join_next().await {
        done??;
    }
    progress.finish_and_clear();
    Ok(sent)
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let start_ms = args
        .start
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis();
    let workload = Workload::new(Spec {
        interactions: args.interactions,
        seed: args.seed,
        days: args.days,
        start_ms,
    });
    if let Some(base) = &args.post {
        let token = args
            .token
            .as_ref()
            .map(Secret::expose)
            .context("--post needs --token (or INTERLOG_TOKEN)")?;
        let sent = post(base, &args.tenant, token, workload, args.interactions).await?;
        eprintln!(
            "posted {sent} events of {} interactions to {base} (tenant {})",
            args.interactions, args.tenant
        );
        return Ok(());
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let progress = if args.out.is_some() {
        bar(args.interactions, "writing")
    } else {
        ProgressBar::hidden()
    };
    for events in workload {
        for event in events {
            writeln!(out, "{event}")?;
        }
        progress.inc(1);
    }
    out.flush()?;
    progress.finish_and_clear();
    Ok(())
}

/// Load a small, realistic day of interactions into tenant `demo`, so there is something to
/// look at right away.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// The tenant to fill.
    #[arg(long, value_parser = crate::common::parse_tenant, default_value = "demo")]
    tenant: TenantId,
    /// How many interactions (spread over today, UTC).
    #[arg(long, default_value_t = 500)]
    interactions: u64,
    /// A running server to post to; without it, the data directory's store is filled directly.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The token for --url (default: one minted with the data directory's secret).
    #[arg(long, env = "INTERLOG_TOKEN", hide_env_values = true)]
    token: Option<Secret>,
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    let today = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_millis();
    let workload = Workload::new(Spec {
        interactions: args.interactions,
        seed: 42,
        days: 1,
        start_ms: today,
    });
    match &args.url {
        Some(url) => {
            let token = match &args.token {
                Some(token) => token.expose().to_string(),
                None => crate::token::mint(&args.data.data_dir, &args.tenant)?,
            };
            post(url, &args.tenant, &token, workload, args.interactions).await?;
        }
        None => {
            let store = args.database.open(&args.data.data_dir).await?;
            let progress = bar(args.interactions, "loading");
            let mut batch: Vec<Event> = Vec::with_capacity(BATCH);
            for events in workload {
                batch.extend(parse_log(events));
                progress.inc(1);
                if batch.len() >= BATCH {
                    store.append_events(&args.tenant, &batch).await?;
                    batch.clear();
                }
            }
            store.append_events(&args.tenant, &batch).await?;
            progress.finish_and_clear();
        }
    }
    println!(
        "Loaded {} interactions into tenant {}. Try:",
        args.interactions, args.tenant
    );
    // The server posted to, else the one `serve` starts by default.
    let base = (args.url.as_deref())
        .unwrap_or("http://127.0.0.1:8080")
        .trim_end_matches('/');
    println!("  TOKEN=$(interlog token --tenant {})", args.tenant);
    println!("  curl -s \"{base}/api/v1/tenants/{}/interactions?limit=5\" -H \"Authorization: Bearer $TOKEN\"", args.tenant);
    println!(
        "or open the console at {base}/ and sign in with tenant {} and the token",
        args.tenant
    );
    Ok(())
}
