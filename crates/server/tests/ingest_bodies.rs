//! What the ingest endpoint accepts and refuses as a body: a batch with bad events, malformed
//! JSON, NDJSON and an oversized body, on both backends.

mod common;

use common::{error_body, event, worked_example, TestApp, WORKED_EXAMPLE_ID};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

async fn a_bad_event_is_rejected_by_index_and_the_good_ones_are_stored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let batch = json!([
        event("g1", "interaction-started", "i-9", "2024-03-01T10:00:00Z", json!({"channelType": "sms", "direction": "outbound"})),
        event("b1", "queue-entered", "i-9", "2024-03-01T10:00:01Z", json!({"queueLength": -2})),
        {"eventId": "b2", "type": "interaction-ended", "interactionId": "i-9", "timestamp": "yesterday"},
        event("g2", "interaction-ended", "i-9", "2024-03-01T10:00:09Z", json!({})),
    ]);
    let response = app.post_events("acme", &app.token("acme"), &batch).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["accepted"], json!(2));
    let rejected = answer["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2);
    assert_eq!(
        (rejected[0]["index"].clone(), rejected[0]["field"].clone()),
        (json!(1), json!("queueLength"))
    );
    assert_eq!(rejected[0]["code"], "invalid_event");
    assert_eq!(
        (rejected[1]["index"].clone(), rejected[1]["field"].clone()),
        (json!(2), json!("timestamp"))
    );
    assert!(rejected[1]["message"]
        .as_str()
        .unwrap()
        .contains("RFC 3339"));

    let record = app.record("acme", "i-9").await;
    assert_eq!(record["status"], "ended");
    assert_eq!(record["statistics"]["interactionTime"], json!(9));
}

async fn malformed_bodies_are_refused_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let before = app.record("acme", WORKED_EXAMPLE_ID).await;
    let token = app.token("acme");

    let response = app
        .post_body(
            "acme",
            &token,
            "application/json",
            b"[{\"eventId\": ".to_vec(),
        )
        .await;
    let body = error_body(response, 400, "bad_request").await;
    assert!(
        body["message"].as_str().unwrap().contains("not valid JSON"),
        "{body}"
    );
    error_body(
        app.post_body("acme", &token, "application/json", b"\"events\"".to_vec())
            .await,
        400,
        "bad_request",
    )
    .await;
    error_body(
        app.post_body("acme", &token, "application/json", Vec::new())
            .await,
        400,
        "bad_request",
    )
    .await;
    error_body(
        app.post_body("acme", &token, "text/csv", b"a,b".to_vec())
            .await,
        415,
        "unsupported_media_type",
    )
    .await;

    assert_eq!(app.record("acme", WORKED_EXAMPLE_ID).await, before);
}

async fn ndjson_bodies_are_accepted_line_by_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let lines: Vec<String> = worked_example()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let body = format!(
        "{}\n{}\nnot json\n\n{}\n{}\n",
        lines[0], lines[1], lines[2], lines[3]
    );
    let response = app
        .post_body(
            "acme",
            &app.token("acme"),
            "application/x-ndjson",
            body.into_bytes(),
        )
        .await;
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["accepted"], json!(4));
    assert_eq!(answer["rejected"][0]["index"], json!(2));
    assert_eq!(answer["rejected"][0]["code"], "invalid_json");
    let record = app.record("acme", WORKED_EXAMPLE_ID).await;
    assert_eq!(record["statistics"]["interactionTime"], json!(94.244));
}

async fn an_oversized_body_is_413_in_the_error_shape(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.max_body_bytes = 1024).await;
    let big = json!([event(
        "e",
        "message",
        "i",
        "2024-03-01T10:00:00Z",
        json!({"participant": "customer", "text": "x".repeat(4096)})
    )]);
    let response = app.post_events("acme", &app.token("acme"), &big).await;
    let body = error_body(response, 413, "payload_too_large").await;
    assert!(body["message"].as_str().unwrap().contains("1024"));
}

/// A batch of which no event is valid stores nothing and says so with 422 (the body names
/// each rejection), so a sender does not take it for a delivery; an array or an object
/// given where the event has an object field is such an event.
async fn a_batch_with_nothing_valid_is_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    let batch = json!([
        {"eventId": "x1", "type": "no-such-type", "interactionId": "i-1",
         "timestamp": "2024-03-01T10:00:00Z"},
        event("x2", "interaction-started", "i-1", "2024-03-01T10:00:00Z",
              json!({"channelType": "voice", "direction": "inbound", "flow": ["f", "Flow"]})),
    ]);
    let response = app.post_events("acme", &token, &batch).await;
    assert_eq!(response.status(), 422);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["accepted"], 0);
    let rejected = answer["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 2, "{answer}");
    assert_eq!(
        (rejected[0]["index"].clone(), rejected[0]["field"].clone()),
        (json!(0), json!("type"))
    );
    assert_eq!(
        (rejected[1]["index"].clone(), rejected[1]["field"].clone()),
        (json!(1), json!("flow"))
    );
    assert_eq!(
        app.get_interaction("acme", "i-1", &token).await.status(),
        404
    );
    // One valid event makes the batch a 200, which stores it.
    let mixed = json!([
        batch[0].clone(),
        event(
            "x3",
            "interaction-started",
            "i-1",
            "2024-03-01T10:00:00Z",
            json!({"channelType": "voice", "direction": "inbound"})
        )
    ]);
    assert_eq!(app.post_events("acme", &token, &mixed).await.status(), 200);
    assert_eq!(
        app.get_interaction("acme", "i-1", &token).await.status(),
        200
    );
}

/// PostgreSQL's text cannot hold a NUL, so neither backend takes an event with one: it is
/// rejected naming where, and the batch's other events are stored.
async fn an_event_holding_a_nul_is_rejected_naming_where(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let batch = json!([
        event(
            "g1",
            "interaction-started",
            "i-9",
            "2024-03-01T10:00:00Z",
            json!({"channelType": "chat", "direction": "inbound", "customer": {"name": "Ann"}})
        ),
        event(
            "b1",
            "queue-entered",
            "i-9",
            "2024-03-01T10:00:01Z",
            json!({"queueId": "sup\u{0}port"})
        ),
        event(
            "b2",
            "message",
            "i-9",
            "2024-03-01T10:00:02Z",
            json!({"participant": "customer", "text": "hello\u{0}"})
        ),
    ]);
    let answer: Value = app
        .post_events("acme", &app.token("acme"), &batch)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["accepted"], json!(1), "{answer}");
    let fields: Vec<&Value> = (answer["rejected"].as_array().unwrap().iter())
        .map(|r| &r["field"])
        .collect();
    assert_eq!(fields, [&json!("queueId"), &json!("text")], "{answer}");
    assert_eq!(app.record("acme", "i-9").await["customer"]["name"], "Ann");
}

on_every_backend!(
    an_event_holding_a_nul_is_rejected_naming_where,
    a_batch_with_nothing_valid_is_422,
    a_bad_event_is_rejected_by_index_and_the_good_ones_are_stored,
    malformed_bodies_are_refused_and_change_nothing,
    ndjson_bodies_are_accepted_line_by_line,
    an_oversized_body_is_413_in_the_error_shape,
);
