//! The live stream: each commit reaches an open stream as `interaction` events numbered in
//! the tenant's commit sequence, filtered as asked and never another tenant's; a client
//! that reconnects with `Last-Event-ID` gets what it missed; commits through a second
//! server over the same PostgreSQL reach a stream on the first; a client that stops
//! reading is dropped while ingest goes on, and catches up on reconnecting.

mod common;

use std::time::Duration;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

/// One Server-Sent Event.
#[derive(Debug)]
struct Sse {
    id: Option<i64>,
    event: String,
    data: Value,
}

/// An open stream, read event by event.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, query: &str, token: &str, last: Option<i64>) -> Stream {
        let mut request = app
            .client
            .get(format!("{}/api/v1/tenants/acme/stream{query}", app.base))
            .bearer_auth(token);
        if let Some(last) = last {
            request = request.header("last-event-id", last.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped); `None` when the server ended the stream.
    async fn next(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    match line.split_once(':') {
                        Some(("id", v)) => id = v.trim().parse().ok(),
                        Some(("event", v)) => kind = v.trim().to_string(),
                        Some(("data", v)) => data.push_str(v.trim_start()),
                        _ => {}
                    }
                }
                if kind.is_empty() {
                    continue; // a heartbeat
                }
                let data = serde_json::from_str(&data).unwrap();
                return Some(Sse {
                    id,
                    event: kind,
                    data,
                });
            }
            let chunk = tokio::time::timeout(Duration::from_secs(15), self.response.chunk())
                .await
                .expect("an event within 15 s")
                .unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next `interaction` event.
    async fn interaction(&mut self) -> Sse {
        let next = self.next().await.expect("the stream goes on");
        assert_eq!(next.event, "interaction", "{next:?}");
        next
    }
}

fn started(id: &str, queue: &str) -> Value {
    json!([
        event(
            &format!("{id}-1"),
            "interaction-started",
            id,
            "2026-11-02T10:00:00Z",
            json!({"channelType": "voice", "direction": "inbound", "customer": {"id": format!("cust-{id}")}})
        ),
        event(
            &format!("{id}-2"),
            "queue-entered",
            id,
            "2026-11-02T10:00:01Z",
            json!({"queueId": queue})
        ),
    ])
}

async fn each_commit_reaches_the_stream_filtered_and_numbered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    let mut all = Stream::open(&app, "", &token, None).await;
    let mut support = Stream::open(&app, "?queue=support", &token, None).await;
    app.ingest("other", &started("x1", "support")).await;
    app.ingest("acme", &started("c1", "sales")).await;
    app.ingest("acme", &started("c2", "support")).await;

    let first = all.interaction().await;
    assert_eq!(first.data["interactionId"], "c1", "never another tenant's");
    assert_eq!(first.data["queues"], json!(["sales"]));
    assert_eq!(first.data["customer"], "cust-c1");
    assert_eq!(first.data["status"], "active");
    let second = all.interaction().await;
    assert_eq!(second.data["interactionId"], "c2");
    assert!(
        second.id.unwrap() > first.id.unwrap(),
        "{first:?} {second:?}"
    );
    let filtered = support.interaction().await;
    assert_eq!(
        filtered.data["interactionId"], "c2",
        "only the queue asked for"
    );
    assert_eq!(filtered.id, second.id, "the same numbering");

    let other = app.token("other");
    let refused = app.get("/api/v1/tenants/acme/stream", Some(&other)).await;
    assert_eq!(refused.status(), 403);
    let bad = app
        .get("/api/v1/tenants/acme/stream?channel=pigeon", Some(&token))
        .await;
    let body = common::error_body(bad, 400, "invalid_parameter").await;
    assert!(body.to_string().contains("channel"), "{body}");
}

async fn a_client_that_reconnects_gets_what_it_missed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    let mut stream = Stream::open(&app, "", &token, None).await;
    app.ingest("acme", &started("c1", "sales")).await;
    let seen = stream.interaction().await.id.unwrap();
    drop(stream);
    app.ingest("acme", &started("c2", "sales")).await;
    app.ingest("acme", &started("c3", "sales")).await;

    let mut again = Stream::open(&app, "", &token, Some(seen)).await;
    for expected in ["c2", "c3"] {
        let missed = again.interaction().await;
        assert_eq!(missed.data["interactionId"], expected);
    }
    app.ingest("acme", &started("c4", "sales")).await;
    assert_eq!(again.interaction().await.data["interactionId"], "c4");
}

/// A client that stops reading is dropped once its queue is full; ingest is not held up,
/// and on reconnecting it receives everything after its last event.
async fn a_slow_client_is_dropped_without_holding_ingest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    let mut slow = Stream::open(&app, "", &token, None).await;
    let calls = 12_000;
    for batch in 0..calls / 1000 {
        let events: Vec<Value> = (0..1000)
            .map(|n| {
                let id = format!("s{batch}-{n}");
                event(
                    &format!("{id}-1"),
                    "interaction-started",
                    &id,
                    "2026-11-02T10:00:00Z",
                    json!({"channelType": "chat", "direction": "inbound"}),
                )
            })
            .collect();
        app.ingest("acme", &Value::Array(events)).await;
    }
    // Longer than the server waits on a client that takes nothing.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let (mut received, mut last) = (0, 0);
    while let Some(event) = slow.next().await {
        received += 1;
        last = event.id.unwrap();
    }
    assert!(received < calls, "the stream ended early: it was dropped");
    let mut again = Stream::open(&app, "", &token, Some(last)).await;
    for _ in received..calls {
        let event = again.interaction().await;
        assert_eq!(event.id, Some(last + 1), "nothing lost, nothing twice");
        last += 1;
    }
}

on_every_backend!(
    each_commit_reaches_the_stream_filtered_and_numbered,
    a_client_that_reconnects_gets_what_it_missed,
    a_slow_client_is_dropped_without_holding_ingest
);

/// Two servers over one PostgreSQL: a stream on one sees the commits made through the other.
#[tokio::test]
async fn commits_through_another_server_reach_the_stream() {
    let first = TestApp::spawn(Backend::Postgres).await;
    let url = first.database_url();
    let second = TestApp::spawn_with(Backend::Sqlite, |c| c.database_url = Some(url)).await;
    let token = first.token("acme");
    let mut stream = Stream::open(&first, "", &token, None).await;
    second.ingest("acme", &started("c1", "sales")).await;
    first.ingest("acme", &started("c2", "sales")).await;
    second.ingest("acme", &started("c3", "sales")).await;
    let mut ids = Vec::new();
    for expected in ["c1", "c2", "c3"] {
        let event = stream.interaction().await;
        assert_eq!(event.data["interactionId"], expected);
        ids.push(event.id.unwrap());
    }
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "one sequence: {ids:?}"
    );
}

/// An id the store never gave (as after a restore) cannot be resumed from: `reset`, then live.
#[tokio::test]
async fn an_unknown_last_event_id_gets_a_reset() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let token = app.token("acme");
    app.ingest("acme", &started("c1", "sales")).await;
    let mut stream = Stream::open(&app, "", &token, Some(1000)).await;
    let reset = stream.next().await.unwrap();
    assert_eq!(reset.event, "reset", "{reset:?}");
    app.ingest("acme", &started("c2", "sales")).await;
    assert_eq!(stream.interaction().await.data["interactionId"], "c2");
}
