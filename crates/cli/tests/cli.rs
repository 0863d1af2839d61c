//! The `interlog` binary as a newcomer uses it: serve, token, post, read, restart.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Server, BIN};
use serde_json::{json, Value};

const WORKED_EXAMPLE_ID: &str = "b2109780-db83-11e7-9709-c2b07aa3bee9";

fn token(data: &Path, extra: &[&str]) -> String {
    let output = Command::new(BIN)
        .args(["token", "--tenant", "acme", "--data"])
        .arg(data)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the token alone on stdout");
    stdout.trim().to_string()
}

async fn get_record(client: &reqwest::Client, server: &Server, token: &str) -> Value {
    let url = format!(
        "{}/api/v1/tenants/acme/interactions/{WORKED_EXAMPLE_ID}",
        server.base
    );
    let response = client.get(url).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_newcomer_serves_posts_reads_and_a_restart_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let server = Server::start(data.path(), &[]);
    let token = token(data.path(), &[]);
    assert_eq!(token.split('.').count(), 3, "a JWT");

    let events: Value =
        serde_json::from_str(include_str!("../../../examples/worked-example.json")).unwrap();
    let response = client
        .post(format!("{}/api/v1/tenants/acme/events", server.base))
        .bearer_auth(&token)
        .json(&events)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["accepted"],
        json!(4)
    );
    let before = get_record(&client, &server, &token).await;
    assert_eq!(before["statistics"]["interactionTime"], json!(94.244));

    // Killed without warning right after the acknowledgement: the events were committed.
    drop(server);
    let restarted = Server::start(data.path(), &[]);
    let after = get_record(&client, &restarted, &token).await;
    assert_eq!(
        after, before,
        "same record, and the same secret still verifies the token"
    );
}

#[tokio::test]
async fn a_read_only_token_cannot_write() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let reader = token(data.path(), &["--scope", "interactions:read"]);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/tenants/acme/events", server.base))
        .bearer_auth(reader)
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[test]
fn help_explains_every_command_and_bad_arguments_are_named() {
    for args in [&["--help"][..], &["serve", "--help"], &["token", "--help"]] {
        let output = Command::new(BIN).args(args).output().unwrap();
        assert!(output.status.success());
        let help = String::from_utf8(output.stdout).unwrap();
        assert!(help.contains("Usage"), "{help}");
    }
    let output = Command::new(BIN)
        .args(["token", "--tenant", "a/b"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tenant"));
    let output = Command::new(BIN)
        .args(["token", "--tenant", "acme", "--scope", "root"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("interactions:read"));
}

fn keys(data: &Path, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .arg("keys")
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "keys {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn keys_are_created_listed_used_and_revoked_from_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let created = keys(
        data.path(),
        &[
            "create",
            "--tenant",
            "acme",
            "--scope",
            "interactions:read",
            "--name",
            "crm",
        ],
    );
    let line = |prefix: &str| {
        created
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap()
            .to_string()
    };
    let (id, secret) = (line("id: "), line("secret: "));
    assert!(id.starts_with("key_") && secret.starts_with(&format!("{id}.")));

    let listed = keys(data.path(), &["list", "--tenant", "acme"]);
    assert!(
        listed.contains(&id) && listed.contains("crm") && listed.contains("live"),
        "{listed}"
    );
    assert!(!listed.contains(&secret), "the secret is never shown again");
    let as_json: Value = serde_json::from_str(&keys(
        data.path(),
        &["create", "--tenant", "acme", "--scope", "admin", "--json"],
    ))
    .unwrap();
    assert_eq!(as_json["scopes"], json!(["admin"]));
    assert!(as_json["secret"].as_str().unwrap().starts_with("key_"));

    let server = Server::start(data.path(), &[]);
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/tenants/acme/interactions", server.base);
    let ok = client
        .get(&url)
        .basic_auth(&id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(
        keys(data.path(), &["revoke", &id]).trim(),
        format!("revoked {id}")
    );
    let refused = client
        .get(&url)
        .basic_auth(&id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

fn import(data: &Path, format: &str, file: &Path) -> String {
    let output = Command::new(BIN)
        .args(["import", "--format", format, "--tenant", "acme"])
        .arg(file)
        .arg("--data")
        .arg(data)
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "import: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn a_talkdesk_page_imports_and_reads_back_field_for_field() {
    let data = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/talkdesk-page.json");
    let summary = import(data.path(), "talkdesk", &file);
    assert!(
        summary.contains("2 new, 0 already imported, 0 rejected"),
        "{summary}"
    );
    let again = import(data.path(), "talkdesk", &file);
    assert!(
        again.contains("0 new, 2 already imported"),
        "importing twice changes nothing: {again}"
    );

    let server = Server::start(data.path(), &[]);
    let token = token(data.path(), &[]);
    let url = format!("{}/compat/talkdesk/interactions?start_date=2020-03-09T00:00:00Z&end_date=2020-03-16T00:00:00Z", server.base);
    let page: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        page["_embedded"]["interactions"],
        original["_embedded"]["interactions"]
    );
}

#[tokio::test]
async fn the_cxengage_sample_imports_and_reads_back_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cxengage-sample.json");
    let output = Command::new(BIN)
        .args([
            "import",
            "--format",
            "cxengage",
            "--tenant",
            "2336d1ec-c956-47e1-b3b1-fe8fde81b2b4",
        ])
        .arg(&file)
        .arg("--data")
        .arg(data.path())
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("1 new"),
        "{summary} {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let server = Server::start(data.path(), &[]);
    let token = Command::new(BIN)
        .args([
            "token",
            "--tenant",
            "2336d1ec-c956-47e1-b3b1-fe8fde81b2b4",
            "--data",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let url = format!(
        "{}/compat/cxengage/v1/tenants/2336d1ec-c956-47e1-b3b1-fe8fde81b2b4/interactions/b2109780-db83-11e7-9709-c2b07aa3bee9",
        server.base
    );
    let got: Value = reqwest::Client::new()
        .get(url)
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sample: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(got, sample);
}

#[tokio::test]
async fn the_genesys_example_resource_imports_and_reads_back_key_for_key() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/genesys-ucs-resource.json");
    let summary = import(data.path(), "genesys-ucs", &file);
    assert!(summary.contains("1 new"), "{summary}");
    let server = Server::start(data.path(), &["--public-url", "http://ucshost:8080"]);
    let token = token(data.path(), &[]);
    let url = format!(
        "{}/compat/genesys-ucs/interactions/00001a57JGQ00BW8",
        server.base
    );
    let got = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Interlog serves the dialect under /compat/genesys-ucs; the example's host is ucshost:8080.
    let got: Value = serde_json::from_str(&got.replace("/compat/genesys-ucs", "")).unwrap();
    let example: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(got, example);
    assert_eq!(
        got["udata"][" smsSrcNumber"], "+33298143456",
        "keys kept byte for byte"
    );
}

#[test]
fn generate_is_deterministic_ndjson_of_valid_events() {
    let run = |seed: &str| {
        let output = Command::new(BIN)
            .args(["generate", "--interactions", "50", "--seed", seed])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let (a, b) = (run("3"), run("3"));
    assert_eq!(a, b, "the same seed gives the same events");
    assert_ne!(a, run("4"));
    let events: Vec<Value> = a
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.len() > 300, "{} events", events.len());
    assert!(events
        .iter()
        .all(|e| e["eventId"].is_string() && e["type"].is_string()));
}

#[tokio::test]
async fn demo_fills_the_store_and_the_bench_harness_reports_every_endpoint() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["demo", "--interactions", "60", "--data"])
        .arg(data.path())
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = Server::start(data.path(), &[]);
    let token = Command::new(BIN)
        .args(["token", "--tenant", "demo", "--data"])
        .arg(data.path())
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let page: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/tenants/demo/interactions?limit=100",
            server.base
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 60);

    // The harness at a tiny size on both backends, as a smoke test: it runs and reports;
    // no timing is asserted.
    let out = data.path().join("bench.json");
    let output = Command::new(BIN)
        .args([
            "bench",
            "--interactions",
            "200",
            "--duration-ms",
            "100",
            "--connections",
            "1,2",
            "--import-max",
            "50",
            "--out",
        ])
        .arg(&out)
        .args([
            "--backends",
            "sqlite,postgres",
            "--database",
            &interlog_store::testing::postgres_url(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("| endpoint | conns |"), "{stdout}");
    let results: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let runs = results["runs"].as_array().unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| r["backend"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["sqlite", "postgresql"]
    );
    for run in runs {
        let rows = run["endpoints"].as_array().unwrap();
        assert_eq!(rows.len(), 10 * 2);
        assert!(rows.iter().all(|r| r["errors"] == json!(0)), "{rows:?}");
        assert!(run["ingest"]["events"].as_u64().unwrap() > 1000);
        assert_eq!(
            run["import"]["events"],
            json!(50),
            "every exported document is imported"
        );
        assert!(run["bytesPerInteraction"].as_f64().unwrap() > 0.0);
    }
}
