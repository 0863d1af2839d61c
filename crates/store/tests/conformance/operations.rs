//! Database-wide operations.

use interlog_core::query::InteractionQuery;
use interlog_core::TenantId;
use interlog_store::Store;

/// Database-wide operations: readiness, size, planner statistics.
pub(crate) async fn operations(store: &dyn Store, acme: &TenantId) {
    store.ping().await.unwrap();
    assert!(
        store.size_bytes().await.unwrap() > 0,
        "the story's rows take space"
    );
    store.refresh_statistics().await.unwrap();
    let all = InteractionQuery::default();
    assert_eq!(
        store.count_interactions(acme, &all).await.unwrap(),
        2,
        "statistics change plans, never answers"
    );
}
