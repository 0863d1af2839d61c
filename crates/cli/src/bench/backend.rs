//! Measuring one backend: start a server on a fresh store, load the workload over HTTP,
//! measure every endpoint, live traffic and the raw store's point lookups, then time `import`.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use interlog_core::settings::{TenantSettings, TimeZone};
use interlog_core::{InteractionId, TenantId};
use interlog_server::auth::RateLimit;
use interlog_server::Config;
use interlog_store::postgres::PoolSettings;
use interlog_store::Store;
use interlog_workload::{Rng, Spec, Workload};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::endpoints::endpoints;
use super::import::time_import;
use super::live::{long_interaction, single_events, Nth, Traffic};
use super::load::{measure, Figure};
use super::memory;
use super::sweep::while_sweeping;
use super::{Args, BackendKind, START_MS, TENANT, ZONE};

/// A number of events taken in over some seconds.
pub(super) struct Rate {
    pub events: u64,
    pub seconds: f64,
}

impl Rate {
    pub fn per_second(&self) -> f64 {
        self.events as f64 / self.seconds.max(f64::EPSILON)
    }

    pub fn json(&self) -> Value {
        json!({"events": self.events, "seconds": self.seconds, "eventsPerSecond": self.per_second()})
    }
}

/// Everything measured on one backend.
pub(super) struct Run {
    pub backend: &'static str,
    pub ingest: Rate,
    /// Interactions imported as CxEngage documents (one event each).
    pub import: Rate,
    pub figures: Vec<Figure>,
    /// The cost of the Nth message of one long conversation.
    pub long: Vec<Nth>,
    pub store_lookups_per_second: f64,
    /// Interactions the retention sweep deleted while its figures were measured.
    pub swept: u64,
    pub bytes_per_interaction: f64,
    pub memory: Memory,
    /// How long folding the report changes still pending took after the load.
    pub fold_seconds: f64,
    /// How long refreshing the planner's statistics took after the load.
    pub analyze_seconds: f64,
}

/// Peak resident memory (server and client) of the phases that are not figures (each
/// figure has its own), and of the whole run, in bytes.
#[derive(Default)]
pub(super) struct Memory {
    /// Ingest, the fold after it and the planner's statistics.
    pub load: Option<u64>,
    pub long_conversation: Option<u64>,
    pub import: Option<u64>,
    /// Every phase and figure, and the gaps between them.
    pub whole_run: Option<u64>,
}

/// A server started in this process for the run, and what the harness reaches it by.
struct Server {
    store: Arc<dyn Store>,
    base: String,
    task: JoinHandle<std::io::Result<()>>,
    stop: oneshot::Sender<()>,
}

impl Server {
    /// Shuts the server down as `serve` does on SIGTERM and waits for it, so that its
    /// background tasks let go of the store and the store's memory (pools, page caches,
    /// the committer) is freed before the next backend's run: else that run's peak RSS
    /// counted this one's leftovers.
    async fn stop(self) {
        let _ = self.stop.send(());
        let abort = self.task.abort_handle();
        if tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .is_err()
        {
            abort.abort();
        }
    }
}

/// Loads the workload into a fresh store on `backend` and measures it.
pub(super) async fn measure_backend(
    args: &Args,
    backend: BackendKind,
    scratch: &Path,
    database_url: Option<String>,
) -> anyhow::Result<Run> {
    memory::begin_run();
    let server = start(args, scratch, database_url).await?;
    let store = server.store.as_ref();
    let tenant = TenantId::parse(TENANT).expect("a valid tenant");
    let token = crate::token::mint(scratch, &tenant)?;
    let (ingest, days, [fold_seconds, analyze_seconds]) =
        load(args, backend, &server, &tenant, &token).await?;
    let bytes_per_interaction = store.size_bytes().await? as f64 / args.interactions.max(1) as f64;
    let mut memory = Memory {
        load: memory::mark(),
        ..Memory::default()
    };

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    eprintln!("{}: measuring the endpoints", backend.name());
    let mut figures = measure_endpoints(args, &client, &server.base, &token, days).await;
    figures.extend(single_events(args, &client, &server.base, Traffic::loaded(&token)).await);
    eprintln!("{}: one long conversation", backend.name());
    memory::mark();
    let long = long_interaction(args, &client, &server.base, &token).await?;
    memory.long_conversation = memory::mark();
    let store_lookups_per_second = store_lookups(args, store, &tenant).await?;

    // `import` of CxEngage documents (another seed than the loaded workload), into a tenant
    // of its own; only the import is timed, not the export.
    eprintln!("{}: importing CxEngage documents", backend.name());
    let workload = Workload::new(spec(args.interactions.min(args.import_max), 2));
    let import_tenant = TenantId::parse("bench-import").expect("a valid tenant");
    memory::mark();
    let import = time_import(store, scratch, &tenant, &import_tenant, workload).await?;
    memory.import = memory::mark();
    // Last, as it deletes the loaded history.
    eprintln!("{}: live traffic while retention sweeps", backend.name());
    let store = server.store.clone();
    let (sweeping, swept) =
        while_sweeping(args, &client, &server.base, scratch, store, &tenant).await?;
    figures.extend(sweeping);
    drop(client); // its idle connections, which the server's shutdown would wait for
    server.stop().await;
    memory.whole_run = memory::run_peak();

    Ok(Run {
        backend: backend.name(),
        ingest,
        import,
        figures,
        long,
        store_lookups_per_second,
        swept,
        bytes_per_interaction,
        memory,
        fold_seconds,
        analyze_seconds,
    })
}

/// Sets the loaded tenant in New York (as set up before its first event: its day rows are
/// New York's), loads the workload, folds the report changes still pending (the store's
/// folder would within a second) and refreshes the planner's statistics as a DBA does
/// after a bulk load (autovacuum would, later): the ingest rate, the days, and the seconds
/// the fold and the refresh took (each timed apart from ingest).
async fn load(
    args: &Args,
    backend: BackendKind,
    server: &Server,
    tenant: &TenantId,
    token: &str,
) -> anyhow::Result<(Rate, u32, [f64; 2])> {
    let settings = TenantSettings {
        time_zone: TimeZone::parse(ZONE).expect("a valid zone"),
        ..TenantSettings::default()
    };
    server.store.put_tenant_settings(tenant, &settings).await?;
    eprintln!(
        "{}: loading {} interactions",
        backend.name(),
        args.interactions
    );
    let (ingest, days) = ingest(args, &server.base, tenant, token).await?;
    let began = Instant::now();
    server.store.fold_pending().await?;
    let fold = began.elapsed().as_secs_f64();
    let began = Instant::now();
    server.store.refresh_statistics().await?;
    Ok((ingest, days, [fold, began.elapsed().as_secs_f64()]))
}

/// Opens a store in `scratch` (or at `database_url`) and serves it on a free local port,
/// without a rate limit.
async fn start(
    args: &Args,
    scratch: &Path,
    database_url: Option<String>,
) -> anyhow::Result<Server> {
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
    config.audit = !args.no_audit;
    let state = interlog_server::open(&config)
        .await
        .context("cannot open the store")?;
    let store = state.store.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(interlog_server::run(listener, state, async move {
        let _ = stopped.await;
    }));
    Ok(Server {
        store,
        base,
        task,
        stop,
    })
}

/// Ingests the workload through the HTTP API, NDJSON batches of 1000 events; the rate, and
/// the days the workload spans.
async fn ingest(
    args: &Args,
    base: &str,
    tenant: &TenantId,
    token: &str,
) -> anyhow::Result<(Rate, u32)> {
    let load = spec(args.interactions, 1);
    let days = load.days;
    let began = Instant::now();
    let events =
        crate::generate::post(base, tenant, token, Workload::new(load), args.interactions).await?;
    let ingest = Rate {
        events,
        seconds: began.elapsed().as_secs_f64(),
    };
    Ok((ingest, days))
}

/// Every endpoint at every concurrency, one after the other.
async fn measure_endpoints(
    args: &Args,
    client: &reqwest::Client,
    base: &str,
    token: &str,
    days: u32,
) -> Vec<Figure> {
    let duration = Duration::from_millis(args.duration_ms);
    let mut figures = Vec::new();
    for (endpoint, alone, pick) in endpoints(base, args.interactions, days) {
        let connections = if alone { &[1][..] } else { &args.connections };
        for &c in connections {
            figures.push(measure(client, token, endpoint, c, duration, pick.clone()).await);
        }
    }
    figures
}

/// The raw store's point lookups per second, no HTTP: the other floor.
async fn store_lookups(args: &Args, store: &dyn Store, tenant: &TenantId) -> anyhow::Result<f64> {
    let duration = Duration::from_millis(args.duration_ms);
    let began = Instant::now();
    let mut rng = Rng::new(9);
    let mut lookups = 0u64;
    while began.elapsed() < duration {
        let id = InteractionId::parse(format!("gen-1-{}", rng.below(args.interactions.max(1))))
            .expect("a valid id");
        store.get_interaction(tenant, &id).await?;
        lookups += 1;
    }
    Ok(lookups as f64 / began.elapsed().as_secs_f64())
}

/// `interactions` of the workload with `seed`, a day per 50,000 from 2024-01-01.
pub(super) fn spec(interactions: u64, seed: u64) -> Spec {
    Spec {
        interactions,
        seed,
        days: (interactions / 50_000).max(1) as u32,
        start_ms: START_MS,
    }
}
