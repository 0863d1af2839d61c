//! Retention: with `retentionDays` set, the server's sweeper deletes the interactions that
//! ended before the cutoff, with their report contributions, and keeps the rest: those
//! still active, and those that ended within the period.

mod common;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{event, TestApp};
use interlog_core::Timestamp;
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;

/// An RFC 3339 time `days_ago` days (and `seconds` seconds) before now.
fn ago(days_ago: i64, seconds: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    Timestamp::from_millis(now - days_ago * DAY_MS + seconds * 1000).format(3)
}

/// The interactions a report says started, over all its rows.
async fn started(app: &TestApp, report: &str, token: &str) -> i64 {
    let report: Value = app.get(report, Some(token)).await.json().await.unwrap();
    (report["rows"].as_array().unwrap().iter())
        .filter_map(|r| r["started"].as_i64())
        .sum()
}

fn call(id: &str, days_ago: i64, ends: bool) -> Vec<Value> {
    let mut events = vec![event(
        &format!("{id}-0"),
        "interaction-started",
        id,
        &ago(days_ago, 0),
        json!({"channelType": "voice", "direction": "inbound", "customer": {"id": format!("cust-{id}")}}),
    )];
    if ends {
        events.push(event(
            &format!("{id}-1"),
            "interaction-ended",
            id,
            &ago(days_ago, 60),
            json!({}),
        ));
    }
    events
}

async fn expired_interactions_are_swept_and_the_rest_kept(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.retention_sweep = Duration::from_millis(100);
    })
    .await;
    let admin = app.token_with(&["acme"], &[Scope::Admin], 600);
    let settings = "/api/v1/admin/tenants/acme/settings";
    let bearer = format!("Bearer {admin}");
    let too_long = app
        .send(
            Method::PUT,
            settings,
            Some(&bearer),
            Some(json!({"retentionDays": 40000})),
        )
        .await;
    let body = common::error_body(too_long, 400, "invalid_parameter").await;
    assert!(body.to_string().contains("retentionDays"), "{body}");

    let events: Vec<Value> = [
        call("old-ended", 40, true),
        call("old-active", 40, false),
        call("recent", 10, true),
    ]
    .concat();
    app.ingest("acme", &Value::Array(events)).await;
    let read = app.token("acme");
    let day = format!(
        "/api/v1/tenants/acme/reports/intervals?from={}&to={}&metrics=started",
        ago(41, 0),
        ago(39, 0)
    );
    let before = started(&app, &day, &read).await;
    assert_eq!(before, 2);

    let response = app
        .send(
            Method::PUT,
            settings,
            Some(&bearer),
            Some(json!({"retentionDays": 30})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut swept = false;
    for _ in 0..200 {
        if app
            .get_interaction("acme", "old-ended", &read)
            .await
            .status()
            == 404
        {
            swept = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        swept,
        "the sweeper deleted the interaction that ended 40 days ago"
    );
    for id in ["old-active", "recent"] {
        assert_eq!(
            app.get_interaction("acme", id, &read).await.status(),
            200,
            "{id} stays"
        );
    }
    let after = started(&app, &day, &read).await;
    assert_eq!(after, 1, "the report forgets it too");
}

/// A server that has shut down lets go of its store: its background tasks, the sweeper
/// among them, end with it, so what the store holds (connections, page caches, the
/// committer) is freed in a process that goes on, as the benchmark's does between backends.
async fn a_stopped_server_lets_go_of_its_store(backend: Backend) {
    let mut app = TestApp::spawn_with(backend, |config| {
        config.retention_sweep = Duration::from_millis(20);
    })
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await; // a few sweeps
    app.stop().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.store_is_held() {
        assert!(
            Instant::now() < deadline,
            "the store is still held after the shutdown"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_every_backend!(
    expired_interactions_are_swept_and_the_rest_kept,
    a_stopped_server_lets_go_of_its_store
);
