//! The retention sweeper: at start and then every `Config::retention_sweep`, deletes the
//! interactions that ended longer ago than their tenant's `retentionDays`, with everything
//! derived from them, in the store's small transactions (so ingest goes on between them).

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use interlog_store::Store;

/// Starts the sweeper on the current runtime; a zero period disables it.
pub(crate) fn spawn(store: Arc<dyn Store>, every: Duration) {
    if every.is_zero() {
        return;
    }
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            match store.sweep_expired(now.as_millis() as i64).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "retention: expired interactions deleted"),
                Err(error) => tracing::warn!(%error, "retention sweep failed; it runs again later"),
            }
        }
    });
}
