//! `interlog tail-asterisk` follows a growing queue log into a running server: lines as they
//! are written (a line still being written waits for its end), a rotation (the log renamed
//! and a new one started), and a restart that resumes from the saved position.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Server, BIN};
use serde_json::Value;

const LOG: &str = include_str!("../../../examples/imports/asterisk-queue_log");

fn tail(log: &Path, base: &str, secret: &str) -> Child {
    Command::new(BIN)
        .args([
            "tail-asterisk",
            "--tenant",
            "acme",
            "--poll-ms",
            "50",
            "--url",
            base,
            "--token",
            secret,
        ])
        .arg(log)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn interlog tail-asterisk")
}

fn append(log: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// The record of `call` once it has ended (waiting up to 20 s).
async fn ended(base: &str, secret: &str, call: &str) -> Value {
    let client = reqwest::Client::new();
    let url = format!("{base}/api/v1/tenants/acme/interactions/{call}");
    for _ in 0..400 {
        let response = client
            .get(&url)
            .header("authorization", format!("Token {secret}"))
            .send()
            .await
            .unwrap();
        if response.status() == 200 {
            let record: Value = response.json().await.unwrap();
            if record["status"] == "ended" {
                return record;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{call} did not arrive ended");
}

fn lines(range: std::ops::Range<usize>) -> String {
    LOG.lines()
        .skip(range.start)
        .take(range.len())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_growing_rotated_queue_log_reaches_the_server() {
    let data = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("queue_log");
    let server = Server::start(data.path(), &[]);
    let key = common::interlog(
        data.path(),
        &[
            "keys",
            "create",
            "--tenant",
            "acme",
            "--scope",
            "interactions:write",
            "--scope",
            "interactions:read",
            "--json",
        ],
    );
    let key: Value = serde_json::from_str(&key).unwrap();
    let secret = key["secret"].as_str().unwrap().to_string();

    append(&log, &lines(0..6));
    let mut follower = tail(&log, &server.base, &secret);
    // The call's last line arrives in two writes: the first half must wait for the second.
    let last = lines(6..8);
    let (half, rest) = last.split_at(last.len() - 10);
    append(&log, half);
    tokio::time::sleep(Duration::from_millis(300)).await;
    append(&log, rest);
    let answered = ended(&server.base, &secret, "1764407000.11").await;
    assert_eq!(answered["statistics"]["queueTime"], 20, "{answered}");
    assert_eq!(answered["agents"][0]["agentId"], "SIP/1002");

    // Rotation: the log renamed away, a new one begun.
    std::fs::rename(&log, logs.path().join("queue_log.1")).unwrap();
    append(&log, &lines(8..12));
    let abandoned = ended(&server.base, &secret, "1764407300.21").await;
    assert_eq!(abandoned["queues"][0]["queueAbandoned"], true);
    ended(&server.base, &secret, "1764407400.31").await;

    // Stopped, the log grows, started again: it resumes from the saved position.
    let stopped = Command::new("kill")
        .args(["-TERM", &follower.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(follower.wait().unwrap().success(), "a clean stop");
    let saved: Value = serde_json::from_str(
        &std::fs::read_to_string(logs.path().join("queue_log.interlog-position")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        saved["offset"],
        lines(8..12).len(),
        "the position after the last line sent"
    );
    append(&log, &lines(12..19));
    let mut follower = tail(&log, &server.base, &secret);
    let transferred = ended(&server.base, &secret, "1764407500.41").await;
    assert_eq!(transferred["statistics"]["transfers"], 1);
    ended(&server.base, &secret, "1764407800.51").await;
    let _ = follower.kill();
    let _ = follower.wait();
}
