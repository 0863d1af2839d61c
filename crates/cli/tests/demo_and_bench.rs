//! `interlog demo` fills a store a newcomer can read, and `interlog bench` runs its harness at
//! a tiny size on both backends as a smoke test.

mod common;

use std::path::Path;
use std::process::Command;

use common::{token, Server, BIN};
use serde_json::{json, Value};

#[tokio::test]
async fn demo_fills_the_store_with_the_interactions_asked_for() {
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
    assert_eq!(demo_interactions(&server, data.path()).await, 60);
}

/// How many interactions the demo tenant holds (up to 100), read as a newcomer would.
async fn demo_interactions(server: &Server, data: &Path) -> usize {
    let page: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/tenants/demo/interactions?limit=100",
            server.base
        ))
        .bearer_auth(token(data, "demo", &[]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn demo_posts_to_a_running_server_and_its_hints_name_that_server() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let args = ["demo", "--interactions", "5", "--url", &server.base];
    let stdout = common::interlog(data.path(), &args);
    assert!(
        stdout.contains(&format!("curl -s \"{}/api/v1/tenants/demo/", server.base)),
        "{stdout}"
    );
    assert!(!stdout.contains(":8080"), "{stdout}");
    assert_eq!(demo_interactions(&server, data.path()).await, 5);
}

/// The harness at a tiny size on both backends, as a smoke test: it runs and reports; no
/// timing is asserted.
#[test]
fn the_bench_harness_reports_every_endpoint_on_both_backends() {
    let data = tempfile::tempdir().unwrap();
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
            "--long-messages",
            "120",
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
        assert_eq!(
            rows.len(),
            13 * 2 + 2,
            "eleven endpoints, single-event ingest and single events while retention sweeps at \
             each connection count, two reports at one"
        );
        // How much it swept in 100 ms depends on the machine: only that it says.
        assert!(run["sweptWhileMeasured"].is_u64());
        assert_eq!(run["longInteraction"][0]["n"], json!(100));
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
