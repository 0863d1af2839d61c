//! Options shared by every command that works on a data directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use interlog_core::{TenantId, Timestamp};
use interlog_server::auth::JwtSecret;
use interlog_store::originals::OriginalsKey;
use interlog_store::postgres::PoolSettings;
use interlog_store::Store;

/// A progress bar over `len` interactions, saying what is done to them ("posting").
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let template = format!(
        "{{spinner}} {what} [{{bar:40}}] {{pos}}/{{len}} interactions ({{per_sec}}, {{eta}} left)"
    );
    ProgressBar::new(len).with_style(
        ProgressStyle::with_template(&template)
            .expect("a valid template")
            .progress_chars("=> "),
    )
}

/// Parses a `--tenant` value.
pub fn parse_tenant(raw: &str) -> Result<TenantId, String> {
    TenantId::parse(raw).map_err(|e| e.to_string())
}

/// Parses an RFC 3339 instant (`--from`, `--to`).
pub fn parse_timestamp(raw: &str) -> Result<Timestamp, String> {
    Timestamp::parse(raw).map_err(|e| e.to_string())
}

/// A secret given on the command line or in the environment (a token, the JWT secret).
/// `Debug` prints `***`, so no derived `Debug` of the arguments shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A database URL, which may hold a password. `Debug` shows it with the password replaced
/// by `***` (user, host and database stay: they help debugging).
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&interlog_store::redact_password(&self.0), f)
    }
}

/// The data directory (`--data`), shared by every command that keeps anything on disk.
///
/// Global, so that a command with subcommands (`keys`) takes it after the subcommand too.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// The data directory: the embedded SQLite database (when no PostgreSQL database is
    /// configured) and the generated JWT secret live here.
    #[arg(
        long = "data",
        env = "INTERLOG_DATA",
        default_value = "./interlog-data",
        value_name = "DIR",
        global = true
    )]
    pub data_dir: PathBuf,
}

/// The HS256 secret given on the command line (`--jwt-secret`), for the commands that sign or
/// verify tokens.
#[derive(Debug, clap::Args)]
pub struct SecretArgs {
    /// The HS256 secret that signs and verifies tokens. When unset, a random secret is
    /// created in the data directory (mode 0600) on first use and kept.
    #[arg(
        long,
        env = "INTERLOG_JWT_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub jwt_secret: Option<Secret>,
}

impl SecretArgs {
    pub fn secret(&self) -> Option<JwtSecret> {
        self.jwt_secret
            .as_ref()
            .map(|s| JwtSecret::new(s.expose().as_bytes()))
    }
}

/// Which database to use.
#[derive(Debug, clap::Args)]
pub struct DatabaseArgs {
    /// The database: `postgres://user@host/db` for PostgreSQL (many servers over one
    /// database), or unset for the embedded SQLite file `interlog.db` in the data directory.
    #[arg(
        long = "database",
        env = "INTERLOG_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub database_url: Option<DatabaseUrl>,

    /// PostgreSQL connections this server may hold. Across N servers keep
    /// N × this below the database's max_connections.
    #[arg(
        long,
        env = "INTERLOG_DB_MAX_CONNECTIONS",
        default_value_t = 16,
        value_name = "N"
    )]
    pub db_max_connections: u32,

    /// The key (64 hex digits) that seals the originals of tenants with
    /// `redact-and-keep-original`. When unset, `originals.key` in the data directory,
    /// created on first use. Servers over one PostgreSQL must be given the same file; keep a
    /// copy apart from the database's backups.
    #[arg(long, env = "INTERLOG_ORIGINALS_KEY_FILE", value_name = "FILE")]
    pub originals_key_file: Option<PathBuf>,
}

impl DatabaseArgs {
    pub fn pool(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.db_max_connections,
            ..PoolSettings::default()
        }
    }

    /// The database URL: the one given, or the SQLite file in `data_dir` (created if need be).
    pub fn url(&self, data_dir: &Path) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.as_str().to_string()),
            None => {
                std::fs::create_dir_all(data_dir)
                    .with_context(|| format!("cannot create {}", data_dir.display()))?;
                Ok(format!(
                    "sqlite://{}",
                    data_dir.join("interlog.db").display()
                ))
            }
        }
    }

    /// Opens (and migrates) the store, with the originals key.
    pub async fn open(&self, data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
        let url = self.url(data_dir)?;
        let store = interlog_store::open(&url, &self.pool())
            .await
            .context("cannot open the database")?;
        let key = OriginalsKey::load(data_dir, self.originals_key_file.as_deref())?;
        store.use_originals_key(key);
        Ok(store)
    }
}
