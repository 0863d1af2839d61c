//! Application state shared by every handler, and how to build it from configuration.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use interlog_store::originals::OriginalsKey;
use interlog_store::postgres::PoolSettings;
use interlog_store::{Store, StoreError};

use crate::auth::{self, Authenticator, JwtKeys, JwtOptions, JwtSecret, RateLimit};

/// The default per-principal rate: 1000 requests per second, bursts of 2000 (a dialler
/// polling hundreds of agents with one service token stays well inside it).
pub const DEFAULT_RATE_LIMIT: RateLimit = RateLimit {
    per_second: 1000,
    burst: 2000,
};

/// The default lifetime of a DNIS allocation: 10 minutes.
pub const DEFAULT_DNIS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// The default request body and upload limit: 10 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// What the server is started with. `Debug` hides the secrets: the JWT secret, and the
/// password in the database URL.
#[derive(Clone)]
pub struct Config {
    /// Where the SQLite database and the generated JWT secret live.
    pub data_dir: PathBuf,
    /// The HS256 secret; when `None`, the one in the data directory (created on first use).
    pub jwt_secret: Option<JwtSecret>,
    /// RS256/ES256 keys and issuer/audience checks.
    pub jwt: JwtOptions,
    /// Requests per second (and burst) per principal; 0 disables.
    pub rate_limit: RateLimit,
    /// Bodies larger than this are refused with 413.
    pub max_body_bytes: usize,
    /// Uploaded binaries larger than this are refused with 413.
    pub max_content_bytes: usize,
    /// `postgres://...` to use PostgreSQL; `None` for the SQLite file in the data directory.
    pub database_url: Option<String>,
    /// PostgreSQL pool settings.
    pub pool: PoolSettings,
    /// How long an X-Platform DNIS allocation holds a phone number before it lapses.
    pub dnis_timeout: std::time::Duration,
    /// The URL clients reach this server at (`https://interlog.example.com`), for the absolute
    /// links some dialects return; when unset, built from the request's Host.
    pub public_url: Option<String>,
    /// How often expired interactions are swept (tenants' `retentionDays`); zero disables.
    pub retention_sweep: std::time::Duration,
    /// Whether the main router serves `GET /metrics` (false when a listener of its own
    /// serves [`crate::run_metrics`]).
    pub metrics_on_main: bool,
    /// Whether every request leaves an audit entry (on by default; off only to measure what
    /// it costs).
    pub audit: bool,
    /// Audit entries older than this many days are deleted by the sweeper.
    pub audit_retention_days: u32,
    /// The key that seals kept originals; when `None`, `originals.key` in the data
    /// directory (created on first use). Servers over one PostgreSQL must share one.
    pub originals_key_file: Option<PathBuf>,
    /// How webhook deliveries are attempted and retried.
    pub webhooks: crate::webhooks::WebhookConfig,
}

/// How long audit entries are kept by default (PCI DSS 10.5.1 asks for 12 months).
pub const DEFAULT_AUDIT_RETENTION_DAYS: u32 = 400;

/// The retention sweeper's default period.
pub const DEFAULT_RETENTION_SWEEP: std::time::Duration = std::time::Duration::from_secs(3600);

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            jwt_secret: None,
            jwt: JwtOptions::default(),
            rate_limit: DEFAULT_RATE_LIMIT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_content_bytes: DEFAULT_MAX_BODY_BYTES,
            database_url: None,
            pool: PoolSettings::default(),
            public_url: None,
            dnis_timeout: DEFAULT_DNIS_TIMEOUT,
            retention_sweep: DEFAULT_RETENTION_SWEEP,
            metrics_on_main: true,
            audit: true,
            audit_retention_days: DEFAULT_AUDIT_RETENTION_DAYS,
            originals_key_file: None,
            webhooks: crate::webhooks::WebhookConfig::default(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured, so that a new field cannot be forgotten here.
        let Config {
            data_dir,
            jwt_secret,
            jwt,
            rate_limit,
            max_body_bytes,
            max_content_bytes,
            database_url,
            pool,
            dnis_timeout,
            public_url,
            retention_sweep,
            metrics_on_main,
            audit,
            audit_retention_days,
            originals_key_file,
            webhooks,
        } = self;
        f.debug_struct("Config")
            .field("data_dir", data_dir)
            .field("jwt_secret", jwt_secret)
            .field("jwt", jwt)
            .field("rate_limit", rate_limit)
            .field("max_body_bytes", max_body_bytes)
            .field("max_content_bytes", max_content_bytes)
            .field(
                "database_url",
                &database_url.as_deref().map(interlog_store::redact_password),
            )
            .field("pool", pool)
            .field("dnis_timeout", dnis_timeout)
            .field("public_url", public_url)
            .field("retention_sweep", retention_sweep)
            .field("metrics_on_main", metrics_on_main)
            .field("audit", audit)
            .field("audit_retention_days", audit_retention_days)
            .field("originals_key_file", originals_key_file)
            .field("webhooks", webhooks)
            .finish()
    }
}

/// Request limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted binary upload, in bytes.
    pub max_content_bytes: usize,
}

/// Everything a handler can reach.
pub struct App {
    /// The storage backend; every call is tenant-scoped.
    pub store: Arc<dyn Store>,
    /// Verifies credentials into principals and limits their request rate.
    pub auth: Authenticator,
    pub limits: Limits,
    /// The configured public base URL, without a trailing slash.
    pub public_url: Option<String>,
    /// How long a DNIS allocation holds its phone number.
    pub dnis_timeout: std::time::Duration,
    /// Whether the main router serves `GET /metrics`.
    pub metrics_on_main: bool,
    /// Where each request's audit entry goes.
    pub audit: crate::audit::AuditLog,
    /// Turns true when the server begins to stop: live streams end, so that graceful
    /// shutdown does not wait on them.
    pub(crate) stopping: tokio::sync::watch::Sender<bool>,
}

/// Cheap to clone: handlers receive it through axum's `State`.
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data directory {path}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read or create the JWT secret")]
    Secret(#[source] std::io::Error),
    #[error("cannot load the JWT verification keys")]
    Keys(#[from] auth::jwt::KeyFileError),
    #[error("cannot open the database")]
    Store(#[from] StoreError),
    #[error(transparent)]
    OriginalsKey(#[from] interlog_store::originals::KeyError),
}

/// Opens the store and the secret named by `config`.
pub async fn open(config: &Config) -> Result<AppState, StartError> {
    std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
        path: config.data_dir.clone(),
        source,
    })?;
    let secret = match &config.jwt_secret {
        Some(secret) => secret.clone(),
        None => auth::secret::load_or_create(&config.data_dir).map_err(StartError::Secret)?,
    };
    let store = match &config.database_url {
        Some(url) => interlog_store::open(url, &config.pool).await?,
        None => Arc::new(interlog_store::sqlite::open(&config.data_dir.join("interlog.db")).await?),
    };
    let key_file = config.originals_key_file.as_deref();
    store.use_originals_key(OriginalsKey::load(&config.data_dir, key_file)?);
    let jwt = JwtKeys::with_options(&secret, &config.jwt)?;
    let audit_days = i64::from(config.audit_retention_days);
    crate::telemetry::handle(); // the recorder, before the first request counts
    let stopping = tokio::sync::watch::Sender::new(false);
    let sweeper = stopping.subscribe();
    crate::retention::spawn(store.clone(), config.retention_sweep, audit_days, sweeper);
    crate::webhooks::spawn(store.clone(), config.webhooks, stopping.subscribe());
    let store_for_audit = store.clone();
    Ok(AppState(Arc::new(App {
        auth: Authenticator::new(jwt, store.clone(), config.rate_limit),
        store,
        limits: Limits {
            max_body_bytes: config.max_body_bytes,
            max_content_bytes: config.max_content_bytes,
        },
        public_url: config
            .public_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_string()),
        dnis_timeout: config.dnis_timeout,
        metrics_on_main: config.metrics_on_main,
        audit: crate::audit::AuditLog::start(store_for_audit, config.audit),
        stopping,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_config_but_not_its_secrets() {
        let mut config = Config::new("/var/lib/interlog");
        config.database_url = Some("postgres://interlog:hunter2@db:5432/interlog".into());
        config.jwt_secret = Some(JwtSecret::new("swordfish"));
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("swordfish"), "{shown}");
        assert!(
            shown.contains("postgres://interlog:***@db:5432/interlog"),
            "{shown}"
        );
        assert!(shown.contains("/var/lib/interlog"), "{shown}");
    }
}
