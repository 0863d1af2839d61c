//! The storage contract, one trait per capability, so that a reader holds one small trait
//! in their head rather than twenty methods:
//!
//! - [`EventLog`]: the truth. Appending events (which re-projects what they touch) and
//!   reading one interaction's log back.
//! - [`Interactions`]: the projected records and what is derived from them: one record,
//!   keyset lists, counts, an agent's work, caller-key lookups.
//! - [`Contents`]: uploaded binaries (stored with their `content-added` event).
//! - [`ApiKeys`]: stored API keys (salted hashes, never secrets).
//! - [`DnisPool`]: the X-Platform phone pool.
//! - [`Settings`]: each tenant's settings (its configuration, not personal data).
//! - [`Integrations`]: each tenant's inbound integrations' configuration (Twilio's token).
//! - [`Reports`]: the rollups interval reports read, and re-projecting a tenant.
//! - [`ChangeFeed`]: the numbered changes the live stream reads, and word of each commit.
//! - [`Webhooks`]: subscriptions, and the outbox of deliveries each commit writes.
//! - [`Operations`]: database-wide housekeeping: readiness, size, planner statistics.
//!
//! [`Store`] is all of them (a blanket impl covers every type that implements the eight), so
//! the server and the CLI hold one `Arc<dyn Store>`.
//!
//! Tenancy. Every method takes the tenant first, except where no tenant applies:
//! [`ApiKeys::find_api_key`] runs before any tenant is known, [`ApiKeys::create_api_key`]
//! takes the tenant inside the record (`ApiKeyRecord::tenant`) and
//! [`Webhooks::create_webhook`] inside the subscription, the [`Operations`] methods concern
//! the whole database, and so do the background workers' methods: the sweeps
//! (`sweep_audit`, `sweep_changes`, `sweep_expired`, `sweep_deliveries`) and
//! [`Webhooks::claim_deliveries`], whose every row names its tenant.

use std::collections::HashMap;

use async_trait::async_trait;
use interlog_core::query::{AgentInteraction, AgentQuery, CallerKeyKind, InteractionQuery, Page};
use interlog_core::report::{Report, ReportRequest, RollupRow, RollupScan};
use interlog_core::settings::{TenantSettings, TimeZone};
use interlog_core::{Event, Interaction, InteractionId, TenantId};

use crate::{
    ApiKeyRecord, Appended, Attempt, AuditEntry, AuditQuery, ChangeBounds, ChangeEntry,
    DeliveryState, DnisAllocation, DnisPhone, ErasureReceipt, PoolStats, StoreError, StoredContent,
    WebhookDelivery, WebhookSubscription,
};

/// The whole storage contract: every capability, for callers that hold one store.
pub trait Store:
    EventLog
    + Interactions
    + Contents
    + ApiKeys
    + DnisPool
    + Settings
    + Integrations
    + Reports
    + Lifecycle
    + Audit
    + ChangeFeed
    + Webhooks
    + Operations
{
}

impl<T> Store for T where
    T: EventLog
        + Interactions
        + Contents
        + ApiKeys
        + DnisPool
        + Settings
        + Integrations
        + Reports
        + Lifecycle
        + Audit
        + ChangeFeed
        + Webhooks
        + Operations
{
}

/// The event log, the truth every record is projected from.
#[async_trait]
pub trait EventLog: Send + Sync + 'static {
    /// Appends `events` to the tenant's log, ignoring eventIds already there, re-projects
    /// every interaction that gained an event, and commits all of it before returning.
    /// The result has one entry per input event, in order.
    async fn append_events(
        &self,
        tenant: &TenantId,
        events: &[Event],
    ) -> Result<Vec<Appended>, StoreError>;

    /// The logged events of one interaction, in arrival order.
    async fn interaction_events(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError>;

    /// The logged events of one interaction with the originals its tenant kept
    /// (`redact-and-keep-original`) in place of their redacted form, in arrival order.
    async fn revealed_events(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError>;

    /// Gives the store the key that seals and opens kept originals. Until it has one, an
    /// append for a tenant that keeps originals fails; the first key given stays.
    fn use_originals_key(&self, key: crate::originals::OriginalsKey);
}

/// Reads of the projected records (written only by [`EventLog::append_events`]).
#[async_trait]
pub trait Interactions: Send + Sync + 'static {
    /// The projected record of one interaction.
    async fn get_interaction(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<Interaction>, StoreError>;

    /// Interactions by start time, filtered, one keyset page.
    async fn list_interactions(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
    ) -> Result<Page<Interaction>, StoreError>;

    /// The record of one interaction as JSON, as stored: what `get_interaction` would
    /// serialize, served without parsing and serializing it again.
    async fn get_interaction_json(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Option<String>, StoreError>;

    /// A page of `list_interactions` as JSON, as stored: each item the record without its
    /// transcript (`messages`), or the whole record when `with_messages`.
    async fn list_interactions_json(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        with_messages: bool,
    ) -> Result<Page<String>, StoreError>;

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
}

/// Uploaded binaries (photos, attachments); their metadata lives in the record.
#[async_trait]
pub trait Contents: Send + Sync + 'static {
    /// Stores the bytes of a binary and appends its `content-added` event (which carries
    /// the metadata), in one transaction.
    async fn put_content(
        &self,
        tenant: &TenantId,
        event: &Event,
        mime: &str,
        bytes: &[u8],
    ) -> Result<Appended, StoreError>;

    /// The bytes of one binary of an interaction.
    ///
    /// `content_id` stays a `&str` (not `ContentId`): the callers take it from a stored
    /// record, whose binaries and photos carry content ids as plain strings.
    async fn get_content(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
        content_id: &str,
    ) -> Result<Option<StoredContent>, StoreError>;
}

/// API keys, stored as salted hashes.
#[async_trait]
pub trait ApiKeys: Send + Sync + 'static {
    /// Stores a new API key, under the tenant the record names.
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;

    /// The key with this id, whatever its tenant: authentication needs it before any tenant
    /// is known.
    async fn find_api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// The tenant's keys, oldest first (revoked ones included).
    async fn list_api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;

    /// Marks a key of the tenant revoked; false when the tenant has no such live key.
    async fn revoke_api_key(&self, tenant: &TenantId, key_id: &str) -> Result<bool, StoreError>;
}

/// The X-Platform DNIS pool: phone numbers lent to interactions for a while.
#[async_trait]
pub trait DnisPool: Send + Sync + 'static {
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
}

/// Each tenant's settings, stored whole.
#[async_trait]
pub trait Settings: Send + Sync + 'static {
    /// The tenant's stored settings; `None` when it never set any (the defaults apply).
    /// Fields the stored row lacks (added to the settings after it was written) read as
    /// their defaults.
    async fn tenant_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<TenantSettings>, StoreError>;

    /// Stores the tenant's settings, replacing any stored before.
    async fn put_tenant_settings(
        &self,
        tenant: &TenantId,
        settings: &TenantSettings,
    ) -> Result<(), StoreError>;
}

/// A tenant's inbound integrations (`twilio`: the account and the auth token that signs
/// TaskRouter's callbacks), one JSON object each, written whole.
#[async_trait]
pub trait Integrations: Send + Sync + 'static {
    async fn put_integration(
        &self,
        tenant: &TenantId,
        name: &str,
        config: &serde_json::Value,
    ) -> Result<(), StoreError>;

    async fn integration(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<serde_json::Value>, StoreError>;

    /// False when there was none.
    async fn delete_integration(&self, tenant: &TenantId, name: &str) -> Result<bool, StoreError>;
}

/// The rollups interval reports read. Every append keeps them: in the transaction that
/// re-projects an interaction, its previous contribution is subtracted and its new one
/// added (computed with the tenant's thresholds at that moment).
#[async_trait]
pub trait Reports: Send + Sync + 'static {
    /// The rows of a report's scan: per bucket of its blocks, summed over the dimensions it
    /// does not group by, filtered by its filters.
    async fn rollups(
        &self,
        tenant: &TenantId,
        scan: &RollupScan,
    ) -> Result<Vec<RollupRow>, StoreError>;

    /// A report: its scan planned with the tenant's [`Reports::day_zone`], read and assembled.
    async fn report(
        &self,
        tenant: &TenantId,
        request: &ReportRequest,
    ) -> Result<Report, StoreError> {
        let scan = request.scan(self.day_zone(tenant).await?);
        Ok(request.assemble(self.rollups(tenant, &scan).await?))
    }

    /// The latest name each of `ids` was given in an event (`queueName`), by queue id;
    /// queues never named are left out.
    async fn queue_names(
        &self,
        tenant: &TenantId,
        ids: &[&str],
    ) -> Result<HashMap<String, String>, StoreError>;

    /// The zone whose local days the tenant's day rows are kept in: its `timeZone` when it
    /// set one before its first report rows, or at its last [`Reports::reproject`]; else
    /// UTC. A report's scan is planned with it ([`interlog_core::report::ReportRequest::scan`]).
    async fn day_zone(&self, tenant: &TenantId) -> Result<TimeZone, StoreError>;

    /// Re-projects every interaction of the tenant from its log, in transactions of a few
    /// hundred, and rebuilds its rollups with its current settings (day rows in its time zone); `progress` hears how
    /// many are done after each. Appends may run meanwhile: each interaction's rollups stay
    /// exact, as every change subtracts what was last added. Returns how many there were.
    async fn reproject(
        &self,
        tenant: &TenantId,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<u64, StoreError>;
}

/// Personal data's lifecycle: erasure on request.
#[async_trait]
pub trait Lifecycle: Send + Sync + 'static {
    /// Erases every interaction of a customer, with every trace of them in the store (events,
    /// record, transcript, search parts, index rows, content bytes, report contributions),
    /// in one transaction, then scrubs the files (SQLite: the write-ahead log is emptied
    /// into the database, whose freed space is zeroed; PostgreSQL: `VACUUM`). Their
    /// interactions are those whose customer key (the customer id, else the address) is
    /// `customer`, and those known only by an address those records give the customer.
    /// Keeps a receipt naming `by` and the counts, never the customer, and returns it.
    async fn erase_customer(
        &self,
        tenant: &TenantId,
        customer: &str,
        by: &str,
    ) -> Result<ErasureReceipt, StoreError>;

    /// Deletes, tenant by tenant, the interactions that ended more than the tenant's
    /// `retentionDays` before `now_ms` (a tenant with 0 keeps everything), with everything
    /// an erasure removes, in transactions of a few hundred so that ingest goes on between
    /// them. Returns how many went.
    async fn sweep_expired(&self, now_ms: i64) -> Result<u64, StoreError>;

    /// The tenant's erasure receipts, newest first.
    async fn erasure_receipts(&self, tenant: &TenantId) -> Result<Vec<ErasureReceipt>, StoreError>;
}

/// Database-wide housekeeping; no tenant applies.
/// The audit trail: who read or changed what, when, from where, with what outcome.
#[async_trait]
pub trait Audit: Send + Sync + 'static {
    /// Appends entries (in one transaction).
    async fn record_audit(&self, entries: &[AuditEntry]) -> Result<(), StoreError>;

    /// A tenant's entries, newest first, one keyset page; and the position of the next.
    async fn audit_entries(
        &self,
        tenant: &str,
        query: &AuditQuery,
    ) -> Result<(Vec<AuditEntry>, Option<i64>), StoreError>;

    /// Deletes the entries older than `before_ms` (every tenant's); how many went.
    async fn sweep_audit(&self, before_ms: i64) -> Result<u64, StoreError>;
}

/// The change feed: each commit that rewrites records numbers one change per interaction in
/// the tenant's commit sequence (in commit order, without gaps, across servers).
#[async_trait]
pub trait ChangeFeed: Send + Sync + 'static {
    /// The tenant's changes numbered after `after`, oldest first, at most `limit`; each with
    /// the interaction's record as stored now (without its transcript), `None` once erased.
    async fn changes_after(
        &self,
        tenant: &TenantId,
        after: i64,
        limit: u32,
    ) -> Result<Vec<ChangeEntry>, StoreError>;

    /// The tenant's newest number (0 before its first change) and the oldest still kept.
    async fn change_bounds(&self, tenant: &TenantId) -> Result<ChangeBounds, StoreError>;

    /// Deletes the changes recorded before `before_ms` (every tenant's); how many went.
    async fn sweep_changes(&self, before_ms: i64) -> Result<u64, StoreError>;

    /// Names each tenant whose changes may have just committed: through this store, and on
    /// PostgreSQL through any server. Lossy under load (a lagging receiver is told so):
    /// readers read the table after the last number they saw, and look now and then anyway.
    fn commits(&self) -> tokio::sync::broadcast::Receiver<TenantId>;
}

/// Webhooks out: each tenant's subscriptions, and the outbox. Every commit that appends
/// events writes, in its own transaction, a delivery for each subscription its changed
/// records match (so a crash never loses or invents one); a worker claims the due ones,
/// attempts them and settles each.
#[async_trait]
pub trait Webhooks: Send + Sync + 'static {
    /// Stores a new subscription.
    async fn create_webhook(&self, subscription: &WebhookSubscription) -> Result<(), StoreError>;

    /// The tenant's subscriptions, oldest first.
    async fn webhooks(&self, tenant: &TenantId) -> Result<Vec<WebhookSubscription>, StoreError>;

    /// Deletes a subscription with its deliveries; false when there was none.
    async fn delete_webhook(&self, tenant: &TenantId, id: &str) -> Result<bool, StoreError>;

    /// A subscription's deliveries, newest first, optionally in one state; one keyset page
    /// (positions below `before`), and the position to continue from.
    async fn webhook_deliveries(
        &self,
        tenant: &TenantId,
        subscription: &str,
        state: Option<DeliveryState>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<WebhookDelivery>, Option<i64>), StoreError>;

    /// Claims up to `limit` due deliveries of any tenant, each the oldest pending one of its
    /// subscription and interaction (so one interaction's go in order): their next attempt
    /// moves to `lease_until_ms`, so that no other worker takes them meanwhile, and comes
    /// due again if this one dies. Oldest due first.
    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;

    /// Records an attempt's outcome.
    async fn settle_delivery(
        &self,
        tenant: &TenantId,
        delivery_id: &str,
        attempt: &Attempt,
    ) -> Result<(), StoreError>;

    /// Deletes settled deliveries made before `before_ms` (every tenant's); how many went.
    async fn sweep_deliveries(&self, before_ms: i64) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait Operations: Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The connection pools, as they are now (for metrics).
    fn pools(&self) -> Vec<PoolStats>;

    /// Checks that the database answers and holds every migration this build knows (for
    /// readiness probes): an error says which is missing.
    async fn ready(&self) -> Result<(), StoreError>;

    /// The space the store's tables and indexes take, in bytes (all tenants).
    async fn size_bytes(&self) -> Result<u64, StoreError>;

    /// Refreshes the planner's statistics, as after a bulk load: PostgreSQL plans by them
    /// (and autovacuum refreshes them only later, or never where it is off), and its
    /// search index's pending entries are merged. SQLite's plans need none (the plan tests
    /// pin them), so there it does nothing.
    async fn refresh_statistics(&self) -> Result<(), StoreError>;
}
