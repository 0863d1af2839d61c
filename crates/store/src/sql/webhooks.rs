//! Webhooks out: the subscriptions, and the outbox of deliveries. An append writes its
//! deliveries in its own transaction (`enqueue`), one per matching subscription and event,
//! each placed at twice the change's number (plus one for an end), so one interaction's go in
//! the order its changes committed. The worker claims the due heads of each subscription and
//! interaction under a lease, and settles each attempt.

use async_trait::async_trait;
use interlog_core::webhooks::{self, WebhookEvent, WebhookFilter};
use interlog_core::{Interaction, TenantId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::exec::Exec;
use super::statement::Sql;
use super::statement::{text, values_statements, Param};
use super::{corrupt, Backend, SqlStore};
use crate::{
    now_ms, Attempt, AttemptNext, DeliveryState, StoreError, WebhookDelivery, WebhookSubscription,
    Webhooks,
};

const SUBSCRIPTION_COLUMNS: &str =
    "tenant_id, subscription_id, url, events, queues, channels, secret, description, created_ms";

const DELIVERY_COLUMNS: &str = "tenant_id, delivery_id, subscription_id, interaction_id, \
    position, event, payload, state, attempts, created_ms, next_ms, last_ms, last_status, last_error";

/// The tenant's subscriptions, read inside an append's transaction before it takes the
/// tenant's change head (`changes.rs`), which it holds to its commit: the fewer statements
/// after the head, the sooner the tenant's next transaction may take it.
pub(super) async fn subscriptions(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
) -> Result<Vec<WebhookSubscription>, StoreError> {
    let select =
        format!("SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE tenant_id = ?");
    let sql = Sql::with(backend, &select, [text(tenant.as_str())]);
    let rows: Vec<SubscriptionRow> = tx.rows(&sql).await?;
    rows.into_iter().map(subscription).collect()
}

/// Writes, inside an append's transaction, the deliveries to `subscriptions` that its
/// changed records make: each `(record, ended before)` in `changed` holds change number
/// `first` onwards.
pub(super) async fn enqueue(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    subscriptions: &[WebhookSubscription],
    changed: &[(&Interaction, bool)],
    first: i64,
) -> Result<(), StoreError> {
    if changed.is_empty() || subscriptions.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let at = Timestamp::from_millis(now);
    let mut deliveries = Vec::new();
    for (n, (record, ended_before)) in changed.iter().enumerate() {
        let mut json = None;
        for s in subscriptions {
            for event in s.filter.events_for(record, *ended_before) {
                let json = match &json {
                    Some(json) => json,
                    None => json
                        .insert(serde_json::to_string(record).map_err(|e| corrupt("record", e))?),
                };
                let position = (first + n as i64) * 2 + event.rank();
                deliveries.push(vec![
                    text(tenant.as_str()),
                    text(delivery_id(tenant, &s.subscription_id, position)),
                    text(&s.subscription_id),
                    text(record.interaction_id.as_str()),
                    Param::Int(position),
                    text(event.as_str()),
                    text(webhooks::body(event, at, tenant, json)),
                    text(DeliveryState::Pending.as_str()),
                    Param::Int(now),
                    Param::Int(now),
                ]);
            }
        }
    }
    let head = "INSERT INTO webhook_deliveries (tenant_id, delivery_id, subscription_id, \
                interaction_id, position, event, payload, state, created_ms, next_ms)";
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    for sql in values_statements(backend, head, row, deliveries, "") {
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// A delivery's id: the same for every attempt (receivers dedupe on it), derived from where
/// it sits so that it needs no sequence of its own.
fn delivery_id(tenant: &TenantId, subscription: &str, position: i64) -> String {
    let name = format!("{}/{subscription}/{position}", tenant.as_str());
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes());
    format!("msg_{}", id.simple())
}

/// A subscription's row, in [`SUBSCRIPTION_COLUMNS`]' order.
type SubscriptionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
);

fn subscription(row: SubscriptionRow) -> Result<WebhookSubscription, StoreError> {
    let (tenant, subscription_id, url, events, queues, channels, secret, description, created_ms) =
        row;
    let list = |text: &str| -> Result<Vec<String>, StoreError> {
        serde_json::from_str(text).map_err(|e| corrupt("webhook subscription", e))
    };
    let filter = WebhookFilter::new(&list(&events)?, list(&queues)?, &list(&channels)?)
        .map_err(|(field, e)| StoreError::Corrupt(format!("webhook {field}: {e}")))?;
    Ok(WebhookSubscription {
        tenant: super::rows::stored_tenant(tenant)?,
        subscription_id,
        url,
        filter,
        secret,
        description,
        created_ms,
    })
}

fn delivery(row: &AnyRow) -> Result<WebhookDelivery, StoreError> {
    let event: String = row.try_get(5)?;
    let state: String = row.try_get(7)?;
    let attempts: i64 = row.try_get(8)?;
    let status: Option<i64> = row.try_get(12)?;
    Ok(WebhookDelivery {
        tenant: super::rows::stored_tenant(row.try_get(0)?)?,
        delivery_id: row.try_get(1)?,
        subscription_id: row.try_get(2)?,
        interaction_id: row.try_get(3)?,
        position: row.try_get(4)?,
        event: WebhookEvent::parse(&event)
            .ok_or_else(|| StoreError::Corrupt(format!("webhook event {event:?}")))?,
        payload: row.try_get(6)?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery state {state:?}")))?,
        attempts: attempts as u32,
        created_ms: row.try_get(9)?,
        next_ms: row.try_get(10)?,
        last_ms: row.try_get(11)?,
        last_status: status.map(|s| s as u16),
        last_error: row.try_get(13)?,
    })
}

fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

#[async_trait]
impl Webhooks for SqlStore {
    async fn create_webhook(&self, s: &WebhookSubscription) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO webhook_subscriptions ({SUBSCRIPTION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        );
        sqlx::query(&sql)
            .bind(s.tenant.as_str())
            .bind(&s.subscription_id)
            .bind(&s.url)
            .bind(json_list(&s.filter.events))
            .bind(json_list(&s.filter.queues))
            .bind(json_list(&s.filter.channels))
            .bind(&s.secret)
            .bind(&s.description)
            .bind(s.created_ms)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn webhooks(&self, tenant: &TenantId) -> Result<Vec<WebhookSubscription>, StoreError> {
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE tenant_id = $1 \
             ORDER BY created_ms, subscription_id"
        );
        let rows: Vec<SubscriptionRow> = sqlx::query_as(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.reader)
            .await?;
        rows.into_iter().map(subscription).collect()
    }

    async fn delete_webhook(&self, tenant: &TenantId, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND subscription_id = $2")
            .bind(tenant.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query(
            "DELETE FROM webhook_subscriptions WHERE tenant_id = $1 AND subscription_id = $2",
        )
        .bind(tenant.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

    async fn webhook_deliveries(
        &self,
        tenant: &TenantId,
        subscription: &str,
        state: Option<DeliveryState>,
        before: Option<i64>,
        limit: u32,
    ) -> Result<(Vec<WebhookDelivery>, Option<i64>), StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
             WHERE tenant_id = $1 AND subscription_id = $2 AND position < $3 \
             AND ($4 IS NULL OR state = $4) ORDER BY position DESC LIMIT $5"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(subscription)
            .bind(before.unwrap_or(i64::MAX))
            .bind(state.map(DeliveryState::as_str))
            .bind(i64::from(limit) + 1)
            .fetch_all(&self.reader)
            .await?;
        let mut page = rows.iter().map(delivery).collect::<Result<Vec<_>, _>>()?;
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        let next = more.then(|| page.last().map(|d| d.position)).flatten();
        Ok((page, next))
    }

    async fn claim_deliveries(
        &self,
        now_ms: i64,
        lease_until_ms: i64,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        // A look on the reader first: with nothing due (the usual case, and every commit
        // wakes the worker), the writer, which SQLite has one of, is not touched.
        let due = sqlx::query(
            "SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_ms <= $1 LIMIT 1",
        )
        .bind(now_ms)
        .fetch_optional(&self.reader)
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        // The heads of each subscription's and interaction's pending deliveries; a head
        // under lease (pending, not yet due) holds back the rest of its interaction.
        let sql = format!(
            "UPDATE webhook_deliveries SET next_ms = $2 \
             WHERE state = 'pending' AND next_ms <= $1 AND (tenant_id, delivery_id) IN ( \
               SELECT d.tenant_id, d.delivery_id FROM webhook_deliveries d \
               WHERE d.state = 'pending' AND d.next_ms <= $1 AND NOT EXISTS ( \
                 SELECT 1 FROM webhook_deliveries p WHERE p.tenant_id = d.tenant_id \
                 AND p.subscription_id = d.subscription_id \
                 AND p.interaction_id = d.interaction_id \
                 AND p.position < d.position AND p.state = 'pending') \
               ORDER BY d.next_ms LIMIT $3) \
             RETURNING {DELIVERY_COLUMNS}"
        );
        let rows = sqlx::query(&sql)
            .bind(now_ms)
            .bind(lease_until_ms)
            .bind(i64::from(limit))
            .fetch_all(&self.writer)
            .await?;
        let mut claimed = rows.iter().map(delivery).collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|d| d.position);
        Ok(claimed)
    }

    async fn settle_delivery(
        &self,
        tenant: &TenantId,
        delivery_id: &str,
        attempt: &Attempt,
    ) -> Result<(), StoreError> {
        let (state, next) = match attempt.next {
            AttemptNext::Delivered => (DeliveryState::Delivered, attempt.at_ms),
            AttemptNext::RetryAt(at) => (DeliveryState::Pending, at),
            AttemptNext::GiveUp => (DeliveryState::Failed, attempt.at_ms),
        };
        // A delivered body leaves (the status stays): the receiver has it.
        let payload = if state == DeliveryState::Delivered {
            "NULL"
        } else {
            "payload"
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_ms = $3, \
             last_status = $4, last_error = $5, state = $6, next_ms = $7, payload = {payload} \
             WHERE tenant_id = $1 AND delivery_id = $2"
        );
        sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(delivery_id)
            .bind(attempt.at_ms)
            .bind(attempt.status.map(i64::from))
            .bind(&attempt.error)
            .bind(state.as_str())
            .bind(next)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn sweep_deliveries(&self, before_ms: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_ms < $1",
        )
        .bind(before_ms)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }
}
