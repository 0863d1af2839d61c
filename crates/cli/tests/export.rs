//! `interlog export` → `interlog import --format native` into an empty store → the same
//! records, byte for byte, on SQLite and on PostgreSQL: a generated workload plus an
//! interaction still active and one whose events raised flags.

mod common;

use std::path::Path;
use std::process::Command;

use common::{interlog, Server, BIN};
use interlog_store::testing::PgSchema;
use serde_json::json;

const INTERACTIONS: usize = 120;

/// Fills `data` (or `database`) through a running server: the generated workload and two
/// hand-made interactions.
async fn fill(data: &Path, database: Option<&str>) {
    let flags: Vec<&str> = database.map_or(vec![], |url| vec!["--database", url]);
    let server = Server::start(data, &flags);
    let token = common::token(data, "acme", &[]);
    let generated = Command::new(BIN)
        .args([
            "generate",
            "--tenant",
            "acme",
            "--days",
            "2",
            "--post",
            &server.base,
        ])
        .args([
            "--interactions",
            &INTERACTIONS.to_string(),
            "--token",
            &token,
        ])
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let at = |s: u32| format!("2024-01-03T10:00:{s:02}Z");
    let event = |id: &str, kind: &str, ix: &str, s: u32| json!({"eventId": id, "type": kind, "interactionId": ix, "timestamp": at(s)});
    let mut started = event("a1", "interaction-started", "still-active", 0);
    started["channelType"] = json!("chat");
    started["direction"] = json!("inbound");
    started["customer"] = json!({"id": "=cmd|' /C calc'!A0", "address": "+15550000009"});
    let mut message = event("a2", "message", "still-active", 3);
    message["participant"] = json!("customer");
    message["text"] = json!("a question, \"quoted\"");
    let mut flagged = event("f1", "interaction-started", "flagged", 10);
    flagged["channelType"] = json!("voice");
    flagged["direction"] = json!("outbound");
    let late = event("f3", "queue-entered", "flagged", 20);
    let mut late = late;
    late["queueId"] = json!("support");
    let events = json!([
        started,
        message,
        flagged,
        event("f2", "interaction-ended", "flagged", 15),
        late,
        event("n1", "interaction-ended", "never-started", 30)
    ]);
    let response = (reqwest::Client::new())
        .post(format!("{}/api/v1/tenants/acme/events", server.base))
        .bearer_auth(&token)
        .json(&events)
        .send()
        .await
        .unwrap();
    let outcome: serde_json::Value = response.json().await.unwrap();
    assert_eq!(outcome["accepted"], 6, "{outcome}");
}

/// `interlog <args>` on `data`, with `--database` when given.
fn run(data: &Path, database: Option<&str>, args: &[&str]) -> String {
    let mut args = args.to_vec();
    if let Some(url) = database {
        args.extend(["--database", url]);
    }
    interlog(data, &args)
}

async fn round_trip(source: Option<&str>, target: Option<&str>) {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    fill(a.path(), source).await;
    let files = tempfile::tempdir().unwrap();
    let file = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    for (data, database, name) in [(a.path(), source, "a"), (b.path(), target, "b")] {
        if name == "b" {
            let imported = run(
                data,
                database,
                &[
                    "import",
                    "--format",
                    "native",
                    "--tenant",
                    "acme",
                    &file("a.ndjson"),
                ],
            );
            assert!(
                imported.contains(&format!("{} new", INTERACTIONS + 3)),
                "{imported}"
            );
        }
        for format in ["ndjson", "csv"] {
            let out = file(&format!("{name}.{format}"));
            run(
                data,
                database,
                &[
                    "export", "--tenant", "acme", "--format", format, "--out", &out,
                ],
            );
        }
    }
    let read = |name: &str| std::fs::read_to_string(file(name)).unwrap();
    assert_eq!(read("a.ndjson").lines().count(), INTERACTIONS + 3);
    assert!(read("a.ndjson").contains("event-after-end") && read("a.ndjson").contains("no-end"));
    assert!(read("a.ndjson").contains("no-start"));
    assert!(
        read("a.ndjson") == read("b.ndjson"),
        "the imported records are the exported ones"
    );
    assert!(read("a.csv") == read("b.csv"));
    assert!(
        read("a.csv").contains(",'=cmd|' /C calc'!A0,"),
        "neutralised"
    );
    let again = run(
        b.path(),
        target,
        &[
            "import",
            "--format",
            "native",
            "--tenant",
            "acme",
            &file("a.ndjson"),
        ],
    );
    assert!(
        again.contains("0 new"),
        "importing again changes nothing: {again}"
    );
}

#[tokio::test]
async fn an_export_imports_back_into_an_empty_sqlite_store() {
    round_trip(None, None).await;
}

#[tokio::test]
async fn an_export_imports_back_into_an_empty_postgres_store() {
    let (source, target) = (PgSchema::create().await, PgSchema::create().await);
    round_trip(Some(&source.url), Some(&target.url)).await;
    source.drop().await;
    target.drop().await;
}
