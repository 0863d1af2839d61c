//! The list query over HTTP: filters, search, bad parameters and paging under concurrent
//! inserts, on both backends. The customer and agent views and lookup are in views.rs, content
//! in content.rs.

mod common;

use std::collections::BTreeSet;

use common::fixtures::small_tenant;
use common::{error_body, event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let response = app
        .get(
            &format!("/api/v1/tenants/acme/interactions?{query}"),
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(response.status(), 200, "{query}");
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["interactionId"].as_str().unwrap().to_string())
        .collect()
}

async fn every_filter_narrows_the_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    for (query, expected) in [
        ("", &["e1", "s1", "c1", "v2", "v1"][..]),
        ("order=asc", &["v1", "v2", "c1", "s1", "e1"]),
        (
            "from=2024-05-02T00:00:00Z&to=2024-05-04T00:00:00Z",
            &["c1", "v2"],
        ),
        (
            "from=2024-05-02T12:00:00%2B02:00",
            &["e1", "s1", "c1", "v2"],
        ),
        ("customer=alice", &["c1", "v1"]),
        ("agent=ann", &["v2", "v1"]),
        ("queue=support", &["c1"]),
        ("channel=voice", &["v2", "v1"]),
        ("direction=inbound", &["s1", "c1", "v1"]),
        ("status=active", &["v2"]),
        ("status=ended&channel=voice", &["v1"]),
        ("flagged=true", &["e1", "v2"]),
        ("flagged=false&customer=alice", &["c1", "v1"]),
        ("q=invoice", &["v1"]),
        ("q=REFUND", &["c1"]),
        ("q=subject%20of", &["e1", "s1", "c1", "v2", "v1"]),
        ("q=invoice%20refund", &[]),
        ("q=invoice&customer=bob", &[]),
        // Control characters separate words, as whitespace does.
        ("q=subject%01of", &["e1", "s1", "c1", "v2", "v1"]),
    ] {
        assert_eq!(ids(&app, query).await, expected, "{query}");
    }
}

async fn list_items_carry_messages_only_on_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    let token = app.token("acme");
    let plain: Value = app
        .get(
            "/api/v1/tenants/acme/interactions?customer=alice&order=asc",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(plain["items"][0].get("messages").is_none());
    assert_eq!(
        plain["items"][0]["statistics"]["interactionTime"],
        json!(1800)
    );
    assert_eq!(plain["nextCursor"], Value::Null);
    let full: Value = app
        .get(
            "/api/v1/tenants/acme/interactions?customer=alice&order=asc&include=messages",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        full["items"][0]["messages"][0]["text"],
        "my invoice is wrong"
    );
}

async fn bad_parameters_are_400s_naming_the_parameter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    for (query, name) in [
        ("colour=red", "colour"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("channel=fax", "channel"),
        ("status=closed", "status"),
        ("from=yesterday", "from"),
        ("from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z", "to"),
        ("flagged=yes", "flagged"),
        ("order=sideways", "order"),
        ("cursor=not-a-cursor", "cursor"),
        ("channel=voice&channel=chat", "channel"),
        ("include=everything", "include"),
        ("q=%20%20", "q"),
        ("q=%01%06", "q"),
        // No parameter may hold a NUL (PostgreSQL's text cannot).
        ("q=refund%00", "q"),
        ("queue=sup%00port", "queue"),
    ] {
        let response = app
            .get(
                &format!("/api/v1/tenants/acme/interactions?{query}"),
                Some(&token),
            )
            .await;
        let body = error_body(response, 400, "invalid_parameter").await;
        assert_eq!(body["fields"][0]["name"], name, "{query}: {body}");
    }
    let response = app
        .get(
            "/api/v1/tenants/acme/customers/alice/interactions?customer=bob",
            Some(&token),
        )
        .await;
    error_body(response, 400, "invalid_parameter").await;
}

/// 10,000 interactions paged 100 at a time while new ones keep arriving: every original
/// interaction is seen exactly once.
async fn paging_through_ten_thousand_is_complete_under_concurrent_inserts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started = |n: usize, prefix: &str| {
        // Three interactions share each second, so the tie-break on the id matters.
        let ts = rfc3339(1_704_067_200_000i64 + (n as i64 / 3) * 1000);
        event(
            &format!("{prefix}{n}"),
            "interaction-started",
            &format!("{prefix}{n}"),
            &ts,
            json!({"channelType": "voice", "direction": "inbound"}),
        )
    };
    for chunk in (0..10_000).collect::<Vec<_>>().chunks(1000) {
        app.ingest(
            "acme",
            &json!(chunk
                .iter()
                .map(|&n| started(n, "old-"))
                .collect::<Vec<_>>()),
        )
        .await;
    }

    let token = app.token("acme");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = "/api/v1/tenants/acme/interactions?limit=100".to_string();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = app.get(&path, Some(&token)).await.json().await.unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["interactionId"].as_str().unwrap().to_string()),
        );
        // New interactions land all over the time range while we page.
        if pages < 20 {
            let batch: Vec<Value> = (0..10)
                .map(|k| started(pages * 500 + k * 37, &format!("new{pages}-")))
                .collect();
            app.ingest("acme", &json!(batch)).await;
        }
        pages += 1;
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let originals: Vec<&String> = seen.iter().filter(|id| id.starts_with("old-")).collect();
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no interaction twice");
    assert_eq!(originals.len(), 10_000, "no original interaction missed");
}

/// RFC 3339 for epoch milliseconds, without a date library in the tests.
fn rfc3339(ms: i64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    assert_eq!(days, 19_723, "the fixture stays on 2024-01-01");
    format!(
        "2024-01-01T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

on_every_backend!(
    every_filter_narrows_the_list,
    list_items_carry_messages_only_on_request,
    bad_parameters_are_400s_naming_the_parameter,
    paging_through_ten_thousand_is_complete_under_concurrent_inserts,
);
