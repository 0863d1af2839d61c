//! # interlog-store
//!
//! The storage contract ([`Store`]) and its implementations. Methods say what the caller
//! wants (`append_events`, `get_interaction`), take the tenant first, and never leak SQL.
//!
//! # Layout
//! - [`Store`] and the capability traits it gathers ([`EventLog`], [`Interactions`],
//!   [`Contents`], [`ApiKeys`], [`DnisPool`], [`Operations`]): the contract, in `contract.rs`.
//! - [`Appended`], [`StoreError`], [`open`] and the stored value types: this file.
//! - [`sql`]: its one implementation, shared by both backends.
//! - [`sqlite`]: opening the embedded default (one file under the data directory, WAL mode).
//! - [`postgres`]: opening PostgreSQL, for many servers over one database.
//! - `migrations/<backend>/`: schema, embedded in the binary and run on open.
//!
//! The backend is picked from the URL scheme: `sqlite://PATH` or `postgres://...`.
//!
//! Appending and projecting happen in one transaction: an event is acknowledged only when
//! it and the record it changes are committed together, so a crash never leaves a record
//! that disagrees with the log.

mod contract;
pub mod postgres;
pub mod sql;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::sync::Arc;

use interlog_core::TenantId;

pub use contract::{ApiKeys, Contents, DnisPool, EventLog, Interactions, Operations, Store};

/// What happened to one event of an appended batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Stored now.
    New,
    /// Its (tenant, eventId) was already in the log; ignored.
    Duplicate,
}

/// The bytes of an uploaded binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredContent {
    pub mime: String,
    /// Lowercase hex SHA-256 of `bytes`.
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A stored API key. The secret itself is never stored: only `hash` = SHA-256(salt ‖ secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyRecord {
    pub key_id: String,
    pub tenant: TenantId,
    pub name: Option<String>,
    /// Scope names, as granted.
    pub scopes: Vec<String>,
    /// Hex.
    pub salt: String,
    /// Hex SHA-256 of the salt followed by the secret.
    pub hash: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// A phone number of a tenant's DNIS pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnisPhone {
    pub phone_number: String,
    /// The dialled number identifier (a short form the IVR sees).
    pub dn_id: Option<String>,
    pub group: Option<String>,
    pub enabled: bool,
}

/// A phone number and what it is allocated to now (`None`: free, or the allocation lapsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnisAllocation {
    pub phone_number: String,
    pub interaction: Option<String>,
}

/// Storage failures. Missing rows are not errors: reads return `Option`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a stored row cannot be read back: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
}

/// Opens the store a URL names: `postgres://` (or `postgresql://`) for PostgreSQL,
/// `sqlite://PATH` (or a plain path) for the embedded store.
pub async fn open(url: &str, pool: &postgres::PoolSettings) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::open(url, pool).await?))
    } else if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| (!url.contains("://")).then_some(url))
    {
        Ok(Arc::new(sqlite::open(Path::new(path)).await?))
    } else {
        Err(StoreError::Config(format!(
            "unsupported database URL {url:?}: use postgres://... or sqlite://PATH"
        )))
    }
}

impl StoreError {
    /// True when the database is busy or unreachable rather than broken: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
            )
        )
    }
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as i64
}
