//! # interlog-store
//!
//! The storage contract ([`Store`]) and its implementations. Methods say what the caller
//! wants (`append_events`, `get_interaction`), take the tenant first, and never leak SQL.
//!
//! # Layout
//! - [`Store`], [`Appended`], [`StoreError`]: the contract, in this file.
//! - [`sqlite`]: the embedded default (one file under the data directory, WAL mode).
//! - `migrations/<backend>/`: schema, embedded in the binary and run on open.
//!
//! Appending and projecting happen in one transaction: an event is acknowledged only when
//! it and the record it changes are committed together, so a crash never leaves a record
//! that disagrees with the log.

pub mod sqlite;

use async_trait::async_trait;
use interlog_core::{Event, Interaction, InteractionId, TenantId};

/// What happened to one event of an appended batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Appended {
    /// Stored now.
    New,
    /// Its (tenant, eventId) was already in the log; ignored.
    Duplicate,
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
}

impl StoreError {
    /// True when the database is busy or unreachable rather than broken: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)))
    }
}

/// The storage contract. Every method is scoped to one tenant.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Appends `events` to the tenant's log, ignoring eventIds already there, re-projects
    /// every interaction that gained an event, and commits all of it before returning.
    /// The result has one entry per input event, in order.
    async fn append_events(&self, tenant: &TenantId, events: &[Event]) -> Result<Vec<Appended>, StoreError>;

    /// The projected record of one interaction.
    async fn get_interaction(&self, tenant: &TenantId, id: &InteractionId) -> Result<Option<Interaction>, StoreError>;

    /// The logged events of one interaction, in arrival order.
    async fn interaction_events(&self, tenant: &TenantId, id: &InteractionId) -> Result<Vec<Event>, StoreError>;

    /// Checks that the database answers (for readiness probes).
    async fn ping(&self) -> Result<(), StoreError>;
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    since_epoch.as_millis() as i64
}
