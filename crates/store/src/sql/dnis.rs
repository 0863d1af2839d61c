//! The X-Platform DNIS pool: create, allocate (never the same phone twice at once), read,
//! free. Lapsed allocations are free by arithmetic (`allocated_ms < now - timeout`), so no
//! background job is needed to release them.

use async_trait::async_trait;
use interlog_core::TenantId;
use sqlx::AnyPool;

use super::{Backend, SqlStore};
use crate::{DnisAllocation, DnisPhone, DnisPool, StoreError};

pub(super) async fn create(
    pool: &AnyPool,
    tenant: &TenantId,
    phone: &DnisPhone,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO dnis_phones (tenant_id, phone_number, dn_id, group_name, enabled) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, phone_number) DO NOTHING",
    )
    .bind(tenant.as_str())
    .bind(phone.phone_number.as_str())
    .bind(phone.dn_id.as_deref())
    .bind(phone.group.as_deref())
    .bind(phone.enabled)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn allocate(
    pool: &AnyPool,
    backend: Backend,
    tenant: &TenantId,
    group: Option<&str>,
    interaction: &str,
    now_ms: i64,
    timeout_ms: i64,
) -> Result<Option<String>, StoreError> {
    // PostgreSQL: concurrent allocators skip each other's candidate rows. SQLite: its single
    // writer connection already runs allocations one at a time.
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE dnis_phones SET interaction_id = $2, allocated_ms = $3
         WHERE tenant_id = $1 AND phone_number = (
             SELECT phone_number FROM dnis_phones
             WHERE tenant_id = $1 AND enabled AND (CAST($4 AS TEXT) IS NULL OR group_name = $4)
               AND (allocated_ms IS NULL OR allocated_ms < $5)
             ORDER BY allocated_ms NULLS FIRST, phone_number LIMIT 1{lock})
         RETURNING phone_number"
    );
    let row: Option<(String,)> = sqlx::query_as(&sql)
        .bind(tenant.as_str())
        .bind(interaction)
        .bind(now_ms)
        .bind(group)
        .bind(now_ms - timeout_ms)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(phone,)| phone))
}

pub(super) async fn allocation(
    pool: &AnyPool,
    tenant: &TenantId,
    phone_or_dnid: &str,
    now_ms: i64,
    timeout_ms: i64,
) -> Result<Option<DnisAllocation>, StoreError> {
    let row: Option<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT phone_number, interaction_id, allocated_ms FROM dnis_phones
         WHERE tenant_id = $1 AND (phone_number = $2 OR dn_id = $2)
         ORDER BY phone_number LIMIT 1",
    )
    .bind(tenant.as_str())
    .bind(phone_or_dnid)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(phone_number, interaction, allocated)| {
        let live = allocated.is_some_and(|at| at >= now_ms - timeout_ms);
        DnisAllocation {
            phone_number,
            interaction: interaction.filter(|_| live),
        }
    }))
}

pub(super) async fn free(
    pool: &AnyPool,
    tenant: &TenantId,
    phone_or_dnid: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE dnis_phones SET interaction_id = NULL, allocated_ms = NULL
         WHERE tenant_id = $1 AND (phone_number = $2 OR dn_id = $2)",
    )
    .bind(tenant.as_str())
    .bind(phone_or_dnid)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}

#[async_trait]
impl DnisPool for SqlStore {
    async fn create_dnis_phone(
        &self,
        tenant: &TenantId,
        phone: &DnisPhone,
    ) -> Result<bool, StoreError> {
        create(&self.writer, tenant, phone).await
    }

    async fn allocate_dnis_phone(
        &self,
        tenant: &TenantId,
        group: Option<&str>,
        interaction: &str,
        now_ms: i64,
        timeout_ms: i64,
    ) -> Result<Option<String>, StoreError> {
        allocate(
            &self.writer,
            self.backend,
            tenant,
            group,
            interaction,
            now_ms,
            timeout_ms,
        )
        .await
    }

    async fn dnis_allocation(
        &self,
        tenant: &TenantId,
        phone_or_dnid: &str,
        now_ms: i64,
        timeout_ms: i64,
    ) -> Result<Option<DnisAllocation>, StoreError> {
        allocation(&self.reader, tenant, phone_or_dnid, now_ms, timeout_ms).await
    }

    async fn free_dnis_phone(
        &self,
        tenant: &TenantId,
        phone_or_dnid: &str,
    ) -> Result<bool, StoreError> {
        free(&self.writer, tenant, phone_or_dnid).await
    }
}
