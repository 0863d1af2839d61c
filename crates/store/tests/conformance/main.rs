//! The storage contract's story, run against every backend. Each step is what a server
//! does in production.
//!
//! # Layout
//! One file per capability of the contract, in the story's order: `log.rs` (the event log and
//! tenancy), `reads.rs` (lists, counts, agent work, caller-key lookups), `contents.rs`,
//! `keys.rs`, `dnis.rs`, `settings.rs`, `operations.rs`, `changes.rs` (the change feed). This file runs the story on each backend.

mod changes;
mod contents;
mod dnis;
mod keys;
mod log;
mod operations;
mod reads;
mod settings;
mod webhooks;

use interlog_core::{parse_event, Event, InteractionId, TenantId};
use interlog_store::postgres::PoolSettings;
use interlog_store::testing::PgSchema;
use interlog_store::Store;
use serde_json::json;

pub(crate) fn event(
    id: &str,
    kind: &str,
    interaction: &str,
    at: &str,
    extra: serde_json::Value,
) -> Event {
    let mut raw =
        json!({"eventId": id, "type": kind, "interactionId": interaction, "timestamp": at});
    raw.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    parse_event(raw).unwrap()
}

/// The whole story, one capability of the contract after another; each step builds on the
/// data of the steps before it.
async fn story(store: &dyn Store) {
    let acme = TenantId::parse("acme").unwrap();
    let other = TenantId::parse("other").unwrap();
    log::event_log(store, &acme, &other).await;
    reads::interaction_reads(store, &acme, &other).await;
    reads::transcript_rows(&[store], &acme).await;
    reads::keys_that_change(store).await;
    contents::contents(store, &acme, &other).await;
    keys::api_keys(store, &acme, &other).await;
    dnis::dnis_pool(store, &acme, &other).await;
    settings::tenant_settings(store, &acme, &other).await;
    settings::integrations(store, &acme, &other).await;
    operations::operations(store, &acme).await;
    changes::change_feed(store, &acme, &other).await;
    webhooks::webhooks(store, &acme, &other).await;
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

/// Two stores on one database (two servers, or a server and `interlog import`) append to
/// one chat in turn, so neither has its projection kept at any append.
async fn writers_in_turn(first: &dyn Store, second: &dyn Store) {
    let acme = TenantId::parse("acme").unwrap();
    reads::start_chat(first, &acme).await;
    reads::transcript_rows(&[second, first], &acme).await;
}

#[tokio::test]
async fn sqlite_writers_in_turn_write_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("interlog.db");
    let first = interlog_store::sqlite::open(&path).await.unwrap();
    let second = interlog_store::sqlite::open(&path).await.unwrap();
    writers_in_turn(&first, &second).await;
}

#[tokio::test]
async fn postgres_writers_in_turn_write_what_changed() {
    let schema = PgSchema::create().await;
    let settings = PoolSettings::default();
    let first = interlog_store::open(&schema.url, &settings).await.unwrap();
    let second = interlog_store::open(&schema.url, &settings).await.unwrap();
    writers_in_turn(first.as_ref(), second.as_ref()).await;
    schema.drop().await;
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
