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
//! - [`Lifecycle`]: retention and erasure.
//! - [`Audit`]: the trail of who read what.
//! - [`ChangeFeed`]: the numbered changes the live stream reads, and word of each commit.
//! - [`Webhooks`]: subscriptions, and the outbox of deliveries each commit writes.
//! - [`Operations`]: database-wide housekeeping: readiness, size, planner statistics.
//!
//! The records' traits are here; the tenants' configuration (`ApiKeys` to `Integrations`)
//! is in `tenants.rs`, the rest (`Reports` on) in `upkeep.rs`. [`Store`] is all of them (a
//! blanket impl covers every type that implements each), so the server and the CLI hold
//! one `Arc<dyn Store>`.
//!
//! Tenancy. Every method takes the tenant first, except where no tenant applies:
//! [`ApiKeys::find_api_key`] runs before any tenant is known, [`ApiKeys::create_api_key`]
//! takes the tenant inside the record (`ApiKeyRecord::tenant`) and
//! [`Webhooks::create_webhook`] inside the subscription, the [`Operations`] methods concern
//! the whole database, and so do the background workers' methods: the sweeps
//! (`sweep_audit`, `sweep_changes`, `sweep_expired`, `sweep_deliveries`) and
//! [`Webhooks::claim_deliveries`], whose every row names its tenant.

use async_trait::async_trait;
use interlog_core::query::{AgentInteraction, AgentQuery, CallerKeyKind, InteractionQuery, Page};
use interlog_core::{Event, Interaction, InteractionId, TenantId};

use crate::{Appended, StoreError, StoredContent};

mod tenants;
mod upkeep;

pub use tenants::{ApiKeys, DnisPool, Integrations, Settings};
pub use upkeep::{Audit, ChangeFeed, Lifecycle, Operations, Reports, Webhooks};

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
