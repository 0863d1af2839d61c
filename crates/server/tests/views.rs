//! The customer and agent views and the caller-key lookup over HTTP, on both backends.

mod common;

use common::fixtures::small_tenant;
use common::{error_body, event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

/// The body of a GET with acme's token, whatever its status.
async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path, Some(&app.token("acme"))).await;
    response.json().await.unwrap()
}

async fn customer_history_pages_with_a_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    let token = app.token("acme");
    let history = "/api/v1/tenants/acme/customers/alice/interactions";
    let first = get_json(&app, &format!("{history}?limit=1")).await;
    assert_eq!(first["items"][0]["interactionId"], "c1");
    let next = first["nextCursor"].as_str().expect("a second page");
    let second = get_json(&app, &format!("{history}?limit=1&cursor={next}")).await;
    assert_eq!(second["items"][0]["interactionId"], "v1");
    assert_eq!(second["nextCursor"], Value::Null);
    let mixed = app
        .get(
            &format!("{history}?limit=1&order=asc&cursor={next}"),
            Some(&token),
        )
        .await;
    error_body(mixed, 400, "invalid_parameter").await;
}

const AGENTS: &str = "/api/v1/tenants/acme/agents";

async fn the_agent_view_shows_current_and_past_work(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    let all = get_json(&app, &format!("{AGENTS}/ann/interactions")).await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["interaction"]["interactionId"], "v2");
    assert_eq!(items[0]["active"], json!(true));
    assert_eq!(items[0]["allocation"]["agentId"], "ann");
    assert_eq!(items[1]["active"], json!(false));
    assert_eq!(
        items[1]["allocation"]["handleTime"],
        json!(28 * 60),
        "allocated 10:02, ended 10:30"
    );
}

async fn the_agent_view_filters_and_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    let active = get_json(&app, &format!("{AGENTS}/ann/interactions?active=true")).await;
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let chats = get_json(&app, &format!("{AGENTS}/ben/interactions?channel=chat")).await;
    assert_eq!(chats["items"][0]["interaction"]["interactionId"], "c1");
    let paged = get_json(&app, &format!("{AGENTS}/ann/interactions?limit=1")).await;
    let next = paged["nextCursor"].as_str().unwrap();
    let rest = get_json(
        &app,
        &format!("{AGENTS}/ann/interactions?limit=1&cursor={next}"),
    )
    .await;
    assert_eq!(rest["items"][0]["interaction"]["interactionId"], "v1");
    assert_eq!(rest["nextCursor"], Value::Null);
    let nobody = get_json(&app, &format!("{AGENTS}/nobody/interactions")).await;
    assert_eq!(nobody["items"], json!([]));
}

/// The small tenant, and a later interaction that reuses s1's DTMF code 4567 and has an
/// allocated phone.
async fn with_a_reused_caller_key(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &small_tenant()).await;
    app.ingest(
        "acme",
        &json!([event(
            "later-s",
            "interaction-started",
            "later",
            "2024-05-09T10:00:00Z",
            json!({"channelType": "messaging", "direction": "inbound",
            "callerKeys": {"dtmf": "4567", "allocatedPhone": "+15550009999"}})
        ),]),
    )
    .await;
    app
}

async fn a_caller_key_finds_the_latest_interaction(backend: Backend) {
    let app = with_a_reused_caller_key(backend).await;
    // The same DTMF code reused later: the newer interaction wins.
    let found = get_json(&app, "/api/v1/tenants/acme/lookup?dtmf=4567").await;
    assert_eq!(found["interactionId"], "later");
    let by_phone = get_json(&app, "/api/v1/tenants/acme/lookup?phone=%2B15550009999").await;
    assert_eq!(by_phone["interactionId"], "later");
}

async fn a_lookup_needs_exactly_one_known_key_of_the_tenant(backend: Backend) {
    let app = with_a_reused_caller_key(backend).await;
    let token = app.token("acme");
    for (query, status, code) in [
        ("?dtmf=0000", 404, "not_found"),
        ("", 400, "bad_request"),
        ("?dtmf=1&phone=2", 400, "bad_request"),
    ] {
        let path = format!("/api/v1/tenants/acme/lookup{query}");
        error_body(app.get(&path, Some(&token)).await, status, code).await;
    }
    let other = app.token("globex");
    error_body(
        app.get("/api/v1/tenants/globex/lookup?dtmf=4567", Some(&other))
            .await,
        404,
        "not_found",
    )
    .await;
}

on_every_backend!(
    customer_history_pages_with_a_cursor,
    the_agent_view_shows_current_and_past_work,
    the_agent_view_filters_and_pages,
    a_caller_key_finds_the_latest_interaction,
    a_lookup_needs_exactly_one_known_key_of_the_tenant,
);
