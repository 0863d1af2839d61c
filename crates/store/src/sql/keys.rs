//! API keys: stored with their salted hash, found by id, listed and revoked per tenant.

use async_trait::async_trait;
use interlog_core::TenantId;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::SqlStore;
use crate::{now_ms, ApiKeyRecord, ApiKeys, StoreError};

const COLUMNS: &str = "tenant_id, key_id, name, scopes, salt, hash, created_ms, revoked_ms";

fn from_row(row: &AnyRow) -> Result<ApiKeyRecord, StoreError> {
    let tenant: String = row.try_get(0)?;
    let scopes: String = row.try_get(3)?;
    Ok(ApiKeyRecord {
        tenant: TenantId::parse(tenant)
            .map_err(|e| StoreError::Corrupt(format!("api key tenant: {e}")))?,
        key_id: row.try_get(1)?,
        name: row.try_get(2)?,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        salt: row.try_get(4)?,
        hash: row.try_get(5)?,
        created_ms: row.try_get(6)?,
        revoked_ms: row.try_get(7)?,
    })
}

pub(super) async fn create(pool: &AnyPool, key: &ApiKeyRecord) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO api_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .bind(key.tenant.as_str())
    .bind(key.key_id.as_str())
    .bind(key.name.as_deref())
    .bind(key.scopes.join(" "))
    .bind(key.salt.as_str())
    .bind(key.hash.as_str())
    .bind(key.created_ms)
    .bind(key.revoked_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub(super) async fn find(pool: &AnyPool, key_id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
    if key_id.contains('\0') {
        // No key has one (PostgreSQL could not even compare it): a credential, not an error.
        return Ok(None);
    }
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_keys WHERE key_id = $1"))
        .bind(key_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub(super) async fn list(
    pool: &AnyPool,
    tenant: &TenantId,
) -> Result<Vec<ApiKeyRecord>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_ms, key_id"
    ))
    .bind(tenant.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(from_row).collect()
}

pub(super) async fn revoke(
    pool: &AnyPool,
    tenant: &TenantId,
    key_id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE api_keys SET revoked_ms = $3 WHERE tenant_id = $1 AND key_id = $2 AND revoked_ms IS NULL")
        .bind(tenant.as_str())
        .bind(key_id)
        .bind(now_ms())
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl ApiKeys for SqlStore {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        create(&self.writer, key).await
    }

    async fn find_api_key(&self, key_id: &str) -> Result<Option<ApiKeyRecord>, StoreError> {
        find(&self.reader, key_id).await
    }

    async fn list_api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        list(&self.reader, tenant).await
    }

    async fn revoke_api_key(&self, tenant: &TenantId, key_id: &str) -> Result<bool, StoreError> {
        revoke(&self.writer, tenant, key_id).await
    }
}
