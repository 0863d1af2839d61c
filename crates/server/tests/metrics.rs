//! `GET /metrics` parsed as Prometheus parses it: counters move as requests and events
//! arrive, labels are route templates (never a tenant or an id), and the endpoint can move
//! to a listener of its own.
//!
//! The recorder is global to the process and `cargo test` runs a binary's tests on threads
//! of one process, so everything here is one test, run in sequence: counts are exact.

mod common;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;

async fn scrape(base: &str) -> (String, Scrape) {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let parsed = Scrape::parse(lines).expect("the Prometheus text format");
    (text, parsed)
}

/// The value of the sample of `name` whose labels include `labels` (0 when absent).
fn value(scrape: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
    let matches =
        |s: &&Sample| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v));
    match scrape.samples.iter().find(matches).map(|s| &s.value) {
        Some(Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v)) => *v,
        Some(Value::Histogram(buckets)) => buckets.last().map_or(0.0, |b| b.count),
        _ => 0.0,
    }
}

async fn counters_move_with_requests_and_events(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, before) = scrape(&app.base).await;
    let batch = json!([
        event("m1", "interaction-started", "secret-call-id", "2026-11-02T10:00:00Z",
            json!({"channelType": "voice", "direction": "inbound"})),
        event("m2", "interaction-ended", "secret-call-id", "2026-11-02T10:01:00Z", json!({})),
        {"eventId": "bad"},
    ]);
    app.ingest("acme", &batch).await;
    app.ingest("acme", &batch).await; // again: two duplicates
    let _ = app.get("/no/such/route", None).await;
    let (text, after) = scrape(&app.base).await;

    let events = "/api/v1/tenants/:tenant/events";
    let moved = |name: &str, labels: &[(&str, &str)]| {
        value(&after, name, labels) - value(&before, name, labels)
    };
    let requests = [("route", events), ("method", "POST"), ("status", "2xx")];
    assert_eq!(
        moved("interlog_http_requests_total", &requests),
        2.0,
        "{text}"
    );
    let unmatched = [("route", "unmatched"), ("status", "4xx")];
    assert_eq!(moved("interlog_http_requests_total", &unmatched), 1.0);
    for (outcome, n) in [("accepted", 2.0), ("duplicate", 2.0), ("rejected", 2.0)] {
        let labels = [("source", "http"), ("outcome", outcome)];
        assert_eq!(moved("interlog_events_total", &labels), n, "{outcome}");
    }
    let duration = [("route", events), ("method", "POST")];
    assert_eq!(
        moved("interlog_http_request_duration_seconds", &duration),
        2.0
    );
    assert!(moved("interlog_store_commit_duration_seconds", &[]) >= 2.0);
    assert!(text.contains("interlog_db_connections{pool=\"writer\",state=\"idle\"}"));
    assert!(text.contains("# HELP interlog_events_total"));
    for private in ["acme", "secret-call-id", "no/such"] {
        assert!(!text.contains(private), "{private} must not be a label");
    }
    // The store's folder reports its backlog each round (about every second).
    let mut rounds = 0;
    while !scrape(&app.base)
        .await
        .0
        .contains("\ninterlog_report_pending_changes ")
    {
        assert!(rounds < 100, "no folder round within 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        rounds += 1;
    }
}

async fn metrics_can_have_a_listener_of_their_own() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.metrics_on_main = false).await;
    assert_eq!(app.get("/metrics", None).await.status(), 404);
    let state = interlog_server::open(&interlog_server::Config::new(app.data_dir()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(interlog_server::run_metrics(listener, state));
    let (text, _) = scrape(&base).await;
    assert!(text.contains("interlog_http_requests_total"), "{text}");
}

#[tokio::test]
async fn metrics_move_with_traffic_and_stay_bounded() {
    counters_move_with_requests_and_events(Backend::Sqlite).await;
    counters_move_with_requests_and_events(Backend::Postgres).await;
    metrics_can_have_a_listener_of_their_own().await;
}
