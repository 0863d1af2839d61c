//! API keys: stored with their salted hash, found by id, listed and revoked per tenant.

use async_trait::async_trait;
use interlog_core::TenantId;
use sqlx::AnyPool;

use super::points::Visits;
use super::statement::{text, Sql};
use super::SqlStore;
use crate::{now_ms, ApiKeyRecord, ApiKeys, StoreError};

/// The `api_keys` columns every statement here names, in [`KeyRow`]'s order.
const COLUMNS: &str = "tenant_id, key_id, name, scopes, salt, hash, created_ms, revoked_ms";

/// An `api_keys` row's columns, in [`COLUMNS`]' order.
type KeyRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    i64,
    Option<i64>,
);

/// The record of a row.
fn from_columns(row: KeyRow) -> Result<ApiKeyRecord, StoreError> {
    let (tenant, key_id, name, scopes, salt, hash, created_ms, revoked_ms) = row;
    Ok(ApiKeyRecord {
        tenant: TenantId::parse(tenant)
            .map_err(|e| StoreError::Corrupt(format!("api key tenant: {e}")))?,
        key_id,
        name,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        salt,
        hash,
        created_ms,
        revoked_ms,
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

/// Whether some key could have `key_id`: none holds a NUL (PostgreSQL could not even
/// compare one; such a credential is unknown, not an error).
fn searchable(key_id: &str) -> bool {
    !key_id.contains('\0')
}

pub(super) async fn list(
    pool: &AnyPool,
    tenant: &TenantId,
) -> Result<Vec<ApiKeyRecord>, StoreError> {
    let rows: Vec<KeyRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY created_ms, key_id"
    ))
    .bind(tenant.as_str())
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(from_columns).collect()
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
        if !searchable(key_id) {
            return Ok(None);
        }
        // Every request with a key credential reads one: a read by key.
        let mut sql = Sql::new(
            self.backend,
            &format!("SELECT {COLUMNS} FROM api_keys WHERE"),
        );
        sql.push(" key_id = ?", [text(key_id)]);
        let rows: Vec<KeyRow> = self.read_rows(sql, Visits::Returned).await?;
        rows.into_iter().next().map(from_columns).transpose()
    }

    async fn list_api_keys(&self, tenant: &TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        list(&self.reader, tenant).await
    }

    async fn revoke_api_key(&self, tenant: &TenantId, key_id: &str) -> Result<bool, StoreError> {
        revoke(&self.writer, tenant, key_id).await
    }
}
