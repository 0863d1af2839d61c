//! The query API over HTTP: filters, paging, customer and agent views, lookup, content and
//! search, on both backends.

mod common;

use std::collections::BTreeSet;

use common::{error_body, event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

/// A small varied tenant: who, where, when and what each interaction is.
fn fixture() -> Value {
    let at = |h: u32, m: u32| format!("2024-05-0{h}T10:{m:02}:00Z");
    let mut events = Vec::new();
    let mut add = |id: &str,
                   day: u32,
                   channel: &str,
                   direction: &str,
                   customer: &str,
                   extra: Vec<(&str, Value)>,
                   end: bool| {
        events.push(event(&format!("{id}-s"), "interaction-started", id, &at(day, 0), json!({
            "channelType": channel, "direction": direction, "customer": {"id": customer}, "subject": format!("subject of {id}")})));
        for (n, (kind, fields)) in extra.into_iter().enumerate() {
            events.push(event(
                &format!("{id}-{n}"),
                kind,
                id,
                &at(day, n as u32 + 1),
                fields,
            ));
        }
        if end {
            events.push(event(
                &format!("{id}-e"),
                "interaction-ended",
                id,
                &at(day, 30),
                json!({}),
            ));
        }
    };
    add(
        "v1",
        1,
        "voice",
        "inbound",
        "alice",
        vec![
            ("queue-entered", json!({"queueId": "billing"})),
            ("agent-allocated", json!({"agentId": "ann"})),
            (
                "message",
                json!({"participant": "customer", "text": "my invoice is wrong"}),
            ),
        ],
        true,
    );
    add(
        "v2",
        2,
        "voice",
        "outbound",
        "bob",
        vec![("agent-allocated", json!({"agentId": "ann"}))],
        false,
    );
    add(
        "c1",
        3,
        "chat",
        "inbound",
        "alice",
        vec![
            ("queue-entered", json!({"queueId": "support"})),
            ("agent-allocated", json!({"agentId": "ben"})),
            ("note-added", json!({"text": "refund promised"})),
        ],
        true,
    );
    add(
        "s1",
        4,
        "sms",
        "inbound",
        "carol",
        vec![("caller-keys-set", json!({"callerKeys": {"dtmf": "4567"}}))],
        true,
    );
    add(
        "e1",
        5,
        "email",
        "internal",
        "bob",
        vec![("hold-ended", json!({}))],
        true,
    );
    json!(events)
}

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
    app.ingest("acme", &fixture()).await;
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
    ] {
        assert_eq!(ids(&app, query).await, expected, "{query}");
    }
}

async fn list_items_carry_messages_only_on_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &fixture()).await;
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

async fn customer_history_pages_with_a_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &fixture()).await;
    let token = app.token("acme");
    let first: Value = app
        .get(
            "/api/v1/tenants/acme/customers/alice/interactions?limit=1",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"][0]["interactionId"], "c1");
    let next = first["nextCursor"].as_str().expect("a second page");
    let second: Value = app
        .get(
            &format!("/api/v1/tenants/acme/customers/alice/interactions?limit=1&cursor={next}"),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"][0]["interactionId"], "v1");
    assert_eq!(second["nextCursor"], Value::Null);
    let mixed = app
        .get(
            &format!(
                "/api/v1/tenants/acme/customers/alice/interactions?limit=1&order=asc&cursor={next}"
            ),
            Some(&token),
        )
        .await;
    error_body(mixed, 400, "invalid_parameter").await;
}

async fn the_agent_view_shows_current_and_past_work(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &fixture()).await;
    let token = app.token("acme");
    let all: Value = app
        .get("/api/v1/tenants/acme/agents/ann/interactions", Some(&token))
        .await
        .json()
        .await
        .unwrap();
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

    let active: Value = app
        .get(
            "/api/v1/tenants/acme/agents/ann/interactions?active=true",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let chats: Value = app
        .get(
            "/api/v1/tenants/acme/agents/ben/interactions?channel=chat",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(chats["items"][0]["interaction"]["interactionId"], "c1");
    let paged: Value = app
        .get(
            "/api/v1/tenants/acme/agents/ann/interactions?limit=1",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    let next = paged["nextCursor"].as_str().unwrap();
    let rest: Value = app
        .get(
            &format!("/api/v1/tenants/acme/agents/ann/interactions?limit=1&cursor={next}"),
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"][0]["interaction"]["interactionId"], "v1");
    assert_eq!(rest["nextCursor"], Value::Null);
    let nobody: Value = app
        .get(
            "/api/v1/tenants/acme/agents/nobody/interactions",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(nobody["items"], json!([]));
}

async fn a_caller_key_finds_the_latest_interaction(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &fixture()).await;
    // The same DTMF code reused later: the newer interaction wins.
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
    let token = app.token("acme");
    let found: Value = app
        .get("/api/v1/tenants/acme/lookup?dtmf=4567", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["interactionId"], "later");
    let by_phone: Value = app
        .get(
            "/api/v1/tenants/acme/lookup?phone=%2B15550009999",
            Some(&token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_phone["interactionId"], "later");
    error_body(
        app.get("/api/v1/tenants/acme/lookup?dtmf=0000", Some(&token))
            .await,
        404,
        "not_found",
    )
    .await;
    error_body(
        app.get("/api/v1/tenants/acme/lookup", Some(&token)).await,
        400,
        "bad_request",
    )
    .await;
    error_body(
        app.get("/api/v1/tenants/acme/lookup?dtmf=1&phone=2", Some(&token))
            .await,
        400,
        "bad_request",
    )
    .await;
    let other = app.token("globex");
    error_body(
        app.get("/api/v1/tenants/globex/lookup?dtmf=4567", Some(&other))
            .await,
        404,
        "not_found",
    )
    .await;
}

async fn content_round_trips_with_its_type_and_etag_within_the_limit(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.max_content_bytes = 64 * 1024).await;
    app.ingest("acme", &fixture()).await;
    let token = app.token("acme");
    let url = format!(
        "{}/api/v1/tenants/acme/interactions/s1/content/photo-1?kind=photo&name=card.png",
        app.base
    );
    let png: Vec<u8> = (0..40_000u32).map(|n| (n % 251) as u8).collect();
    let put = |body: Vec<u8>| {
        app.client
            .put(&url)
            .bearer_auth(&token)
            .header("content-type", "image/png")
            .body(body)
            .send()
    };
    let created = put(png.clone()).await.unwrap();
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        put(png.clone()).await.unwrap().status(),
        200,
        "the same bytes again are a duplicate"
    );

    let got = app
        .client
        .get(url.replace("?kind=photo&name=card.png", ""))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    let cached = app
        .client
        .get(url.replace("?kind=photo&name=card.png", ""))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    let record = app.record("acme", "s1").await;
    let binary = &record["content"]["binaries"][0];
    assert_eq!(
        (
            binary["contentId"].clone(),
            binary["kind"].clone(),
            binary["size"].clone()
        ),
        (json!("photo-1"), json!("photo"), json!(40_000))
    );
    assert_eq!(format!("\"{}\"", binary["sha256"].as_str().unwrap()), etag);

    let too_big = put(vec![0u8; 64 * 1024 + 1]).await.unwrap();
    error_body(too_big, 413, "payload_too_large").await;
    let untyped = app
        .client
        .put(&url)
        .bearer_auth(&token)
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    error_body(untyped, 415, "unsupported_media_type").await;
    let missing = app
        .get(
            "/api/v1/tenants/acme/interactions/s1/content/nothing",
            Some(&token),
        )
        .await;
    error_body(missing, 404, "not_found").await;
    let theirs = app
        .get(
            "/api/v1/tenants/globex/interactions/s1/content/photo-1",
            Some(&app.token("globex")),
        )
        .await;
    error_body(theirs, 404, "not_found").await;
}

async fn inline_binary_content_is_served_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest(
        "acme",
        &json!([event(
            "p",
            "content-added",
            "x1",
            "2024-05-01T10:00:00Z",
            json!({"contentId": "sig", "mime": "image/gif", "data": "R0lGODlh"})
        )]),
    )
    .await;
    let got = app
        .get(
            "/api/v1/tenants/acme/interactions/x1/content/sig",
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(got.headers()["content-type"], "image/gif");
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"GIF89a");
}

on_every_backend!(
    every_filter_narrows_the_list,
    list_items_carry_messages_only_on_request,
    bad_parameters_are_400s_naming_the_parameter,
    paging_through_ten_thousand_is_complete_under_concurrent_inserts,
    customer_history_pages_with_a_cursor,
    the_agent_view_shows_current_and_past_work,
    a_caller_key_finds_the_latest_interaction,
    content_round_trips_with_its_type_and_etag_within_the_limit,
    inline_binary_content_is_served_too,
);
