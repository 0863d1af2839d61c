//! The retention sweeper: at start and then every `Config::retention_sweep`, deletes audit
//! entries past their retention, the live stream's changes past its horizon, settled
//! webhook deliveries after a week, and the
//! interactions that ended longer ago than their
//! tenant's `retentionDays` with everything derived from them, in the store's small
//! transactions (so ingest goes on between them).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use interlog_store::Store;
use tokio::sync::watch;

/// How long settled webhook deliveries (their status, not their bodies) are kept.
pub(crate) const DELIVERIES_KEPT: Duration = Duration::from_secs(7 * 86_400);

/// Starts the sweeper on the current runtime; a zero period disables it. Audit entries
/// older than `audit_days` days go on the same period. It stops, and lets go of the store,
/// when `stopping` turns true (the server is shutting down): no sweep starts after that.
pub(crate) fn spawn(
    store: Arc<dyn Store>,
    every: Duration,
    audit_days: i64,
    mut stopping: watch::Receiver<bool>,
) {
    if every.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stopping.wait_for(|stop| *stop) => return,
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let now_ms = now.as_millis() as i64;
            match store.sweep_audit(now_ms - audit_days * 86_400_000).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "audit entries past retention deleted"),
                Err(error) => tracing::warn!(%error, "audit sweep failed; it runs again later"),
            }
            let horizon = now_ms - crate::api::stream::HORIZON.as_millis() as i64;
            match store.sweep_changes(horizon).await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "stream changes past the horizon deleted"),
                Err(error) => tracing::warn!(%error, "change sweep failed; it runs again later"),
            }
            match store
                .sweep_deliveries(now_ms - DELIVERIES_KEPT.as_millis() as i64)
                .await
            {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "settled webhook deliveries deleted"),
                Err(error) => tracing::warn!(%error, "delivery sweep failed; it runs again later"),
            }
            match store.sweep_expired(now_ms).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "retention: expired interactions deleted"),
                Err(error) => tracing::warn!(%error, "retention sweep failed; it runs again later"),
            }
        }
    });
}
