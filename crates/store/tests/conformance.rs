//! The storage contract's story, run against every backend. Each step is what a server
//! does in production.

use interlog_core::{parse_event, Event, InteractionId, TenantId};
use interlog_store::postgres::PoolSettings;
use interlog_store::testing::PgSchema;
use interlog_store::{ApiKeyRecord, Appended, Store};
use serde_json::json;

fn event(id: &str, kind: &str, interaction: &str, at: &str, extra: serde_json::Value) -> Event {
    let mut raw =
        json!({"eventId": id, "type": kind, "interactionId": interaction, "timestamp": at});
    raw.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    parse_event(raw).unwrap()
}

async fn story(store: &dyn Store) {
    let acme = TenantId::parse("acme").unwrap();
    let other = TenantId::parse("other").unwrap();
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
        .append_events(&acme, &[ended.clone(), started.clone(), ended.clone()])
        .await
        .unwrap();
    assert_eq!(outcome, [Appended::New, Appended::New, Appended::Duplicate]);
    let outcome = store
        .append_events(&acme, &[allocated, started])
        .await
        .unwrap();
    assert_eq!(outcome, [Appended::New, Appended::Duplicate]);

    let record = store
        .get_interaction(&acme, &call)
        .await
        .unwrap()
        .expect("record");
    assert_eq!(record.statistics.interaction_time.unwrap().millis(), 60_000);
    assert_eq!(record.statistics.handle_time.millis(), 55_000);
    assert_eq!(record.agents.len(), 1);
    let logged: Vec<String> = store
        .interaction_events(&acme, &call)
        .await
        .unwrap()
        .iter()
        .map(|e| e.event_id.to_string())
        .collect();
    assert_eq!(logged, ["e3", "e1", "e2"], "arrival order");

    // Tenancy: the same ids under another tenant are another world.
    assert!(store
        .get_interaction(&other, &call)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .interaction_events(&other, &call)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.append_events(&other, &[ended]).await.unwrap(),
        [Appended::New],
        "eventIds are unique per tenant"
    );
    let theirs = store.get_interaction(&other, &call).await.unwrap().unwrap();
    assert!(theirs.agents.is_empty() && theirs.flagged);
    store.ping().await.unwrap();

    // API keys: found by id, listed and revoked per tenant.
    let key = ApiKeyRecord {
        key_id: "k1".into(),
        tenant: acme.clone(),
        name: Some("ci".into()),
        scopes: vec!["interactions:read".into()],
        salt: "00".into(),
        hash: "ab".into(),
        created_ms: 1,
        revoked_ms: None,
    };
    store.create_api_key(&key).await.unwrap();
    assert_eq!(store.find_api_key("k1").await.unwrap(), Some(key.clone()));
    assert_eq!(store.list_api_keys(&acme).await.unwrap(), [key]);
    assert!(store.list_api_keys(&other).await.unwrap().is_empty());
    assert!(
        !store.revoke_api_key(&other, "k1").await.unwrap(),
        "another tenant cannot revoke it"
    );
    assert!(store.revoke_api_key(&acme, "k1").await.unwrap());
    assert!(
        !store.revoke_api_key(&acme, "k1").await.unwrap(),
        "already revoked"
    );
    assert!(store
        .find_api_key("k1")
        .await
        .unwrap()
        .unwrap()
        .revoked_ms
        .is_some());
}

#[tokio::test]
async fn sqlite_follows_the_story_and_keeps_it_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("interlog.db");
    story(&interlog_store::sqlite::open(&path).await.unwrap()).await;
    let reopened = interlog_store::open(
        &format!("sqlite://{}", path.display()),
        &PoolSettings::default(),
    )
    .await
    .unwrap();
    let record = reopened
        .get_interaction(
            &TenantId::parse("acme").unwrap(),
            &InteractionId::parse("call-1").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(record.unwrap().agents[0].agent_id.as_str(), "a1");
}

#[tokio::test]
async fn postgres_follows_the_story() {
    let schema = PgSchema::create().await;
    let store = interlog_store::open(&schema.url, &PoolSettings::default())
        .await
        .unwrap();
    story(store.as_ref()).await;
    // Opening again finds the schema current and the data in place.
    let again = interlog_store::open(&schema.url, &PoolSettings::default())
        .await
        .unwrap();
    let acme = TenantId::parse("acme").unwrap();
    assert!(again
        .get_interaction(&acme, &InteractionId::parse("call-1").unwrap())
        .await
        .unwrap()
        .is_some());
    schema.drop().await;
}

#[tokio::test]
async fn unknown_database_urls_are_refused_with_a_message() {
    let error = interlog_store::open("mysql://localhost/x", &PoolSettings::default())
        .await
        .err()
        .unwrap();
    assert!(error.to_string().contains("postgres://"), "{error}");
}
