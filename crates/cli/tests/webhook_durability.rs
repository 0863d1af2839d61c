//! The webhook outbox keeps its promise across a crash: `interlog serve` killed with SIGKILL
//! under one-event-per-request ingest, while its receiver is down, then restarted with the
//! receiver up, delivers exactly what was committed: every delivery the store holds reaches
//! the receiver (at least once, deduped by `webhook-id`), the receiver gets no id the store
//! does not hold, each interaction's last update carries its record as committed, and each
//! ended interaction's end is delivered once. On SQLite and on PostgreSQL.

mod common;
#[path = "../../server/tests/common/receiver.rs"]
mod receiver;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::Server;
use interlog_store::testing::PgSchema;
use receiver::{signature_holds, Receiver};
use serde_json::{json, Value};

const SECRET: &str = "webhook-durability-secret";
const CLIENTS: usize = 8;
const ACKED_BEFORE_KILL: usize = 120;

fn serve(data: &Path, database: Option<&str>) -> Server {
    let mut flags = vec![
        "--jwt-secret",
        SECRET,
        "--webhook-first-retry-seconds",
        "0.2",
        "--webhook-timeout-seconds",
        "1",
    ];
    if let Some(url) = database {
        flags.extend(["--database", url]);
    }
    Server::start(data, &flags)
}

/// Client `c`'s `n`th event: calls of four events (start, queue, agent, end).
fn event(c: usize, n: usize) -> Value {
    let id = format!("c{c}-{}", n / 4);
    let at = format!("2026-11-29T10:00:{:02}.000Z", n % 4 * 10);
    let body = match n % 4 {
        0 => json!({"type": "interaction-started", "channelType": "voice", "direction": "inbound"}),
        1 => json!({"type": "queue-entered", "queueId": "support"}),
        2 => json!({"type": "agent-allocated", "agentId": "ann", "queueId": "support"}),
        _ => json!({"type": "interaction-ended"}),
    };
    let mut event = json!({"eventId": format!("c{c}-e{n}"), "interactionId": id, "timestamp": at});
    event
        .as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    event
}

async fn ingest_until_killed(base: String, token: String, count: Arc<AtomicUsize>) {
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let (client, base, token, count) =
            (client.clone(), base.clone(), token.clone(), count.clone());
        tasks.spawn(async move {
            for n in 0.. {
                let sent = client
                    .post(format!("{base}/api/v1/tenants/acme/events"))
                    .bearer_auth(&token)
                    .json(&event(c, n))
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                assert_eq!(response.status(), 200);
                count.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn get(base: &str, path: &str, token: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// Every delivery the store holds for `hook`, once none is pending (waiting up to a minute).
async fn settled_deliveries(base: &str, hook: &str, admin: &str) -> Vec<Value> {
    let path = format!("/api/v1/admin/tenants/acme/webhooks/{hook}/deliveries?limit=1000");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let pending = get(base, &format!("{path}&state=pending"), admin).await;
        if pending["items"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still pending: {pending}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = get(base, &format!("{path}{cursor}"), admin).await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["nextCursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return all,
        }
    }
}

async fn committed_deliveries_survive_a_crash(database: Option<&str>) {
    let data = tempfile::tempdir().unwrap();
    // The receiver's port, free until the receiver comes up after the restart.
    let address = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let server = serve(data.path(), database);
    let token = common::token(data.path(), "acme", &["--jwt-secret", SECRET]);
    let admin = common::token(
        data.path(),
        "acme",
        &["--jwt-secret", SECRET, "--scope", "admin"],
    );
    let hook: Value = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/admin/tenants/acme/webhooks",
            server.base
        ))
        .bearer_auth(&admin)
        .json(&json!({"url": format!("http://{address}/hooks"),
            "events": ["interaction.updated", "interaction.ended"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (hook_id, secret) = (
        hook["id"].as_str().unwrap(),
        hook["secret"].as_str().unwrap(),
    );

    let count = Arc::new(AtomicUsize::new(0));
    let clients = tokio::spawn(ingest_until_killed(
        server.base.clone(),
        token.clone(),
        count.clone(),
    ));
    while count.load(Ordering::Relaxed) < ACKED_BEFORE_KILL {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(server); // SIGKILL: committed deliveries are queued, none delivered
    clients.await.unwrap();

    let receiver = Receiver::start_on(&address.to_string(), 0).await;
    let restarted = serve(data.path(), database);
    let held = settled_deliveries(&restarted.base, hook_id, &admin).await;
    assert!(held.len() >= ACKED_BEFORE_KILL, "{} deliveries", held.len());
    assert!(held.iter().all(|d| d["state"] == "delivered"), "{held:?}");
    let held_ids: BTreeSet<&str> = held.iter().map(|d| d["id"].as_str().unwrap()).collect();
    let received = receiver.accepted();
    let received_ids: BTreeSet<&str> = received.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(received_ids, held_ids, "exactly the committed deliveries");
    assert!(received.iter().all(|r| signature_holds(secret, r)));

    // Each interaction's newest update is its record as committed; each end came once.
    let mut last_update: BTreeMap<String, (i64, Value)> = BTreeMap::new();
    let mut ends: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &received {
        let body = r.json();
        let record = body["data"]["interaction"].clone();
        let id = record["interactionId"].as_str().unwrap().to_string();
        if body["type"] == "interaction.ended" {
            ends.entry(id).or_default().insert(r.id.clone());
            continue;
        }
        let position = held.iter().position(|d| d["id"] == r.id.as_str()).unwrap() as i64;
        let newest = last_update.entry(id).or_insert((i64::MAX, Value::Null));
        if position < newest.0 {
            *newest = (position, record); // the list is newest first
        }
    }
    for (id, (_, delivered)) in &last_update {
        let path = format!("/api/v1/tenants/acme/interactions/{id}");
        let stored = get(&restarted.base, &path, &token).await;
        assert_eq!(
            &stored, delivered,
            "{id}: the last update is the committed record"
        );
        let ended = stored["status"] == "ended";
        assert_eq!(
            ends.get(id).map_or(0, BTreeSet::len),
            usize::from(ended),
            "{id}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_delivers_exactly_the_committed_after_a_kill() {
    committed_deliveries_survive_a_crash(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_delivers_exactly_the_committed_after_a_kill() {
    let schema = PgSchema::create().await;
    committed_deliveries_survive_a_crash(Some(&schema.url)).await;
}
