//! What is kept beside the records and flows out of them (report rollups, the change
//! feed, webhook deliveries, the audit trail), their lifecycle, and the database's
//! housekeeping.

use std::collections::HashMap;

use async_trait::async_trait;
use interlog_core::report::{Report, ReportRequest, RollupRow, RollupScan};
use interlog_core::settings::TimeZone;
use interlog_core::TenantId;

use crate::{
    Attempt, AuditEntry, AuditQuery, ChangeBounds, ChangeEntry, DeliveryState, ErasureReceipt,
    PoolStats, StoreError, WebhookDelivery, WebhookSubscription,
};

/// The rollups interval reports read. Every append keeps them: in the transaction that
/// re-projects an interaction, its previous contribution is subtracted and its new one
/// added (computed with the tenant's thresholds at that moment) as a pending change, which
/// the store folds into the rollups about a second later; reports read pending changes
/// beside the rollups, so they are exact either way.
#[async_trait]
pub trait Reports: Send + Sync + 'static {
    /// The rows of a report's scan: per bucket of its blocks, summed over the dimensions it
    /// does not group by, filtered by its filters; then the changes still pending, as
    /// quarter-hour rows (read in the same snapshot).
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

    /// Folds every pending change into the rollups now, rather than at the store's next
    /// round: after a bulk load, before a shutdown.
    async fn fold_pending(&self) -> Result<(), StoreError>;

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
