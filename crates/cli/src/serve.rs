//! `interlog serve`: run the HTTP server.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use interlog_server::auth::{JwtOptions, RateLimit};
use interlog_server::nats::NatsConfig;
use interlog_server::state::{
    DEFAULT_AUDIT_RETENTION_DAYS, DEFAULT_DNIS_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT,
    DEFAULT_RETENTION_SWEEP,
};
use interlog_server::{Config, WebhookConfig};
use tokio::net::TcpListener;

use crate::common::{DataArgs, DatabaseArgs, SecretArgs};
use crate::nats::NatsArgs;

/// Run the HTTP server (on the embedded SQLite store unless --database names PostgreSQL).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "INTERLOG_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    listen: SocketAddr,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    secret: SecretArgs,

    #[command(flatten)]
    database: DatabaseArgs,

    #[command(flatten)]
    nats: NatsArgs,

    /// Largest accepted request body in bytes; larger bodies get 413.
    #[arg(long, env = "INTERLOG_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES, value_name = "BYTES")]
    max_body_bytes: usize,

    /// A PEM file with an RSA (RS256) or P-256 (ES256) public key that signs tokens;
    /// repeat for several.
    #[arg(
        long = "jwt-public-key",
        env = "INTERLOG_JWT_PUBLIC_KEY",
        value_name = "FILE"
    )]
    jwt_public_keys: Vec<PathBuf>,

    /// A JWKS file (RS256/ES256 keys, chosen by the token's `kid`).
    #[arg(long, env = "INTERLOG_JWKS", value_name = "FILE")]
    jwks: Option<PathBuf>,

    /// Accept only tokens with this `iss`.
    #[arg(long, env = "INTERLOG_JWT_ISSUER")]
    jwt_issuer: Option<String>,

    /// Accept only tokens with this `aud`.
    #[arg(long, env = "INTERLOG_JWT_AUDIENCE")]
    jwt_audience: Option<String>,

    /// Requests per second each principal (token subject or API key) may make; 0 disables
    /// the limit. Over it: 429 with Retry-After.
    #[arg(long, env = "INTERLOG_RATE_LIMIT", default_value_t = DEFAULT_RATE_LIMIT.per_second, value_name = "N")]
    rate_limit: u32,

    /// Requests a principal may make at once before the rate applies.
    #[arg(long, env = "INTERLOG_RATE_BURST", default_value_t = DEFAULT_RATE_LIMIT.burst, value_name = "N")]
    rate_burst: u32,

    /// The URL clients reach this server at, for the absolute links some dialects return
    /// (Talkdesk paging, Genesys content URLs); default: built from each request's Host.
    #[arg(long, env = "INTERLOG_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,

    /// Seconds an X-Platform DNIS allocation holds its phone number before it lapses.
    #[arg(long, env = "INTERLOG_DNIS_TIMEOUT", default_value_t = DEFAULT_DNIS_TIMEOUT.as_secs(), value_name = "SECONDS")]
    dnis_timeout: u64,

    /// Largest accepted binary upload (photos, attachments) in bytes; larger uploads get 413.
    #[arg(long, env = "INTERLOG_MAX_CONTENT_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES, value_name = "BYTES")]
    max_content_bytes: usize,

    /// Seconds between sweeps of expired interactions (tenants' retentionDays); 0 disables
    /// the sweeper.
    #[arg(long, env = "INTERLOG_RETENTION_SWEEP_SECONDS", default_value_t = DEFAULT_RETENTION_SWEEP.as_secs(), value_name = "SECONDS")]
    retention_sweep_seconds: u64,

    /// After SIGTERM or SIGINT: how long in-flight requests may take to finish before the
    /// server gives up on them and exits with an error. A second signal exits at once.
    #[arg(
        long,
        env = "INTERLOG_SHUTDOWN_TIMEOUT_SECONDS",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    shutdown_timeout_seconds: u64,

    /// Serve Prometheus metrics (`GET /metrics`) on this address of their own instead of
    /// on --listen (e.g. 127.0.0.1:9090, reachable only by the scraper).
    #[arg(long, env = "INTERLOG_METRICS_LISTEN", value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,

    /// Days audit entries are kept (PCI DSS asks for at least 12 months); the sweeper
    /// deletes older ones.
    #[arg(
        long,
        env = "INTERLOG_AUDIT_RETENTION_DAYS",
        default_value_t = DEFAULT_AUDIT_RETENTION_DAYS,
        value_name = "DAYS"
    )]
    audit_retention_days: u32,

    /// Seconds before a failed webhook delivery is tried again; each later retry doubles
    /// the wait (to at most an hour), less up to half of it at random.
    #[arg(
        long,
        env = "INTERLOG_WEBHOOK_FIRST_RETRY_SECONDS",
        default_value_t = 5.0,
        value_name = "SECONDS"
    )]
    webhook_first_retry_seconds: f64,

    /// Hours after its commit a webhook delivery is still tried; then it is marked failed.
    #[arg(
        long,
        env = "INTERLOG_WEBHOOK_RETRY_HOURS",
        default_value_t = 24,
        value_name = "HOURS"
    )]
    webhook_retry_hours: u64,

    /// Seconds a webhook receiver has to answer one delivery.
    #[arg(
        long,
        env = "INTERLOG_WEBHOOK_TIMEOUT_SECONDS",
        default_value_t = 10,
        value_name = "SECONDS"
    )]
    webhook_timeout_seconds: u64,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let config = Config {
        data_dir: args.data.data_dir.clone(),
        jwt_secret: args.secret.secret(),
        jwt: JwtOptions {
            public_key_files: args.jwt_public_keys.clone(),
            jwks_file: args.jwks.clone(),
            issuer: args.jwt_issuer.clone(),
            audience: args.jwt_audience.clone(),
        },
        rate_limit: RateLimit {
            per_second: args.rate_limit,
            burst: args.rate_burst,
        },
        max_body_bytes: args.max_body_bytes,
        max_content_bytes: args.max_content_bytes,
        database_url: args
            .database
            .database_url
            .as_ref()
            .map(|url| url.as_str().to_string()),
        pool: args.database.pool(),
        public_url: args.public_url.clone(),
        dnis_timeout: std::time::Duration::from_secs(args.dnis_timeout),
        retention_sweep: std::time::Duration::from_secs(args.retention_sweep_seconds),
        metrics_on_main: args.metrics_listen.is_none(),
        audit: true,
        audit_retention_days: args.audit_retention_days,
        originals_key_file: args.database.originals_key_file.clone(),
        webhooks: WebhookConfig {
            first_retry: std::time::Duration::try_from_secs_f64(args.webhook_first_retry_seconds)
                .context("--webhook-first-retry-seconds must be a duration in seconds")?,
            retry_period: std::time::Duration::from_secs(args.webhook_retry_hours * 3600),
            timeout: std::time::Duration::from_secs(args.webhook_timeout_seconds.max(1)),
        },
    };
    let state = interlog_server::open(&config).await.with_context(|| {
        format!(
            "cannot start on data directory {}",
            config.data_dir.display()
        )
    })?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    if let Some(metrics) = args.metrics_listen {
        let metrics = TcpListener::bind(metrics)
            .await
            .with_context(|| format!("cannot listen on {metrics} for metrics"))?;
        tracing::info!(address = %metrics.local_addr()?, "metrics listening");
        tokio::spawn(interlog_server::run_metrics(metrics, state.clone()));
    }
    let address = listener.local_addr()?;
    tracing::info!(%address, data = %config.data_dir.display(), "interlog listening");
    // Not println!: a closed stdout (a supervisor that stopped reading) must not kill the server.
    let data = config.data_dir.display();
    let _ = writeln!(
        std::io::stdout().lock(),
        "Interlog listening on http://{address} (data: {data})\nGet a token:  TOKEN=$(interlog token --tenant <TENANT> --data {data})\nThe console: http://{address}/ (sign in with the tenant and the token)"
    );
    let timeout = std::time::Duration::from_secs(args.shutdown_timeout_seconds);
    let store = state.store.clone();
    serve_until_stopped(listener, state, args.nats.config(), timeout).await?;
    // Not needed for exact reports (they read what is pending), but the next start begins
    // with nothing to fold.
    if let Err(error) = store.fold_pending().await {
        tracing::warn!(%error, "cannot fold the report rollups' pending changes");
    }
    tracing::info!("interlog stopped");
    Ok(())
}

/// Serves (and consumes from NATS, when configured) until SIGTERM or SIGINT, then stops
/// accepting connections and lets in-flight requests and the stream's batch in hand finish
/// (each acknowledged only after its commit) for at most `timeout`; a second signal exits
/// at once.
async fn serve_until_stopped(
    listener: TcpListener,
    state: interlog_server::AppState,
    nats: Option<NatsConfig>,
    timeout: std::time::Duration,
) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        signal().await;
        tracing::info!(
            timeout_seconds = timeout.as_secs(),
            "stopping: no new connections, finishing in-flight requests (a second signal exits at once)"
        );
        let _ = stop.send(true);
        signal().await;
        tracing::warn!("second signal: exiting at once");
        crate::flush_logs();
        std::process::exit(130);
    });
    let consumer = nats.map(|config| {
        let consume = interlog_server::nats::consume(state.store.clone(), config, stopped.clone());
        tokio::spawn(consume)
    });
    let mut until = stopped.clone();
    let served = async move {
        interlog_server::run(listener, state, async move {
            let _ = until.wait_for(|stop| *stop).await;
        })
        .await?;
        if let Some(consumer) = consumer {
            consumer.await?;
        }
        anyhow::Ok(())
    };
    let mut until = stopped;
    let bound = async move {
        let _ = until.wait_for(|stop| *stop).await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        served = served => served,
        () = bound => anyhow::bail!(
            "in-flight requests did not finish within {} s of the stop signal",
            timeout.as_secs()
        ),
    }
}

/// Completes on Ctrl-C or SIGTERM.
/// The next SIGINT (Ctrl-C) or SIGTERM.
async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
