//! # interlog-store
//!
//! The storage contract ([`Store`]) and its implementations. Methods say what the caller
//! wants (`append_events`, `get_interaction`), take the tenant first, and never leak SQL.
//!
//! # Layout
//! - [`Store`] and the capability traits it gathers ([`EventLog`], [`Interactions`],
//!   [`Contents`], [`ApiKeys`], [`DnisPool`], [`Settings`], [`Reports`], [`Operations`] and
//!   the others): the contract, in `contract/`.
//! - [`Appended`], [`StoreError`], [`open`] and the stored value types: this file.
//! - [`backup`]: a consistent online copy of the embedded store, and its restore.
//! - [`export`]: a tenant's interactions in a window as NDJSON or CSV, a page at a time.
//! - [`originals`]: the key that seals the originals a `redact-and-keep-original` tenant keeps.
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

pub mod backup;
mod checkpoint;
mod contract;
pub mod export;
pub mod originals;
pub mod postgres;
pub mod sql;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use std::path::Path;
use std::sync::Arc;

pub use interlog_core::webhooks::DeliveryState;
use interlog_core::TenantId;

pub use contract::{
    ApiKeys, Audit, ChangeFeed, Contents, DnisPool, EventLog, Integrations, Interactions,
    Lifecycle, Operations, Reports, Settings, Store, Webhooks,
};

/// One numbered change of the feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeEntry {
    /// Its number in the tenant's commit sequence.
    pub seq: i64,
    pub interaction_id: interlog_core::InteractionId,
    pub at_ms: i64,
    /// The record as stored now, without its transcript (`None` once erased).
    pub record: Option<String>,
}

/// A tenant's change numbers: the newest given, and the oldest still kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeBounds {
    /// 0 before the tenant's first change.
    pub newest: i64,
    /// `newest + 1` when none is kept.
    pub oldest_kept: i64,
}

/// What an erasure did, kept without personal data: when, by whom, how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasureReceipt {
    pub receipt_id: String,
    pub erased_ms: i64,
    /// The principal that asked (a token's subject, an API key's id, or the CLI's user).
    pub by: String,
    pub interactions: u64,
    pub events: u64,
}

/// The newest migration a database holds (readiness, and the check of a backup).
pub(crate) const NEWEST_APPLIED_MIGRATION: &str =
    "SELECT MAX(version) FROM _sqlx_migrations WHERE success";

/// A connection pool's state: how many connections it holds, and how many are idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// `writer` or `reader`.
    pub name: &'static str,
    pub size: u32,
    pub idle: u32,
}

/// One request in the audit trail. It holds no interaction content: ids, and search terms
/// only as a hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// The tenant whose data the request named (`-` when none could be told).
    pub tenant: String,
    pub at_ms: i64,
    pub request_id: String,
    /// A token's subject, an API key's id, or `anonymous`.
    pub principal: String,
    /// The method and the route template: `GET /api/v1/tenants/:tenant/interactions/:interactionId`.
    pub action: String,
    pub status: u16,
    pub interaction: Option<String>,
    /// SHA-256 of the tenant and the search terms, when the request searched.
    pub query_hash: Option<String>,
    /// The client's address.
    pub client: Option<String>,
    pub user_agent: Option<String>,
}

/// Which audit entries to read: all filters optional, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub principal: Option<String>,
    pub interaction: Option<String>,
    pub action: Option<String>,
    pub limit: u32,
    /// Entries older than this position (the `next` of the previous page).
    pub before_id: Option<i64>,
}

/// A tenant's webhook subscription. Its secret signs each delivery; the store keeps it to
/// sign with (the API shows it once, when the subscription is made).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookSubscription {
    pub tenant: TenantId,
    pub subscription_id: String,
    pub url: String,
    pub filter: interlog_core::webhooks::WebhookFilter,
    /// `whsec_<base64>`.
    pub secret: String,
    pub description: Option<String>,
    pub created_ms: i64,
}

/// One delivery of the outbox: written with the commit that caused it, then attempted until
/// a 2xx or the end of the retry period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub tenant: TenantId,
    /// Stable across attempts: receivers dedupe on it (`webhook-id`).
    pub delivery_id: String,
    pub subscription_id: String,
    pub interaction_id: String,
    /// Order among the subscription's deliveries (those of one interaction go in it).
    pub position: i64,
    pub event: interlog_core::webhooks::WebhookEvent,
    /// The body; `None` once delivered (the status stays, the personal data goes).
    pub payload: Option<String>,
    pub state: DeliveryState,
    pub attempts: u32,
    pub created_ms: i64,
    /// When the next attempt is due (pending), or was (settled).
    pub next_ms: i64,
    pub last_ms: Option<i64>,
    /// The receiver's last HTTP status.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, when it did.
    pub last_error: Option<String>,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub at_ms: i64,
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Delivered, another attempt at a time, or given up.
    pub next: AttemptNext,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptNext {
    Delivered,
    RetryAt(i64),
    GiveUp,
}

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
    /// A point read on SQLite's own read connections failed (`sql/points.rs`).
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Config(String),
    /// The commit of a group of appends failed (group commit): every append in the group
    /// shares this one error.
    #[error(transparent)]
    GroupCommit(Arc<StoreError>),
    /// The tenant's settings changed after an append was redacted under them (through
    /// another server or `interlog tenants`), so nothing of it was written. The store
    /// redacts it again under the new ones; only a tenant whose settings keep changing
    /// under every try sees this.
    #[error("the tenant's settings kept changing during the append; retry it")]
    SettingsChanged,
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
            "unsupported database URL {:?}: use postgres://... or sqlite://PATH",
            redact_password(url)
        )))
    }
}

/// `url` with its password replaced by `***`, for logs and `Debug`: the user, host, port,
/// database and other parameters stay, since they help debugging.
///
/// Both places a PostgreSQL URL can carry a password are covered: the user information
/// (`postgres://user:PASSWORD@host/db`) and a `password=` query parameter. The user
/// information ends at the *last* `@`, so a password with an unencoded `@` or `/` is still
/// hidden whole; the price is that an `@` later in the URL hides more than the password,
/// which is the safe side to err on.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let rest = match rest.rsplit_once('@') {
        Some((userinfo, host_and_more)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host_and_more}"),
            None => rest.to_string(),
        },
        None => rest.to_string(),
    };
    format!("{scheme}://{}", redact_query_password(&rest))
}

/// `rest` with the value of every `password=` query parameter replaced by `***`.
fn redact_query_password(rest: &str) -> String {
    let Some((before, query)) = rest.split_once('?') else {
        return rest.to_string();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((query, fragment)) => (query, Some(fragment)),
        None => (query, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
            _ => param.to_string(),
        })
        .collect();
    let fragment = fragment.map_or(String::new(), |f| format!("#{f}"));
    format!("{before}?{}{fragment}", params.join("&"))
}

impl StoreError {
    /// True when the database is busy or unreachable rather than broken: worth a retry.
    pub fn is_unavailable(&self) -> bool {
        if let StoreError::GroupCommit(error) = self {
            return error.is_unavailable();
        }
        matches!(
            self,
            StoreError::SettingsChanged
                | StoreError::Database(
                    sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_)
                )
        )
    }

    /// True when PostgreSQL refused a text value it cannot hold, such as a NUL character
    /// (SQLSTATE 22021 in text, 22P05 in JSON): the request's fault, not the database's. A
    /// group commit's failure is not (each request's own failure is kept to it by its
    /// savepoint), so the others in the group are still told to retry.
    pub fn is_unstorable_text(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(error)) => {
                matches!(error.code().as_deref(), Some("22021" | "22P05"))
            }
            _ => false,
        }
    }
}

pub(crate) fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as i64
}

#[cfg(test)]
mod tests {
    use super::redact_password;

    #[test]
    fn a_url_keeps_everything_but_its_password() {
        for (url, shown) in [
            (
                "postgres://user:s3cret@db:5432/app",
                "postgres://user:***@db:5432/app",
            ),
            (
                "postgresql://user:s3cret@db/app?sslmode=require",
                "postgresql://user:***@db/app?sslmode=require",
            ),
            // Unencoded @ and / in the password: hidden whole.
            (
                "postgres://user:p@ss/w@db/app",
                "postgres://user:***@db/app",
            ),
            (
                "postgres://user@db/app?password=s3cret&sslmode=require",
                "postgres://user@db/app?password=***&sslmode=require",
            ),
            (
                "postgres://u:a@db/app?PASSWORD=b#x",
                "postgres://u:***@db/app?PASSWORD=***#x",
            ),
            ("postgres://user:@db/app", "postgres://user:***@db/app"),
            // Nothing to hide.
            ("postgres://user@db:5432/app", "postgres://user@db:5432/app"),
            (
                "postgres://db/app?options=-c%20search_path%3Dx",
                "postgres://db/app?options=-c%20search_path%3Dx",
            ),
            (
                "sqlite:///var/lib/interlog/interlog.db",
                "sqlite:///var/lib/interlog/interlog.db",
            ),
            ("./interlog-data/interlog.db", "./interlog-data/interlog.db"),
        ] {
            assert_eq!(redact_password(url), shown, "{url}");
        }
    }
}
