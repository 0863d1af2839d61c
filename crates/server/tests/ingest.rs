//! Events in, records and event logs out, through the real server over HTTP, on both
//! backends. What the ingest endpoint refuses is in ingest_bodies.rs.

mod common;

use interlog_store::sql::Backend;

use common::{error_body, event, worked_example, TestApp, WORKED_EXAMPLE_ID};
use serde_json::{json, Value};

async fn the_worked_example_reads_back_the_cxengage_figures(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let answer = app.ingest("acme", &worked_example()).await;
    assert_eq!(
        answer,
        json!({"accepted": 4, "duplicates": 0, "rejected": []})
    );

    let record = app.record("acme", WORKED_EXAMPLE_ID).await;
    let stats = &record["statistics"];
    assert_eq!(stats["interactionTime"], json!(94.244));
    assert_eq!(stats["ivrTime"], json!(0.173));
    assert_eq!(stats["customerAbandonTime"], json!(94.166));
    assert_eq!(stats["customerHolds"], json!(0));
    let queue = &record["queues"][0];
    for field in ["queueTime", "queueAbandonTime", "slaTime"] {
        assert_eq!(queue[field], json!(93.993), "{field}");
    }
    assert_eq!(queue["queueAbandoned"], json!(true));
    assert_eq!(queue["slaAbandoned"], json!(true));
    assert_eq!(queue["queueExitType"], "abandon");
    assert_eq!(queue["platformQueueId"], json!(743));
    assert_eq!(queue["endTimestamp"], "2017-12-07T19:22:07.560Z");
    let segment = &record["segments"][0];
    assert_eq!(segment["segmentTime"], json!(94.166));
    assert_eq!(segment["segmentCancelTime"], json!(94.166));
    assert_eq!(segment["segmentEndType"], "customer-disconnect");
    assert_eq!(
        segment["interactionSegmentId"],
        "b2233520-db83-11e7-b86d-6aa612aefe9d"
    );
    assert_eq!(record["startTimestamp"], "2017-12-07T19:20:33.394Z");
    assert_eq!(record["endTimestamp"], "2017-12-07T19:22:07.638Z");
    assert_eq!(record["flow"]["name"], "Basic Flow");
    assert_eq!(record["flagged"], json!(false));
}

/// call-7: queued 15 s for sales, ann holds 30.5 s and transfers to bob, who wraps up
/// 20 s after the end.
fn transferred_call() -> Value {
    let at = |s: &str| format!("2024-03-01T09:{s}Z");
    let steps = [
        (
            "interaction-started",
            "00:00.000",
            json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "cust-1", "address": "+15550001111"}}),
        ),
        (
            "queue-entered",
            "00:04.000",
            json!({"queueId": "sales", "entryType": "ivr", "queueLength": 3}),
        ),
        (
            "agent-allocated",
            "00:19.000",
            json!({"agentId": "ann", "agentName": "Ann Smith", "queueId": "sales"}),
        ),
        ("hold-started", "01:00.000", json!({"agentId": "ann"})),
        ("hold-ended", "01:30.500", json!({"agentId": "ann"})),
        (
            "transfer-started",
            "02:00.000",
            json!({"agentId": "ann", "toAgentId": "bob"}),
        ),
        (
            "agent-allocated",
            "02:10.000",
            json!({"agentId": "bob", "agentName": "Bob Jones"}),
        ),
        ("transfer-ended", "02:10.000", json!({"outcome": "success"})),
        ("agent-deallocated", "02:10.000", json!({"agentId": "ann"})),
        (
            "interaction-ended",
            "05:00.000",
            json!({"reason": "agent-hangup"}),
        ),
        ("agent-deallocated", "05:20.000", json!({"agentId": "bob"})),
    ];
    // The events are t1 to t11, in this order.
    (1..)
        .zip(steps)
        .map(|(n, (kind, time, fields))| event(&format!("t{n}"), kind, "call-7", &at(time), fields))
        .collect()
}

async fn a_transferred_voice_call_gets_segments_agents_and_holds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &transferred_call()).await;
    let record = app.record("acme", "call-7").await;

    assert_eq!(record["segments"].as_array().unwrap().len(), 2);
    assert_eq!(record["segments"][0]["segmentEndType"], "success");
    assert_eq!(record["segments"][0]["segmentTime"], json!(130));
    assert_eq!(record["segments"][1]["segmentStartType"], "transfer");
    assert_eq!(record["segments"][1]["segmentToAgentId"], "bob");
    assert_eq!(record["queues"][0]["queueTime"], json!(15));
    assert_eq!(record["queues"][0]["agentId"], "ann");
    assert_eq!(record["queues"][0]["slaAbandoned"], json!(false));
    let ann = &record["agents"][0];
    assert_eq!(
        (
            ann["handleTime"].clone(),
            ann["holdTime"].clone(),
            ann["talkTime"].clone()
        ),
        (json!(111), json!(30.5), json!(80.5))
    );
    let bob = &record["agents"][1];
    assert_eq!(
        bob["handleTime"],
        json!(190),
        "wrap-up after the end counts"
    );
    assert_eq!(
        bob["interactionSegmentId"],
        record["segments"][1]["interactionSegmentId"]
    );
    let stats = &record["statistics"];
    assert_eq!(stats["transfers"], json!(1));
    assert_eq!(stats["customerHolds"], json!(1));
    assert_eq!(stats["handleTime"], json!(301));
    assert_eq!(stats["ivrTime"], json!(4));
    assert_eq!(stats["customerAbandonTime"], Value::Null);
    assert_eq!(record["endReason"], "agent-hangup");
    assert_eq!(record["flagged"], json!(false), "{}", record["flags"]);
}

async fn a_chat_keeps_its_transcript_with_sentiment_and_intent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let at = |s: &str| format!("2024-03-01T10:00:{s}Z");
    let events = json!([
        event(
            "c1",
            "interaction-started",
            "chat-1",
            &at("00.000"),
            json!({"channelType": "chat", "direction": "inbound", "subject": "Card lost"})
        ),
        event(
            "c2",
            "message",
            "chat-1",
            &at("01.250"),
            json!({"participant": "customer", "text": "I lost my card", "sentiment": "negative", "intent": "lost-card", "intentConfidence": 0.91, "intentIsFallback": false, "sourceSystem": "DCE", "channel": "CHAT"})
        ),
        event(
            "c3",
            "agent-allocated",
            "chat-1",
            &at("05.000"),
            json!({"agentId": "ann"})
        ),
        event(
            "c4",
            "message",
            "chat-1",
            &at("09.000"),
            json!({"participant": "agent", "text": "Let me block it", "agent": {"id": "ann", "name": "Ann"}, "messageIndex": 1})
        ),
        event(
            "c5",
            "interaction-ended",
            "chat-1",
            &at("30.000"),
            json!({})
        ),
    ]);
    app.ingest("acme", &events).await;
    let record = app.record("acme", "chat-1").await;
    let messages = record["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["text"], "I lost my card");
    assert_eq!(messages[0]["sentiment"], "negative");
    assert_eq!(messages[0]["intentConfidence"], json!(0.91));
    assert_eq!(messages[0]["timestamp"], "2024-03-01T10:00:01.250Z");
    assert_eq!(messages[0]["messageId"], "c2");
    assert_eq!(messages[1]["agent"]["name"], "Ann");
    assert_eq!(record["channelType"], "chat");
    assert_eq!(record["statistics"]["ivrTime"], json!(5));
}

async fn out_of_order_and_duplicate_deliveries_give_the_same_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("ordered", &transferred_call()).await;

    let mut shuffled = transferred_call().as_array().unwrap().clone();
    shuffled.reverse();
    let (first, second) = shuffled.split_at(5);
    app.ingest("shuffled", &json!(first)).await;
    // The second delivery repeats two events of the first.
    let mut again = second.to_vec();
    again.extend_from_slice(&first[..2]);
    let answer = app.ingest("shuffled", &json!(again)).await;
    assert_eq!(answer["accepted"], json!(6));
    assert_eq!(answer["duplicates"], json!(2));

    let mut ordered = app.record("ordered", "call-7").await;
    let mut shuffled = app.record("shuffled", "call-7").await;
    ordered["tenantId"] = Value::Null;
    shuffled["tenantId"] = Value::Null;
    // Derived ids include the tenant; compare everything else.
    for record in [&mut ordered, &mut shuffled] {
        for (list, id) in [
            ("segments", "interactionSegmentId"),
            ("queues", "interactionQueueId"),
            ("agents", "interactionAgentId"),
        ] {
            for item in record[list].as_array_mut().unwrap() {
                item[id] = Value::Null;
                item["interactionSegmentId"] = Value::Null;
            }
        }
    }
    assert_eq!(ordered, shuffled);
}

async fn the_event_log_of_an_interaction_is_readable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let response = app
        .get(
            &format!("/api/v1/tenants/acme/interactions/{WORKED_EXAMPLE_ID}/events"),
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(response.status(), 200);
    let events: Vec<Value> = response.json().await.unwrap();
    assert_eq!(events.len(), 4);
    assert_eq!(events[1]["type"], "queue-entered");
    assert_eq!(events[1]["platformQueueId"], json!(743));
}

async fn health_unknown_routes_and_missing_interactions_answer_in_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status(), 200);
    error_body(app.get("/nope", None).await, 404, "not_found").await;
    let missing = app
        .get_interaction("acme", "no-such-call", &app.token("acme"))
        .await;
    error_body(missing, 404, "not_found").await;
    let bad_id = app
        .get_interaction("acme", "bad%20id", &app.token("acme"))
        .await;
    let body = error_body(bad_id, 400, "invalid_parameter").await;
    assert_eq!(body["fields"][0]["name"], "interactionId");
}

on_every_backend!(
    the_worked_example_reads_back_the_cxengage_figures,
    a_transferred_voice_call_gets_segments_agents_and_holds,
    a_chat_keeps_its_transcript_with_sentiment_and_intent,
    out_of_order_and_duplicate_deliveries_give_the_same_record,
    the_event_log_of_an_interaction_is_readable,
    health_unknown_routes_and_missing_interactions_answer_in_shape,
);
