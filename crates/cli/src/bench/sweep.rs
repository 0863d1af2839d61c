//! Live traffic while the retention sweeper deletes a large backlog: the loaded tenant's
//! whole history expires at once (`retentionDays` 1; the workload ended long ago), and
//! single events go to another tenant meanwhile, so the figures say what a sweep costs
//! ingest.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use interlog_core::query::InteractionQuery;
use interlog_core::TenantId;
use interlog_store::Store;

use super::live::{single_events, Traffic};
use super::load::Figure;
use super::Args;

/// The name of the figures measured while the sweeper runs.
pub(super) const WHILE_SWEEPING: &str = "native: one event per POST, retention sweeping";

/// Single events (to a tenant of their own) while the loaded tenant's history is swept;
/// the figures, and how many interactions the sweep deleted meanwhile.
pub(super) async fn while_sweeping(
    args: &Args,
    client: &reqwest::Client,
    base: &str,
    scratch: &Path,
    store: Arc<dyn Store>,
    tenant: &TenantId,
) -> anyhow::Result<(Vec<Figure>, u64)> {
    let mut settings = store.tenant_settings(tenant).await?.unwrap_or_default();
    settings.retention_days = 1;
    store.put_tenant_settings(tenant, &settings).await?;
    let all = InteractionQuery::default();
    let before = store.count_interactions(tenant, &all).await?;
    let sweeper = tokio::spawn({
        let store = store.clone();
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as i64;
        async move { store.sweep_expired(now).await }
    });
    let live = TenantId::parse("bench-live").expect("a valid tenant");
    let token = crate::token::mint(scratch, &live)?;
    let traffic = Traffic {
        name: WHILE_SWEEPING,
        seed: 4,
        tenant: live.as_str(),
        token: &token,
    };
    let figures = single_events(args, client, base, traffic).await;
    sweeper.abort(); // the transaction under way rolls back; what was committed stays swept
    let _ = sweeper.await;
    let after = store.count_interactions(tenant, &all).await?;
    Ok((figures, before.saturating_sub(after)))
}
