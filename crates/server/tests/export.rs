//! `GET /api/v1/tenants/{tenant}/export`: NDJSON is the canonical records of the window,
//! oldest first; CSV is one row per interaction with the documented columns, RFC 4180
//! quoting and formulas neutralised; bad parameters are 400s that name them; tenancy holds.

mod common;

use common::{error_body, event, TestApp};
use serde_json::{json, Value};

/// Three interactions on two days; the second carries text a spreadsheet would run.
fn events() -> Value {
    let start = |id: &str, at: &str, customer: Value| {
        event(
            &format!("{id}-s"),
            "interaction-started",
            id,
            at,
            json!({"channelType": "chat", "direction": "inbound", "customer": customer}),
        )
    };
    json!([
        start(
            "day1-a",
            "2026-11-01T09:00:00Z",
            json!({"id": "c1", "address": "+15550000001", "name": "Zoë, \"the\" client"})
        ),
        event(
            "day1-a-m",
            "message",
            "day1-a",
            "2026-11-01T09:00:05Z",
            json!({"participant": "customer", "text": "hello"})
        ),
        event(
            "day1-a-e",
            "interaction-ended",
            "day1-a",
            "2026-11-01T09:03:00.250Z",
            json!({"reason": "customer-left"})
        ),
        start(
            "day1-b",
            "2026-11-01T15:00:00Z",
            json!({"id": "=HYPERLINK(\"http://evil\")", "name": "@SUM(A1)"})
        ),
        event(
            "day1-b-q",
            "queue-entered",
            "day1-b",
            "2026-11-01T15:00:01Z",
            json!({"queueId": "support"})
        ),
        start("day2-a", "2026-11-02T08:00:00Z", json!({"id": "c3"})),
    ])
}

async fn text(
    app: &TestApp,
    path: &str,
    token: &str,
    accept: Option<&str>,
) -> (u16, String, String) {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = (response.headers().get("content-type"))
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

async fn ndjson_is_the_canonical_records_of_the_window(backend: interlog_store::sql::Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &events()).await;
    let token = app.token("acme");
    let export = "/api/v1/tenants/acme/export";

    let (status, content_type, body) = text(&app, export, &token, None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/x-ndjson")
    );
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines
        .iter()
        .map(|r| r["interactionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["day1-a", "day1-b", "day2-a"], "oldest first");
    for line in &lines {
        let id = line["interactionId"].as_str().unwrap();
        assert_eq!(line, &app.record("acme", id).await, "{id} as GET serves it");
    }
    assert_eq!(
        lines[0]["messages"][0]["text"], "hello",
        "with the transcript"
    );

    let window = format!("{export}?from=2026-11-01T12:00:00Z&to=2026-11-02T08:00:00Z");
    let (_, _, body) = text(&app, &window, &token, None).await;
    let ids: Vec<&str> = body.lines().map(|l| l.split('"').nth(7).unwrap()).collect();
    assert_eq!(ids, ["day1-b"], "from is inclusive, to exclusive: {body}");

    let other = app.token("other");
    let (status, _, body) = text(&app, "/api/v1/tenants/other/export", &other, None).await;
    assert_eq!(
        (status, body.as_str()),
        (200, ""),
        "another tenant exports nothing"
    );
    let denied = app.get(export, Some(&other)).await;
    error_body(denied, 403, "forbidden").await;
}

async fn csv_quotes_and_neutralises(backend: interlog_store::sql::Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &events()).await;
    let token = app.token("acme");
    let path = "/api/v1/tenants/acme/export?format=csv";
    let (status, content_type, body) = text(&app, path, &token, None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/csv; charset=utf-8")
    );
    let lines: Vec<&str> = body.split_terminator("\r\n").collect();
    assert_eq!(
        lines.len(),
        4,
        "a header and a line per interaction: {body}"
    );
    assert!(!body.replace("\r\n", "").contains('\n'), "CRLF line ends");
    let header: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(
        header[..8],
        [
            "interactionId",
            "channelType",
            "direction",
            "status",
            "startTimestamp",
            "endTimestamp",
            "endReason",
            "customerId"
        ]
    );
    assert!(header.contains(&"handleTime") && header.contains(&"flags"));
    let cell = |line: &str, column: &str| -> String {
        let at = header.iter().position(|h| *h == column).unwrap();
        split(line)[at].clone()
    };
    assert_eq!(cell(lines[1], "customerName"), "Zoë, \"the\" client");
    assert!(
        lines[1].contains(",\"Zoë, \"\"the\"\" client\","),
        "RFC 4180: {}",
        lines[1]
    );
    assert_eq!(cell(lines[1], "customerAddress"), "'+15550000001");
    assert_eq!(cell(lines[1], "endTimestamp"), "2026-11-01T09:03:00.250Z");
    assert_eq!(cell(lines[1], "interactionTime"), "180.25");
    assert_eq!(cell(lines[1], "endReason"), "customer-left");
    assert_eq!(cell(lines[2], "customerId"), "'=HYPERLINK(\"http://evil\")");
    assert_eq!(cell(lines[2], "customerName"), "'@SUM(A1)");
    assert_eq!(cell(lines[2], "queues"), "support");
    assert_eq!(cell(lines[2], "flags"), "no-end");

    let (_, content_type, same) = text(
        &app,
        "/api/v1/tenants/acme/export",
        &token,
        Some("text/csv"),
    )
    .await;
    assert_eq!(
        (content_type.as_str(), same.as_str()),
        ("text/csv; charset=utf-8", body.as_str())
    );
}

/// The fields of one CSV line, unquoted (RFC 4180).
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

async fn bad_parameters_are_named(backend: interlog_store::sql::Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    for (query, parameter) in [
        ("format=xlsx", "format"),
        ("from=yesterday", "from"),
        ("from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to"),
        ("limit=5", "limit"),
    ] {
        let response = app
            .get(
                &format!("/api/v1/tenants/acme/export?{query}"),
                Some(&token),
            )
            .await;
        let body = error_body(response, 400, "invalid_parameter").await;
        assert!(body.to_string().contains(parameter), "{query}: {body}");
    }
}

on_every_backend!(
    ndjson_is_the_canonical_records_of_the_window,
    csv_quotes_and_neutralises,
    bad_parameters_are_named
);
