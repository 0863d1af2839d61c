//! Tenant settings: one JSON object per tenant, replaced whole (the merge of a partial update
//! happens in `interlog-core` before it gets here); and each tenant's integrations, one JSON
//! object per integration.

use async_trait::async_trait;
use interlog_core::settings::TenantSettings;
use interlog_core::TenantId;

use sqlx::Row;

use super::exec::Exec;
use super::points::Visits;
use super::statement::{text, Sql};
use super::{Backend, SqlStore};
use crate::{now_ms, Settings, StoreError};

#[async_trait]
impl Settings for SqlStore {
    async fn tenant_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<TenantSettings>, StoreError> {
        let json = self.settings_json(tenant).await?;
        json.map(|json| parse(&json)).transpose()
    }

    async fn put_tenant_settings(
        &self,
        tenant: &TenantId,
        settings: &TenantSettings,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(settings).map_err(|e| super::corrupt("settings", e))?;
        let stored: std::sync::Arc<str> = std::sync::Arc::from(json.as_str());
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO tenant_settings (tenant_id, settings, updated_ms) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id) DO UPDATE
             SET settings = excluded.settings, updated_ms = excluded.updated_ms",
        )
        .bind(tenant.as_str())
        .bind(json)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        // A tenant with no report rows yet (folded or pending) keeps its day rows in its
        // zone from the start.
        sqlx::query(
            "UPDATE tenant_settings SET report_zone = $2 WHERE tenant_id = $1
             AND NOT EXISTS (SELECT 1 FROM report_totals WHERE tenant_id = $1)
             AND NOT EXISTS (SELECT 1 FROM report_pending WHERE tenant_id = $1)",
        )
        .bind(tenant.as_str())
        .bind(settings.time_zone.name())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // This process's next appends are redacted under them without a read.
        self.redactors.saw(tenant, Some(stored));
        Ok(())
    }
}

/// A tenant's stored settings as their JSON text, read inside a write.
pub(super) async fn stored(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
) -> Result<Option<String>, StoreError> {
    let rows: Vec<(String,)> = tx.rows(&select(backend, tenant)).await?;
    Ok(rows.into_iter().next().map(|(json,)| json))
}

/// Of one tenant's appends (`items`), those redacted under the settings stored now (read in
/// the transaction that writes them), those redacted under others (`under` says which), and
/// the stored settings.
pub(super) async fn current<T>(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    items: Vec<T>,
    under: impl Fn(&T) -> Option<&str>,
) -> Result<(Vec<T>, Vec<T>, Option<String>), StoreError> {
    let stored = stored(tx, backend, tenant).await?;
    let (current, stale) = (items.into_iter()).partition(|item| under(item) == stored.as_deref());
    Ok((current, stale, stored))
}

/// The statement that reads a tenant's stored settings.
fn select(backend: Backend, tenant: &TenantId) -> Sql {
    Sql::with(
        backend,
        "SELECT settings FROM tenant_settings WHERE tenant_id = ?",
        [text(tenant.as_str())],
    )
}

impl SqlStore {
    /// A tenant's stored settings as their JSON text, read by key (every append reads them,
    /// for the redaction policy).
    pub(super) async fn settings_json(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<String>, StoreError> {
        let sql = select(self.backend, tenant);
        let rows: Vec<(String,)> = self.read_rows(sql, Visits::Returned).await?;
        Ok(rows.into_iter().next().map(|(json,)| json))
    }
}

/// Stored settings read back (fields added since they were written read as defaults).
pub(super) fn parse(json: &str) -> Result<TenantSettings, StoreError> {
    let value = serde_json::from_str(json).map_err(|e| super::corrupt("settings", e))?;
    TenantSettings::from_json(value).map_err(|e| StoreError::Corrupt(format!("settings: {e}")))
}

#[async_trait]
impl crate::Integrations for SqlStore {
    async fn put_integration(
        &self,
        tenant: &TenantId,
        name: &str,
        config: &serde_json::Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO integrations (tenant_id, name, config, updated_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, name) DO UPDATE SET config = excluded.config, \
             updated_ms = excluded.updated_ms",
        )
        .bind(tenant.as_str())
        .bind(name)
        .bind(config.to_string())
        .bind(now_ms())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn integration(
        &self,
        tenant: &TenantId,
        name: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let row = sqlx::query("SELECT config FROM integrations WHERE tenant_id = $1 AND name = $2")
            .bind(tenant.as_str())
            .bind(name)
            .fetch_optional(&self.reader)
            .await?;
        row.map(|row| {
            let text: String = row.try_get(0)?;
            serde_json::from_str(&text).map_err(|e| super::corrupt("integration", e))
        })
        .transpose()
    }

    async fn delete_integration(&self, tenant: &TenantId, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM integrations WHERE tenant_id = $1 AND name = $2")
            .bind(tenant.as_str())
            .bind(name)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
