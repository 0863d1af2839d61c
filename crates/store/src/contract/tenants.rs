//! The tenants' configuration: API keys, the X-Platform phone pool, settings, inbound
//! integrations.

use async_trait::async_trait;
use interlog_core::settings::TenantSettings;
use interlog_core::TenantId;

use crate::{ApiKeyRecord, DnisAllocation, DnisPhone, StoreError};

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
