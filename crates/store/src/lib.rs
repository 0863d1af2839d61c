//! # interlog-store
//!
//! The storage contract ([`Store`]) and its implementations. Methods say what the caller
//! wants (`append_events`, `get_interaction`), take the tenant first, and never leak SQL.
//!
//! # Layout
//! - [`Store`], [`Appended`], [`StoreError`], [`open`]: the contract, in this file.
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

pub mod postgres;
pub mod sql;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use interlog_core::query::{AgentInteraction, AgentQuery, CallerKeyKind, InteractionQuery, Page};
use interlog_core::{Event, Interaction, InteractionId, TenantId};

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

/// The storage contract. Every method is scoped to one tenant.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Appends `events` to the tenant's log, ignoring eventIds already there, re-projects
    /// every interaction that gained an event, and commits all of it before returning.
    /// The result has one entry per input event, in order.
    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[Event],
    ) -> Result<Vec<Appended>, StoreError>;

    /// Stores the bytes of a binary and appends its `content-added` event (which carries
    /// the metadata), in one transaction.
    async fn put_content(
        &self,
        tenant: &TenantId,
        event: &Event,
        mime: &str,
        bytes: &[u8],
    ) -> Result<Appended, StoreError>;

    /// The projected record of one interaction.
    async fn get_interaction(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<Interaction>, StoreError>;

    /// The logged events of one interaction, in arrival order.
    async fn interaction_events(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError>;

    /// Interactions by start time, filtered, one keyset page.
    async fn list_interactions(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<Page<Interaction>, StoreError>;

    /// How many interactions match the query's filters (for page-numbered vendor lists).
    async fn count_interactions(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<u64, StoreError>;

    /// An agent's allocations, newest first, one keyset page.
    async fn agent_interactions(
        &self,
        tenant: &TenantId,
        query: &AgentQuery,
    ) -> Result<Page<AgentInteraction>, StoreError>;

    /// The latest interaction (by start) that a caller key points to.
    async fn lookup(
        &self,
        tenant: &TenantId,
        kind: CallerKeyKind,
        value: &str,
    ) -> Result<Option<InteractionId>, StoreError>;

    /// The bytes of one binary of an interaction.
    async fn get_content(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
        content_id: &str,
    ) -> Result<Option<StoredContent>, StoreError>;

    /// Stores a new API key.
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;

    /// The key with this id, whatever its tenant: authentication needs it before any tenant
    /// is known. The only method not scoped to a tenant.
    async fn find_api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// The tenant's keys, oldest first (revoked ones included).
    async fn list_api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;

    /// Marks a key of the tenant revoked; false when the tenant has no such live key.
    async fn revoke_api_key(&self, tenant: &TenantId, key_id: &str) -> Result<bool, StoreError>;

    /// Adds a phone to the tenant's DNIS pool; false when the number is already there.
    async fn create_dnis_phone(
        &self,
        tenant: &TenantId,
        phone: &DnisPhone,
    ) -> Result<bool, StoreError>;

    /// Allocates a free (or lapsed) enabled phone of `group` (any group when `None`) to
    /// `interaction`; `None` when every phone is taken. Two concurrent calls never get the
    /// same phone. An allocation older than `timeout_ms` at `now_ms` counts as free.
    async fn allocate_dnis_phone(
        &self,
        tenant: &TenantId,
        group: Option<&str>,
        interaction: &str,
        now_ms: i64,
        timeout_ms: i64,
    ) -> Result<Option<String>, StoreError>;

    /// The phone with this number or DNID and its live allocation; `None` when unknown.
    async fn dnis_allocation(
        &self,
        tenant: &TenantId,
        phone_or_dnid: &str,
        now_ms: i64,
        timeout_ms: i64,
    ) -> Result<Option<DnisAllocation>, StoreError>;

    /// Releases the phone with this number or DNID; false when unknown.
    async fn free_dnis_phone(
        &self,
        tenant: &TenantId,
        phone_or_dnid: &str,
    ) -> Result<bool, StoreError>;

    /// Checks that the database answers (for readiness probes).
    async fn ping(&self) -> Result<(), StoreError>;

    /// The space the store's tables and indexes take, in bytes (all tenants).
    async fn size_bytes(&self) -> Result<u64, StoreError>;

    /// Refreshes the planner's statistics, as after a bulk load: PostgreSQL plans by them
    /// (and autovacuum refreshes them only later, or never where it is off). SQLite's
    /// plans need none (the plan tests pin them), so there it does nothing.
    async fn refresh_statistics(&self) -> Result<(), StoreError>;
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as i64
}
