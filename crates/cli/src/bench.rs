//! `interlog bench`: the load harness. For each backend (SQLite, then PostgreSQL in a schema
//! of its own), it starts a server in this process, loads a synthetic workload through the
//! HTTP API, measures each endpoint at several concurrencies beside the floor measured the
//! same way (`GET /healthz` on the same server), so that the ratio holds on a noisy machine,
//! then times `import` of vendor documents. It prints markdown tables and writes JSON.
//!
//! The client runs in the same process as the server and shares its cores: the floor pays
//! that cost too, which is what makes the ratios comparable.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::ValueEnum;
use interlog_core::{InteractionId, TenantId};
use interlog_dialects::cxengage;
use interlog_server::auth::RateLimit;
use interlog_server::Config;
use interlog_store::postgres::{PoolSettings, ScratchSchema};
use interlog_workload::{project_log, Rng, Spec, Workload};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::import::Format;

/// Measure ingest and query performance on a synthetic workload, beside the floor.
///
/// For each backend (SQLite, then PostgreSQL): load N generated interactions over HTTP, time
/// each endpoint at each concurrency beside `GET /healthz` on the same server and the raw
/// store's point lookups, time `import` of CxEngage documents, and report bytes on disk and
/// peak RSS. Prints markdown tables and writes JSON (--out).
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
    database: String,
    /// For the postgres backend: the connections the server may hold.
    #[arg(long, default_value_t = 16, value_name = "N")]
    db_max_connections: u32,
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

const TENANT: &str = "bench";
const DAY_MS: i64 = 86_400_000;
const START_MS: i64 = 1_704_067_200_000; // 2024-01-01

/// A number of events taken in over some seconds.
struct Rate {
    events: u64,
    seconds: f64,
}

impl Rate {
    fn per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(f64::EPSILON)
    }

    fn json(&self) -> Value {
        json!({"events": self.events, "seconds": self.seconds, "eventsPerSecond": self.per_second()})
    }
}

/// Everything measured on one backend.
struct Run {
    backend: &'static str,
    ingest: Rate,
    /// Interactions imported as CxEngage documents (one event each).
    import: Rate,
    figures: Vec<Figure>,
    store_lookups_per_second: f64,
    bytes_per_interaction: f64,
    peak_rss: Option<u64>,
    /// How long refreshing the planner's statistics took after the load.
    analyze_seconds: f64,
}

/// One measured figure.
struct Figure {
    endpoint: &'static str,
    connections: usize,
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// Runs `connections` closed-loop clients against the URLs `pick` chooses for `duration`.
async fn measure(
    client: &reqwest::Client,
    token: &str,
    endpoint: &'static str,
    connections: usize,
    duration: Duration,
    pick: Pick,
) -> Figure {
    let deadline = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..connections {
        let (client, token, pick) = (client.clone(), token.to_string(), pick.clone());
        tasks.spawn(async move {
            let mut rng = Rng::new(n as u64 + 1);
            let (mut latencies, mut errors) = (Vec::new(), 0u64);
            while Instant::now() < deadline {
                let (url, headers) = pick(&mut rng);
                let mut request = client.get(&url).bearer_auth(&token);
                for (name, value) in headers {
                    request = request.header(*name, *value);
                }
                let began = Instant::now();
                match request.send().await {
                    Ok(response) if response.status().is_success() => {
                        let _ = response.bytes().await;
                        latencies.push(began.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        });
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while let Some(Ok((l, e))) = tasks.join_next().await {
        latencies.extend(l);
        errors += e;
    }
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figure {
        endpoint,
        connections,
        requests_per_second: latencies.len() as f64 / duration.as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        errors,
    }
}

/// The peak resident set of this process (server and client), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace()
        .nth(1)?
        .parse::<u64>()
        .ok()
        .map(|kb| kb * 1024)
}

/// Starts a new peak for [`peak_rss`], so each backend's run reports its own.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

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
                let schema = ScratchSchema::create(&args.database, &format!("interlog_bench_{}", std::process::id()))
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
    report(&args, &runs)
}

/// Loads the workload into a fresh store on `backend` and measures it.
async fn measure_backend(
    args: &Args,
    backend: BackendKind,
    scratch: &Path,
    database_url: Option<String>,
) -> anyhow::Result<Run> {
    reset_peak_rss();
    let mut config = Config::new(scratch);
    config.database_url = database_url;
    config.pool = PoolSettings {
        max_connections: args.db_max_connections,
        ..PoolSettings::default()
    };
    config.rate_limit = RateLimit {
        per_second: 0,
        burst: 0,
    };
    let state = interlog_server::open(&config)
        .await
        .context("cannot open the store")?;
    let store = state.store.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(interlog_server::run(
        listener,
        state,
        std::future::pending(),
    ));
    let tenant = TenantId::parse(TENANT).expect("a valid tenant");
    let token = crate::token::mint(scratch, &tenant)?;
    eprintln!(
        "{}: loading {} interactions",
        backend.name(),
        args.interactions
    );

    // Ingest through the HTTP API, NDJSON batches of 1000 events.
    let load = spec(args.interactions, 1);
    let days = load.days;
    let began = Instant::now();
    let events = crate::generate::post(
        &base,
        &tenant,
        &token,
        Workload::new(load),
        args.interactions,
    )
    .await?;
    let ingest = Rate {
        events,
        seconds: began.elapsed().as_secs_f64(),
    };
    // What a DBA does after a bulk load (autovacuum would, later); timed apart from ingest.
    let began = Instant::now();
    store.refresh_statistics().await?;
    let analyze_seconds = began.elapsed().as_secs_f64();
    let bytes_per_interaction = store.size_bytes().await? as f64 / args.interactions.max(1) as f64;

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let duration = Duration::from_millis(args.duration_ms);
    let mut figures = Vec::new();
    for (endpoint, pick) in endpoints(&base, args.interactions, days) {
        for &c in &args.connections {
            figures.push(measure(&client, &token, endpoint, c, duration, pick.clone()).await);
        }
    }

    // The raw store's point lookups, no HTTP: the other floor.
    let began = Instant::now();
    let mut rng = Rng::new(9);
    let mut lookups = 0u64;
    while began.elapsed() < duration {
        let id = InteractionId::parse(format!("gen-1-{}", rng.below(args.interactions.max(1))))
            .expect("a valid id");
        store.get_interaction(&tenant, &id).await?;
        lookups += 1;
    }
    let store_lookups_per_second = lookups as f64 / began.elapsed().as_secs_f64();
    // Before the import, which holds each file in memory, as `interlog import` does.
    let peak_rss = peak_rss();

    // `import` of CxEngage documents (another seed than the loaded workload), into a tenant
    // of its own; only the import is timed, not the export.
    let mut workload = Workload::new(spec(args.interactions.min(args.import_max), 2));
    let import_tenant = TenantId::parse("bench-import").expect("a valid tenant");
    let mut import = Rate {
        events: 0,
        seconds: 0.0,
    };
    loop {
        let file = cxengage_file(&tenant, &mut workload, IMPORT_FILE);
        if file.is_empty() {
            break;
        }
        let began = Instant::now();
        let outcome =
            crate::import::import(store.as_ref(), Format::Cxengage, &import_tenant, &file).await?;
        import.seconds += began.elapsed().as_secs_f64();
        import.events += outcome.new as u64;
        anyhow::ensure!(
            outcome.rejected.is_empty(),
            "import refused {} documents: {:?}",
            outcome.rejected.len(),
            outcome.rejected.first()
        );
    }
    server.abort();

    Ok(Run {
        backend: backend.name(),
        ingest,
        import,
        figures,
        store_lookups_per_second,
        bytes_per_interaction,
        peak_rss,
        analyze_seconds,
    })
}

/// `interactions` of the workload with `seed`, a day per 50,000 from 2024-01-01.
fn spec(interactions: u64, seed: u64) -> Spec {
    Spec {
        interactions,
        seed,
        days: (interactions / 50_000).max(1) as u32,
        start_ms: START_MS,
    }
}

/// Documents per file the harness imports.
const IMPORT_FILE: usize = 10_000;

/// The next `count` interactions of `workload` as CxEngage documents, one per line, the way
/// an export would hold them (empty when the workload is done).
fn cxengage_file(tenant: &TenantId, workload: &mut Workload, count: usize) -> String {
    let mut out = String::new();
    for raw in workload.take(count) {
        let record = project_log(tenant, raw);
        out.push_str(&cxengage::render::render_interaction(&record, false).to_string());
        out.push('\n');
    }
    out
}

/// Headers a dialect's requests carry beside the token.
type Headers = &'static [(&'static str, &'static str)];
type Pick = Arc<dyn Fn(&mut Rng) -> (String, Headers) + Send + Sync>;

/// The measured endpoints, each with how it picks its next URL (and its headers).
fn endpoints(base: &str, interactions: u64, days: u32) -> Vec<(&'static str, Pick)> {
    let n = interactions.max(1);
    let id = move |rng: &mut Rng| format!("gen-1-{}", rng.below(n));
    let day = move |rng: &mut Rng| {
        let from = START_MS + rng.below(u64::from(days)) as i64 * DAY_MS;
        let t = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        (t(from), t(from + DAY_MS))
    };
    let population = (n / 3).max(1);
    let agents = (n / 40).clamp(20, 300);
    let b = base.to_string();
    let api = format!("{b}/api/v1/tenants/{TENANT}");
    vec![
        (
            "GET /healthz (floor)",
            Arc::new({
                let b = b.clone();
                move |_: &mut Rng| (format!("{b}/healthz"), &[])
            }),
        ),
        (
            "native: get by id",
            Arc::new({
                let api = api.clone();
                move |r: &mut Rng| (format!("{api}/interactions/{}", id(r)), &[])
            }),
        ),
        (
            "cxengage: get by id",
            Arc::new({
                let b = b.clone();
                move |r: &mut Rng| {
                    (
                        format!(
                            "{b}/compat/cxengage/v1/tenants/{TENANT}/interactions/{}",
                            id(r)
                        ),
                        &[],
                    )
                }
            }),
        ),
        (
            "genesys-ucs: get by id",
            Arc::new({
                let b = b.clone();
                move |r: &mut Rng| {
                    (
                        format!("{b}/compat/genesys-ucs/interactions/{}", id(r)),
                        &[],
                    )
                }
            }),
        ),
        (
            "x-platform: summary by id",
            Arc::new({
                let b = b.clone();
                move |r: &mut Rng| {
                    (format!("{b}/compat/xplatform/interact/agent/version/2/account/{TENANT}/interactiondata/{}/summary", id(r)), &[("tenant-id", TENANT)])
                }
            }),
        ),
        (
            "native: 100 in a 1-day window",
            Arc::new({
                let api = api.clone();
                move |r: &mut Rng| {
                    let (from, to) = day(r);
                    (
                        format!("{api}/interactions?limit=100&from={from}&to={to}"),
                        &[],
                    )
                }
            }),
        ),
        (
            "talkdesk: 100 in a 1-day window",
            Arc::new({
                let b = b.clone();
                move |r: &mut Rng| {
                    let (from, to) = day(r);
                    (format!("{b}/compat/talkdesk/interactions?per_page=100&start_date={from}&end_date={to}"), &[])
                }
            }),
        ),
        (
            "native: customer history",
            Arc::new({
                let api = api.clone();
                move |r: &mut Rng| {
                    (
                        format!(
                            "{api}/customers/cust-{:06}/interactions",
                            (population as f64 * r.unit().powi(3)) as u64
                        ),
                        &[],
                    )
                }
            }),
        ),
        (
            "vonage: agent latest (v2)",
            Arc::new({
                let b = b.clone();
                move |r: &mut Rng| {
                    (format!("{b}/compat/vonage/v0/{TENANT}/agents/agent-{:03}/latestInteractions?size=3", r.below(agents - agents % 3)), &[("accept", "application/json;version=2")])
                }
            }),
        ),
        (
            "native: full-text search",
            Arc::new({
                let api = api.clone();
                move |_: &mut Rng| {
                    (
                        format!("{api}/interactions?q=charged%20twice&limit=20"),
                        &[],
                    )
                }
            }),
        ),
    ]
}

fn report(args: &Args, runs: &[Run]) -> anyhow::Result<()> {
    let mut results = Vec::new();
    for run in runs {
        println!(
            "## Interlog benchmark: {} interactions, {}\n",
            args.interactions, run.backend
        );
        println!(
            "Ingest over HTTP: {} events in {:.1} s = **{:.0} events/s**",
            run.ingest.events,
            run.ingest.seconds,
            run.ingest.per_second()
        );
        println!(
            "Ingest through `import` (CxEngage documents, one event each): {} in {:.1} s = **{:.0} interactions/s**",
            run.import.events, run.import.seconds, run.import.per_second()
        );
        if run.analyze_seconds >= 0.05 {
            println!(
                "Planner statistics refreshed after the load (ANALYZE) in {:.1} s",
                run.analyze_seconds
            );
        }
        println!(
            "Raw store point lookups (no HTTP): {:.0}/s",
            run.store_lookups_per_second
        );
        println!(
            "On disk (tables and indexes): {:.0} bytes per interaction",
            run.bytes_per_interaction
        );
        if let Some(rss) = run.peak_rss {
            println!(
                "Peak RSS (server and client, ingest and queries): {:.0} MiB",
                rss as f64 / 1_048_576.0
            );
        }
        let floor = |c: usize| {
            run.figures
                .iter()
                .find(|f| f.endpoint.ends_with("(floor)") && f.connections == c)
                .map_or(0.0, |f| f.requests_per_second)
        };
        println!("\n| endpoint | conns | req/s | vs /healthz | vs store lookups | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|");
        let mut rows = Vec::new();
        for f in &run.figures {
            let ratio = if floor(f.connections) > 0.0 {
                f.requests_per_second / floor(f.connections)
            } else {
                0.0
            };
            let to_store = f.requests_per_second / run.store_lookups_per_second.max(f64::EPSILON);
            println!(
                "| {} | {} | {:.0} | {:.0}% | {:.0}% | {:.2} | {:.2} | {} |",
                f.endpoint,
                f.connections,
                f.requests_per_second,
                ratio * 100.0,
                to_store * 100.0,
                f.p50_ms,
                f.p99_ms,
                f.errors
            );
            rows.push(json!({"endpoint": f.endpoint, "connections": f.connections, "requestsPerSecond": f.requests_per_second,
                "ratioToFloor": ratio, "ratioToStoreLookups": to_store, "p50Ms": f.p50_ms, "p99Ms": f.p99_ms, "errors": f.errors}));
        }
        println!();
        results.push(json!({
            "backend": run.backend, "ingest": run.ingest.json(), "import": run.import.json(),
            "storeLookupsPerSecond": run.store_lookups_per_second, "bytesPerInteraction": run.bytes_per_interaction,
            "peakRssBytes": run.peak_rss, "analyzeSeconds": run.analyze_seconds, "endpoints": rows,
        }));
    }
    let results =
        json!({"interactions": args.interactions, "durationMs": args.duration_ms, "runs": results});
    std::fs::write(&args.out, serde_json::to_string_pretty(&results)?)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("JSON: {}", args.out.display());
    Ok(())
}
