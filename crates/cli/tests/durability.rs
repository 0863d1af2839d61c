//! Group commit keeps the promise of every acknowledgement: `interlog serve` killed with
//! SIGKILL in the middle of concurrent one-event-per-request ingest, then restarted on the
//! same store, has every event it acknowledged, on SQLite and on PostgreSQL.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Server;
use interlog_store::testing::PgSchema;
use serde_json::{json, Value};

const SECRET: &str = "durability-test-secret";
const CLIENTS: usize = 32;
/// Acknowledgements to wait for before the kill.
const ACKED_BEFORE_KILL: usize = 400;

fn serve(data: &Path, database: Option<&str>) -> Server {
    let mut flags = vec!["--jwt-secret", SECRET];
    if let Some(url) = database {
        flags.extend(["--database", url]);
    }
    Server::start(data, &flags)
}

/// Client `c`'s `n`th event: interactions of ten events each, a start then messages.
fn event(c: usize, n: usize) -> Value {
    let id = format!("c{c}-{}", n / 10);
    let at = format!("2024-06-01T10:{:02}:{:02}.000Z", n / 60 % 60, n % 60);
    let mut event = json!({"eventId": format!("c{c}-e{n}"), "interactionId": id, "timestamp": at});
    let body = if n.is_multiple_of(10) {
        json!({"type": "interaction-started", "channelType": "chat", "direction": "inbound"})
    } else {
        json!({"type": "message", "participant": "customer", "text": format!("message {n}")})
    };
    event
        .as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    event
}

/// Each client POSTs its events one per request until the server stops answering; every
/// acknowledged eventId is recorded, by interaction.
async fn ingest_until_killed(
    base: String,
    token: String,
    acked: Arc<Mutex<BTreeMap<String, Vec<String>>>>,
    count: Arc<AtomicUsize>,
) {
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (acked, count) = (acked.clone(), count.clone());
        tasks.spawn(async move {
            for n in 0.. {
                let event = event(c, n);
                let response = client
                    .post(format!("{base}/api/v1/tenants/acme/events"))
                    .bearer_auth(&token)
                    .json(&event)
                    .send()
                    .await;
                let Ok(response) = response else { return };
                assert_eq!(response.status(), 200, "{event}");
                let id = event["interactionId"].as_str().unwrap().to_string();
                let event_id = event["eventId"].as_str().unwrap().to_string();
                acked.lock().unwrap().entry(id).or_default().push(event_id);
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn no_acknowledged_event_is_lost(database: Option<&str>) {
    let data = tempfile::tempdir().unwrap();
    let server = serve(data.path(), database);
    let token = common::token(data.path(), "acme", &["--jwt-secret", SECRET]);
    let acked = Arc::new(Mutex::new(BTreeMap::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let clients = tokio::spawn(ingest_until_killed(
        server.base.clone(),
        token.clone(),
        acked.clone(),
        count.clone(),
    ));
    while count.load(Ordering::Relaxed) < ACKED_BEFORE_KILL {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(server); // SIGKILL, with requests in flight
    clients.await.unwrap();

    let restarted = serve(data.path(), database);
    let client = reqwest::Client::new();
    let acked = acked.lock().unwrap().clone();
    assert!(acked.values().map(Vec::len).sum::<usize>() >= ACKED_BEFORE_KILL);
    for (id, event_ids) in acked {
        let url = format!(
            "{}/api/v1/tenants/acme/interactions/{id}/events",
            restarted.base
        );
        let response = client.get(url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200, "interaction {id} is lost");
        let stored: Value = response.json().await.unwrap();
        let stored: Vec<&str> = stored
            .as_array()
            .unwrap_or_else(|| panic!("{stored}"))
            .iter()
            .map(|e| e["eventId"].as_str().unwrap())
            .collect();
        for event_id in &event_ids {
            assert!(
                stored.contains(&event_id.as_str()),
                "{event_id} was acknowledged and lost"
            );
        }
        // The record was committed with its events: it knows every message.
        let record: Value = client
            .get(format!(
                "{}/api/v1/tenants/acme/interactions/{id}",
                restarted.base
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let messages = record["messages"].as_array().map_or(0, Vec::len);
        assert_eq!(
            messages,
            stored.iter().filter(|e| !e.ends_with("0")).count(),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_no_acknowledged_event_when_killed_under_load() {
    no_acknowledged_event_is_lost(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_no_acknowledged_event_when_killed_under_load() {
    let schema = PgSchema::create().await;
    no_acknowledged_event_is_lost(Some(&schema.url)).await;
}
