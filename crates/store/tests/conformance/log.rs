//! The event log and the records it projects.

use interlog_core::{Event, InteractionId, TenantId};
use interlog_store::{Appended, Store};
use serde_json::json;

use crate::event;

/// The event log and the records it projects: appends are idempotent per tenant, the log
/// keeps arrival order, and tenants never see each other's rows.
pub(crate) async fn event_log(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let call = InteractionId::parse("call-1").unwrap();
    let started = event(
        "e1",
        "interaction-started",
        "call-1",
        "2024-05-01T10:00:00.000Z",
        json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "c1"},
               "callerKeys": {"dtmf": "4567"}}),
    );
    let allocated = event(
        "e2",
        "agent-allocated",
        "call-1",
        "2024-05-01T10:00:05.000Z",
        json!({"agentId": "a1"}),
    );
    let ended = event(
        "e3",
        "interaction-ended",
        "call-1",
        "2024-05-01T10:01:00.000Z",
        json!({}),
    );

    // Out of order, with a duplicate inside the batch.
    let outcome = store
        .append_events(acme, &[ended.clone(), started.clone(), ended.clone()])
        .await
        .unwrap();
    assert_eq!(outcome, [Appended::New, Appended::New, Appended::Duplicate]);
    let outcome = store
        .append_events(acme, &[allocated, started])
        .await
        .unwrap();
    assert_eq!(outcome, [Appended::New, Appended::Duplicate]);

    let record = store
        .get_interaction(acme, &call)
        .await
        .unwrap()
        .expect("record");
    assert_eq!(record.statistics.interaction_time.unwrap().millis(), 60_000);
    assert_eq!(record.statistics.handle_time.millis(), 55_000);
    assert_eq!(record.agents.len(), 1);
    let logged: Vec<String> = store
        .interaction_events(acme, &call)
        .await
        .unwrap()
        .iter()
        .map(|e| e.event_id.to_string())
        .collect();
    assert_eq!(logged, ["e3", "e1", "e2"], "arrival order");
    tenancy(store, other, &call, ended).await;
}

/// The same ids under another tenant are another world.
async fn tenancy(store: &dyn Store, other: &TenantId, call: &InteractionId, ended: Event) {
    assert!(store.get_interaction(other, call).await.unwrap().is_none());
    assert!(store
        .interaction_events(other, call)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.append_events(other, &[ended]).await.unwrap(),
        [Appended::New],
        "eventIds are unique per tenant"
    );
    let theirs = store.get_interaction(other, call).await.unwrap().unwrap();
    assert!(theirs.agents.is_empty() && theirs.flagged);
}
