//! Two `interlog serve` processes over one PostgreSQL: a mixed workload ingested through both
//! at once, with duplicates across servers, must give the records sequential ingestion gives.

mod common;

use std::process::Command;

use common::{Server, BIN};
use interlog_store::testing::PgSchema;
use serde_json::{json, Value};

const SECRET: &str = "scale-out-test-secret";
const INTERACTIONS: usize = 40;

/// A server with the shared secret, on PostgreSQL when `database` is given.
fn serve(data: &std::path::Path, database: Option<&str>) -> Server {
    let mut flags = vec!["--jwt-secret", SECRET];
    if let Some(url) = database {
        flags.extend(["--database", url, "--db-max-connections", "4"]);
    }
    Server::start(data, &flags)
}

fn token() -> String {
    let output = Command::new(BIN)
        .args(["token", "--tenant", "acme", "--jwt-secret", SECRET])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A deterministic mixed workload: transferred calls with holds and transcripts, chats,
/// abandons; every event of every interaction.
fn workload() -> Vec<Value> {
    let mut events = Vec::new();
    for n in 0..INTERACTIONS {
        let id = format!("ix-{n}");
        let at = |s: usize| {
            format!(
                "2024-06-01T{:02}:{:02}:{:02}.{:03}Z",
                8 + n / 10,
                (n % 10) * 5 + s / 60,
                s % 60,
                (n * 7) % 1000
            )
        };
        for (seq, (kind, s, extra)) in steps(n).into_iter().enumerate() {
            let mut e = json!({"eventId": format!("{id}-{seq}"), "type": kind, "interactionId": id, "timestamp": at(s)});
            e.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            events.push(e);
        }
    }
    events
}

/// Interaction `n`'s events as (type, seconds after its start, fields), in sequence order:
/// every fifth is abandoned in the queue, the others are held, transferred and noted.
fn steps(n: usize) -> Vec<(&'static str, usize, Value)> {
    let channel = if n.is_multiple_of(3) { "chat" } else { "voice" };
    let agent = format!("agent-{}", n % 4);
    let mut steps = vec![
        (
            "interaction-started",
            0,
            json!({"channelType": channel, "direction": "inbound", "customer": {"id": format!("c{}", n % 7)}}),
        ),
        (
            "queue-entered",
            3,
            json!({"queueId": "support", "entryType": "ivr"}),
        ),
    ];
    if n % 5 == 4 {
        steps.push(("customer-disconnected", 40, json!({})));
        steps.push(("interaction-ended", 41, json!({})));
        return steps;
    }
    steps.extend([
        ("agent-allocated", 12, json!({"agentId": agent})),
        ("message", 14, json!({"participant": "customer", "text": format!("hello {n}"), "sentiment": "neutral"})),
        ("hold-started", 20, json!({})),
        ("hold-ended", 27, json!({})),
        ("transfer-started", 30, json!({"agentId": agent, "toAgentId": "agent-9"})),
        ("agent-allocated", 35, json!({"agentId": "agent-9"})),
        ("transfer-ended", 35, json!({"outcome": "success"})),
        ("agent-deallocated", 35, json!({"agentId": agent})),
        ("interaction-ended", 90, json!({})),
        ("note-added", 95, json!({"text": "resolved"})),
    ]);
    steps
}

/// A fixed permutation (a linear congruential shuffle), so failures reproduce.
fn shuffled(mut events: Vec<Value>) -> Vec<Value> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..events.len()).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        events.swap(i, (state >> 33) as usize % (i + 1));
    }
    events
}

async fn post(client: &reqwest::Client, base: &str, token: &str, batch: &[Value]) {
    let response = client
        .post(format!("{base}/api/v1/tenants/acme/events"))
        .bearer_auth(token)
        .json(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

async fn records(client: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for n in 0..INTERACTIONS {
        let url = format!("{base}/api/v1/tenants/acme/interactions/ix-{n}");
        let response = client.get(url).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        all.push(response.json().await.unwrap());
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_ingesting_concurrently_agree_with_sequential_ingestion() {
    let schema = PgSchema::create().await;
    let (data_a, data_b, data_seq) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let a = serve(data_a.path(), Some(&schema.url));
    let b = serve(data_b.path(), Some(&schema.url));
    let sequential = serve(data_seq.path(), None);
    let client = reqwest::Client::new();
    let token = token();

    // Sequentially, in order, into an embedded SQLite server.
    post(&client, &sequential.base, &token, &workload()).await;

    // Concurrently, shuffled, in small batches alternating between the two servers; every
    // fifth batch is delivered to both (duplicates across servers).
    let events = shuffled(workload());
    let mut tasks = tokio::task::JoinSet::new();
    for (i, batch) in events.chunks(5).enumerate() {
        let targets: Vec<String> = match (i % 5, i % 2) {
            (0, _) => vec![a.base.clone(), b.base.clone()],
            (_, 0) => vec![a.base.clone()],
            _ => vec![b.base.clone()],
        };
        for base in targets {
            let (client, token, batch) = (client.clone(), token.clone(), batch.to_vec());
            tasks.spawn(async move { post(&client, &base, &token, &batch).await });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }

    let expected = records(&client, &sequential.base, &token).await;
    let from_a = records(&client, &a.base, &token).await;
    let from_b = records(&client, &b.base, &token).await;
    assert_eq!(from_a, from_b, "both servers read the same records");
    assert_eq!(
        from_a, expected,
        "concurrent ingestion equals sequential ingestion"
    );
    assert!(
        expected.iter().all(|r| r["flagged"] == json!(false)),
        "the workload is consistent"
    );
    drop((a, b));
    schema.drop().await;
}
