//! SIGTERM during a large ingest: the server stops accepting, finishes the requests in
//! flight (each acknowledged only after its commit) and exits 0; every acknowledged event
//! is in the store afterwards.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use common::{interlog, Server};
use serde_json::{json, Value};

const CLIENTS: usize = 6;
const BATCH: usize = 100;

/// Posts batches of new interactions until the server stops answering; the acknowledged
/// ids go to `acked`.
async fn client(base: String, token: String, n: usize, acked: Arc<Mutex<Vec<String>>>) {
    let http = reqwest::Client::new();
    for round in 0.. {
        let ids: Vec<String> = (0..BATCH).map(|i| format!("c{n}-r{round}-{i}")).collect();
        let events: Vec<Value> = (ids.iter())
            .map(|id| {
                json!({"eventId": format!("{id}-s"), "type": "interaction-started",
                    "interactionId": id, "timestamp": "2026-11-02T10:00:00Z",
                    "channelType": "voice", "direction": "inbound"})
            })
            .collect();
        let sent = (http.post(format!("{base}/api/v1/tenants/acme/events")))
            .bearer_auth(&token)
            .json(&events)
            .send()
            .await;
        match sent {
            Ok(response) if response.status() == 200 => acked.lock().unwrap().extend(ids),
            _ => return, // refused or cut off: the server is stopping
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_ingest_and_exits_zero() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), &[]);
    let token = common::token(data.path(), "acme", &[]);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(client(server.base.clone(), token.clone(), n, acked.clone())))
        .collect();
    while acked.lock().unwrap().len() < 20 * BATCH {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    let status = tokio::task::block_in_place(|| server.terminate());
    assert_eq!(status.code(), Some(0), "a graceful stop exits 0");
    for client in clients {
        client.await.unwrap();
    }

    let exported = interlog(data.path(), &["export", "--tenant", "acme"]);
    let stored: HashSet<&str> = (exported.lines())
        .map(|line| line.split('"').nth(7).unwrap())
        .collect();
    let acked = acked.lock().unwrap();
    let lost: Vec<&String> = acked
        .iter()
        .filter(|id| !stored.contains(id.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged events lost: {lost:?}",
        lost.len()
    );
}

/// Log lines are written by a thread of their own; a graceful stop writes every one still
/// queued, the last request's and the last ("interlog stopped") included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_writes_every_log_line() {
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("server.log");
    let mut server = Server::start_logged(data.path(), &[], &log);
    let answered = reqwest::Client::new()
        .get(format!("{}/healthz", server.base))
        .header("x-request-id", "last-request-before-the-stop")
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);

    let status = tokio::task::block_in_place(|| server.terminate());
    assert_eq!(status.code(), Some(0));
    let written = std::fs::read_to_string(&log).unwrap();
    assert!(
        written.contains("last-request-before-the-stop"),
        "the last request's line: {written}"
    );
    assert!(
        written.contains("interlog stopped"),
        "the last line: {written}"
    );
}
