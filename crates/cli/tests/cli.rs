//! The `interlog` binary as a newcomer uses it: serve, token, post, read, restart, keys, help
//! and generate. Imports are in imports.rs, demo and bench in demo_and_bench.rs.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Server, BIN};
use serde_json::{json, Value};

const WORKED_EXAMPLE_ID: &str = "b2109780-db83-11e7-9709-c2b07aa3bee9";

fn token(data: &Path, extra: &[&str]) -> String {
    common::token(data, "acme", extra)
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

/// The allocator's options as mimalloc prints them at start (`MIMALLOC_VERBOSE`).
fn allocator_options(env: &[(&str, &str)]) -> String {
    let output = Command::new(BIN)
        .arg("--version")
        .env("MIMALLOC_VERBOSE", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_allocator_gives_memory_back_unless_the_environment_says_otherwise() {
    let options = allocator_options(&[]);
    assert!(
        options.contains("option 'arena_eager_commit': 0"),
        "{options}"
    );
    assert!(options.contains("option 'purge_delay': 50"), "{options}");
    let options = allocator_options(&[("MIMALLOC_PURGE_DELAY", "1000")]);
    assert!(options.contains("option 'purge_delay': 1000"), "{options}");
}

fn keys(data: &Path, args: &[&str]) -> String {
    common::interlog(data, &[&["keys"], args].concat())
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

fn tenants(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("tenants")
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap()
}

#[test]
fn tenant_settings_are_shown_and_changed_from_the_cli() {
    let data = tempfile::tempdir().unwrap();
    let stdout = |output: std::process::Output| {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let shown = stdout(tenants(data.path(), &["show", "--tenant", "acme"]));
    assert_eq!(
        shown,
        "timeZone: UTC\nslaThresholdSeconds: 20\nshortAbandonSeconds: 5\nretentionDays: 0\nredaction: off\n"
    );

    let set = [
        "set",
        "--tenant",
        "acme",
        "--time-zone",
        "Europe/Paris",
        "--retention-days",
        "400",
        "--redaction",
        "redact-and-keep-original",
        "--redaction-customer-fields",
        "name,address,name",
        "--json",
    ];
    let changed: Value = serde_json::from_str(&stdout(tenants(data.path(), &set))).unwrap();
    let paris = json!({"timeZone": "Europe/Paris", "slaThresholdSeconds": 20,
        "shortAbandonSeconds": 5, "retentionDays": 400, "redaction": "redact-and-keep-original",
        "redactionPatterns": [], "redactionCustomerFields": ["name", "address"]});
    assert_eq!(changed, paris);

    let refused = tenants(
        data.path(),
        &["set", "--tenant", "acme", "--sla-threshold-seconds", "0"],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--sla-threshold-seconds"));
    let bad_zone = tenants(
        data.path(),
        &["set", "--tenant", "acme", "--time-zone", "Mars/Base"],
    );
    assert!(String::from_utf8_lossy(&bad_zone.stderr).contains("--time-zone"));
    let forever_and_more = tenants(
        data.path(),
        &["set", "--tenant", "acme", "--retention-days", "99999"],
    );
    assert!(String::from_utf8_lossy(&forever_and_more.stderr).contains("--retention-days"));
    let unknown_field = tenants(
        data.path(),
        &[
            "set",
            "--tenant",
            "acme",
            "--redaction-customer-fields",
            "ssn",
        ],
    );
    let stderr = String::from_utf8_lossy(&unknown_field.stderr).to_string();
    assert!(stderr.contains("--redaction-customer-fields"), "{stderr}");

    let shown = stdout(tenants(
        data.path(),
        &["show", "--tenant", "acme", "--json"],
    ));
    assert_eq!(
        serde_json::from_str::<Value>(&shown).unwrap(),
        paris,
        "nothing stored on error"
    );
    let other = stdout(tenants(data.path(), &["show", "--tenant", "globex"]));
    assert!(other.starts_with("timeZone: UTC\n"), "{other}");

    let help = stdout(tenants(data.path(), &["set", "--help"]));
    assert!(
        help.contains("--short-abandon-seconds") && help.contains("IANA"),
        "{help}"
    );
}
