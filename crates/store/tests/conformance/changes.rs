//! The change feed: each append that rewrites records numbers one change per interaction in
//! the tenant's sequence, word of the commit reaches subscribers, reads start after a
//! number and see the record as stored now, other tenants' changes are their own, and the
//! sweep removes old changes while the numbering goes on. Then the log's reveal: with
//! nothing kept, the revealed events are the logged ones.

use interlog_core::{InteractionId, TenantId};
use interlog_store::Store;
use serde_json::json;

use super::event;

pub(crate) async fn change_feed(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let before = store.change_bounds(acme).await.unwrap();
    let mut commits = store.commits();
    let started = |id: &str| {
        event(
            &format!("{id}-feed"),
            "interaction-started",
            id,
            "2026-11-05T10:00:00Z",
            json!({"channelType": "chat", "direction": "inbound"}),
        )
    };
    store
        .append_events(acme, &[started("feed-1"), started("feed-2")])
        .await
        .unwrap();
    store
        .append_events(other, &[started("feed-3")])
        .await
        .unwrap();
    let told = tokio::time::timeout(std::time::Duration::from_secs(5), commits.recv()).await;
    assert_eq!(told.unwrap().unwrap(), *acme, "word of the commit");

    let changes = store.changes_after(acme, before.newest, 10).await.unwrap();
    let ids: Vec<&str> = changes.iter().map(|c| c.interaction_id.as_str()).collect();
    assert_eq!(ids, ["feed-1", "feed-2"], "acme's changes only");
    assert_eq!(changes[0].seq, before.newest + 1);
    assert_eq!(changes[1].seq, before.newest + 2, "numbered without gaps");
    let record: serde_json::Value =
        serde_json::from_str(changes[0].record.as_deref().unwrap()).unwrap();
    assert_eq!(record["interactionId"], "feed-1");
    let later = store.changes_after(acme, changes[0].seq, 10).await.unwrap();
    assert_eq!(later.len(), 1, "reads start after a number");

    let bounds = store.change_bounds(acme).await.unwrap();
    assert_eq!(bounds.newest, before.newest + 2);
    let swept = store.sweep_changes(i64::MAX).await.unwrap();
    assert!(swept >= 3, "every tenant's old changes");
    let bounds = store.change_bounds(acme).await.unwrap();
    assert_eq!(
        (bounds.newest, bounds.oldest_kept),
        (before.newest + 2, before.newest + 3)
    );
    store
        .append_events(acme, &[started("feed-4")])
        .await
        .unwrap();
    let next = store.changes_after(acme, bounds.newest, 10).await.unwrap();
    assert_eq!(
        next[0].seq,
        before.newest + 3,
        "the numbering goes on after a sweep"
    );

    let id = InteractionId::parse("feed-1").unwrap();
    assert_eq!(
        store.revealed_events(acme, &id).await.unwrap(),
        store.interaction_events(acme, &id).await.unwrap(),
        "nothing was kept, so the reveal is the log"
    );
}
