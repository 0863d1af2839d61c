//! `interlog backup` while a server ingests, then `interlog restore` into an empty data
//! directory: the restored store holds every event acknowledged before the backup began,
//! and is a working store. Refusals: an existing database without --force, a file that is
//! not a backup, a backup name already taken, PostgreSQL.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::{interlog, Server, BIN};
use serde_json::json;

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap()
}

fn refused(output: &Output, reason: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains(reason),
        "{stderr}"
    );
}

/// Posts one new interaction per request until `stop`, recording each acknowledged id.
async fn ingest(
    base: String,
    token: String,
    acked: Arc<Mutex<Vec<String>>>,
    stop: Arc<Mutex<bool>>,
) {
    let client = reqwest::Client::new();
    for n in 0.. {
        if *stop.lock().unwrap() {
            break;
        }
        let id = format!("ix-{n}");
        let event = json!([{"eventId": format!("{id}-s"), "type": "interaction-started",
            "interactionId": id, "timestamp": "2026-11-02T10:00:00Z",
            "channelType": "chat", "direction": "inbound",
            "customer": {"id": format!("c{n}")}}]);
        let response = (client.post(format!("{base}/api/v1/tenants/acme/events")))
            .bearer_auth(&token)
            .json(&event)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        acked.lock().unwrap().push(id);
    }
}

#[tokio::test]
async fn a_backup_taken_while_ingesting_restores_every_acknowledged_event() {
    let (live, restored, files) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let server = Server::start(live.path(), &[]);
    let token = common::token(live.path(), "acme", &[]);
    let (acked, stop) = (
        Arc::new(Mutex::new(Vec::new())),
        Arc::new(Mutex::new(false)),
    );
    let writer = tokio::spawn(ingest(
        server.base.clone(),
        token,
        acked.clone(),
        stop.clone(),
    ));
    while acked.lock().unwrap().len() < 200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    let before: Vec<String> = acked.lock().unwrap().clone();
    let file = files.path().join("backup.db");
    let backup = file.to_str().unwrap().to_string();
    let live_dir = live.path().to_path_buf();
    let args = ["backup", "--to", backup.as_str()].map(String::from);
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&live_dir, &args)
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let after = acked.lock().unwrap().len();
    *stop.lock().unwrap() = true;
    writer.await.unwrap();
    assert!(
        acked.lock().unwrap().len() > before.len(),
        "ingest went on meanwhile"
    );

    interlog(restored.path(), &["restore", "--from", &backup]);
    let exported = interlog(restored.path(), &["export", "--tenant", "acme"]);
    let ids: std::collections::HashSet<String> = (exported.lines())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .map(|record| record["interactionId"].as_str().unwrap().to_string())
        .collect();
    let missing: Vec<&String> = before.iter().filter(|id| !ids.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, yet missing: {missing:?}"
    );
    assert!(
        ids.len() <= after,
        "nothing the server had not acknowledged by the end"
    );

    // The restored directory serves: a server starts on it and answers from the backup.
    let restored_server = Server::start(restored.path(), &["--jwt-secret", "s"]);
    let token = common::token(restored.path(), "acme", &["--jwt-secret", "s"]);
    let response = (reqwest::Client::new())
        .get(format!(
            "{}/api/v1/tenants/acme/interactions/ix-0",
            restored_server.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    drop(restored_server);

    refused(
        &run(restored.path(), &["restore", "--from", &backup]),
        "--force",
    );
    let forced = run(restored.path(), &["restore", "--from", &backup, "--force"]);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    refused(
        &run(live.path(), &["backup", "--to", &backup]),
        "already exists",
    );
    let not_a_backup = files.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let empty = tempfile::tempdir().unwrap();
    refused(
        &run(
            empty.path(),
            &["restore", "--from", not_a_backup.to_str().unwrap()],
        ),
        "is not an Interlog backup",
    );
    assert!(
        !empty.path().join("interlog.db").exists(),
        "nothing written"
    );
    let postgres = [
        "backup",
        "--to",
        "x.db",
        "--database",
        "postgres://127.0.0.1/test",
    ];
    refused(&run(empty.path(), &postgres), "pg_dump");
}
