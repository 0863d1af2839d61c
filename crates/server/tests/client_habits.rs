//! What real clients of the dialects send, tolerated as the vendors tolerate it: timestamps
//! as their languages print them, parameters the dialect does not know, and CxEngage's
//! offset paging (`offset`, `limit=0` for the total, `includenulls`). A bad value of a
//! known parameter is still refused, naming it.

mod common;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

/// Four calls on 2024-05-01 at 09:00, 10:00, 11:00 and 12:00 UTC.
fn four_calls() -> Value {
    let events: Vec<Value> = (9..13)
        .map(|hour| {
            event(
                &format!("e{hour}"),
                "interaction-started",
                &format!("call-{hour}"),
                &format!("2024-05-01T{hour:02}:00:00Z"),
                json!({"channelType": "voice", "direction": "inbound"}),
            )
        })
        .collect();
    Value::Array(events)
}

/// GETs `path` (its query written as the client writes it: a raw `+` stays a `+`).
async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(app.token("acme"))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// (start, end) as clients print 10:00 and 12:00 UTC of the day: each window holds the
/// 10:00 and 11:00 calls.
const WINDOWS: &[(&str, &str)] = &[
    ("2024-05-01T10:00:00Z", "2024-05-01T12:00:00Z"),
    ("2024-05-01T10:00Z", "2024-05-01T12:00Z"),
    ("2024-05-01T10:00:00", "2024-05-01T12:00:00"),
    ("2024-05-01T10:00:00+00:00", "2024-05-01T12:00:00+00:00"),
    ("2024-05-01T12:00:00+02:00", "2024-05-01T14:00:00+02:00"),
    ("2024-05-01 10:00:00+00:00", "2024-05-01 12:00:00+00:00"),
    ("2024-05-01T10:00:00.000000", "2024-05-01T11:59:59.999999"),
    ("2024-05-01T10:00:00.000Z", "2024-05-01T11:59:59.999Z"),
];

async fn timestamps_as_clients_print_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &four_calls()).await;
    for (start, end) in WINDOWS {
        let cx = format!("/compat/cxengage/v1/tenants/acme/interactions?start={start}&end={end}");
        let (status, body) = get(&app, &cx).await;
        assert_eq!(
            (status, body["total"].clone()),
            (200, json!(2)),
            "{cx}: {body}"
        );
        let td = format!("/compat/talkdesk/interactions?start_date={start}&end_date={end}");
        let (status, body) = get(&app, &td).await;
        let count = body["_embedded"]["interactions"].as_array().map(Vec::len);
        assert_eq!((status, count), (200, Some(2)), "{td}: {body}");
    }
    // A date alone is its midnight, UTC: the whole day.
    let day = "/compat/cxengage/v1/tenants/acme/interactions?start=2024-05-01&end=2024-05-02";
    assert_eq!(get(&app, day).await.1["total"], 4);
}

async fn a_bad_value_of_a_known_parameter_is_still_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cx = "/compat/cxengage/v1/tenants/acme/interactions?start=yesterday";
    let (status, body) = get(&app, cx).await;
    assert_eq!(status, 400);
    assert!(
        body["message"].as_str().unwrap().starts_with("start:"),
        "{body}"
    );
    let td = "/compat/talkdesk/interactions?end_date=soon";
    let (status, body) = get(&app, td).await;
    assert_eq!(
        (status, body["fields"][0]["name"].as_str()),
        (400, Some("end_date")),
        "{body}"
    );
    // Unknown parameters are ignored instead.
    for path in [
        "/compat/cxengage/v1/tenants/acme/interactions?sort=asc&fields=all",
        "/compat/talkdesk/interactions?include=everything",
    ] {
        assert_eq!(get(&app, path).await.0, 200, "{path}");
    }
}

async fn cxengage_pages_by_offset_and_answers_the_total(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &four_calls()).await;
    let base = "/compat/cxengage/v1/tenants/acme/interactions?start=2024-05-01&end=2024-05-02";
    let (status, total) = get(&app, &format!("{base}&limit=0&offset=0")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (total["total"].clone(), total["results"].clone()),
        (json!(4), json!([]))
    );
    let mut seen = Vec::new();
    let mut offset = 0;
    while offset < 4 {
        let (_, page) = get(&app, &format!("{base}&limit=3&offset={offset}")).await;
        assert_eq!(page["offset"], offset, "{page}");
        let results = page["results"].as_array().unwrap();
        seen.extend(results.iter().map(|r| r["interactionId"].clone()));
        offset += results.len();
    }
    assert_eq!(
        seen,
        [
            json!("call-12"),
            json!("call-11"),
            json!("call-10"),
            json!("call-9")
        ]
    );
    let (_, page) = get(&app, &format!("{base}&limit=1&includenulls=true")).await;
    assert!(
        page["results"][0]
            .as_object()
            .unwrap()
            .values()
            .any(Value::is_null),
        "{page}"
    );
    assert_eq!(
        (page["tenantName"].as_str(), page["tenantTimezone"].as_str()),
        (Some("acme"), Some("UTC"))
    );
    assert_eq!(get(&app, &format!("{base}&limit=1001")).await.0, 400);
}

async fn talkdesk_pages_by_number_then_by_its_links(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &four_calls()).await;
    let window = "start_date=2024-05-01T00:00:00&end_date=2024-05-02T00:00:00";
    let ids = |body: &Value| -> Vec<String> {
        body["_embedded"]["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let path = format!("/compat/talkdesk/interactions?{window}&per_page=1&page=2");
    let (status, second) = get(&app, &path).await;
    assert_eq!(
        (status, ids(&second)),
        (200, vec!["call-10".to_string()]),
        "{second}"
    );
    let next = second["_links"]["next"]["href"].as_str().unwrap();
    let next = next.strip_prefix(&app.base).unwrap_or(next);
    let (_, third) = get(&app, next).await;
    assert_eq!(ids(&third), ["call-11"]);
    let first = format!("/compat/talkdesk/interactions?{window}&per_page=1&page=1");
    assert_eq!(ids(&get(&app, &first).await.1), ["call-9"]);
}

/// A dialect's 429 carries Retry-After in whole seconds, as Talkdesk's clients read it.
async fn a_rate_limited_dialect_request_says_when_to_retry(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.rate_limit = interlog_server::auth::RateLimit {
            per_second: 1,
            burst: 1,
        }
    })
    .await;
    let path = "/compat/talkdesk/interactions";
    assert_eq!(get(&app, path).await.0, 200);
    let limited = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(app.token("acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), 429);
    let wait = limited.headers()["retry-after"].to_str().unwrap();
    assert!(wait.parse::<u64>().is_ok_and(|s| s >= 1), "{wait}");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["code"], "too_many_requests");
}

/// An unknown route (or method) under a dialect's base path is answered in the vendor's
/// error shape; elsewhere in the native one.
async fn unknown_routes_answer_in_the_vendors_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases: [(&str, &str, u16, Option<&str>); 7] = [
        (
            "GET",
            "/compat/cxengage/v1/tenants/acme/nothing",
            404,
            Some("error"),
        ),
        ("GET", "/compat/talkdesk/nothing", 404, Some("code")),
        ("POST", "/compat/talkdesk/interactions", 405, Some("code")),
        ("GET", "/compat/genesys-ucs/nothing", 404, Some("exception")),
        ("GET", "/compat/vonage/v1/nothing", 404, Some("message")),
        ("GET", "/compat/xplatform/nothing", 404, None),
        ("GET", "/api/v1/nothing", 404, Some("fields")),
    ];
    for (method, path, status, key) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .client
            .request(method, format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{path}");
        let text = response.text().await.unwrap();
        match key {
            Some(key) => {
                let body: Value = serde_json::from_str(&text).unwrap();
                assert!(body.get(key).is_some(), "{path}: {body}");
            }
            // X-Platform's errors are plain text.
            None => assert!(
                serde_json::from_str::<Value>(&text).is_err(),
                "{path}: {text}"
            ),
        }
    }
}

on_every_backend!(
    unknown_routes_answer_in_the_vendors_shape,
    a_rate_limited_dialect_request_says_when_to_retry,
    talkdesk_pages_by_number_then_by_its_links,
    timestamps_as_clients_print_them,
    a_bad_value_of_a_known_parameter_is_still_refused,
    cxengage_pages_by_offset_and_answers_the_total,
);
