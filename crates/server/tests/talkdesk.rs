//! The Talkdesk dialect over HTTP: seven-day windows, cursor links, the account filter and
//! the vendor's error body.

mod common;

use std::collections::BTreeSet;

use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const PATH: &str = "/compat/talkdesk/interactions";

/// `n` interactions started over the first six days of May 2024, each with a message.
fn interactions(prefix: &str, n: usize) -> Vec<Value> {
    let mut events = Vec::new();
    for i in 0..n {
        let ms = 1_714_521_600_000i64 + (i as i64 * 6 * 86_400_000) / n as i64;
        let at = chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let id = format!("{prefix}{i}");
        events.push(event(
            &format!("{id}-s"),
            "interaction-started",
            &id,
            &at,
            json!({"channelType": "chat", "direction": "inbound", "customer": {"id": "c"}}),
        ));
        events.push(event(
            &format!("{id}-m"),
            "message",
            &id,
            &at,
            json!({"participant": "customer", "text": "hi"}),
        ));
    }
    events
}

async fn get(app: &TestApp, url: &str, token: &str) -> (u16, Value) {
    let response = app.client.get(url).bearer_auth(token).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn next_links_visit_the_window_exactly_once_while_data_arrives(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for chunk in interactions("t", 3000).chunks(1000) {
        app.ingest("acme", &json!(chunk)).await;
    }
    let token = app.token("acme");
    let mut url = format!(
        "{}{PATH}?start_date=2024-05-01T00:00:00Z&end_date=2024-05-08T00:00:00Z&per_page=250",
        app.base
    );
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = get(&app, &url, &token).await;
        assert_eq!(status, 200, "{page}");
        assert!(page["_links"]["self"]["href"]
            .as_str()
            .unwrap()
            .starts_with(&app.base));
        seen.extend(
            page["_embedded"]["interactions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string()),
        );
        if pages < 5 {
            app.ingest("acme", &json!(interactions(&format!("late{pages}-"), 20)))
                .await;
        }
        pages += 1;
        match page["_links"].get("next") {
            Some(next) => url = next["href"].as_str().unwrap().to_string(),
            None => break,
        }
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no interaction twice");
    assert_eq!(
        seen.iter().filter(|id| id.starts_with('t')).count(),
        3000,
        "every original interaction"
    );
    assert!(pages >= 12);
}

async fn items_have_every_field_of_the_seed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &json!([
        event("s", "interaction-started", "call-1", "2024-05-02T10:00:00Z", json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "cust-9"}})),
        event("q", "queue-entered", "call-1", "2024-05-02T10:00:02Z", json!({"queueId": "q-1", "queueName": "Support"})),
        event("a", "agent-allocated", "call-1", "2024-05-02T10:00:10Z", json!({"agentId": "ann", "agentName": "Ann"})),
        event("m", "message", "call-1", "2024-05-02T10:00:11.250Z", json!({"participant": "agent", "text": "hello", "agent": {"id": "ann", "name": "Ann"},
            "startOffset": 1.25, "endOffset": 2.0, "recordingIndex": 0, "messageIndex": 0, "sentiment": "positive", "intent": "greet",
            "intentConfidence": 0.8, "intentIsFallback": false, "transcriptionType": "final"})),
        event("e", "interaction-ended", "call-1", "2024-05-02T10:04:00Z", json!({})),
    ])).await;
    let (status, page) = get(
        &app,
        &format!(
            "{}{PATH}?start_date=2024-05-01T00:00:00Z&end_date=2024-05-08T00:00:00Z",
            app.base
        ),
        &app.token("acme"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        page["_embedded"]["interactions"][0],
        json!({
            "id": "call-1", "customer_id": "cust-9", "started_at": "2024-05-02T10:00:00.000000Z", "ended_at": "2024-05-02T10:04:00.000000Z",
            "direction": "inbound", "ring_groups": ["Support"],
            "messages": [{"message_id": "m", "text": "hello", "channel": "VOICE", "participant": "agent", "sentiment": "positive",
                "intent": "greet", "intent_confidence_score": 0.8, "intent_is_fallback": false, "start_time": 1.25, "end_time": 2.0,
                "transcription_type": "final", "source_system": "STT", "recording_index": 0, "message_index": 0,
                "message_start_at": "2024-05-02T10:00:11.250000Z", "agent_id": "ann", "agent_name": "Ann"}],
            "agents": [{"id": "ann", "name": "Ann"}],
        })
    );
    assert!(
        page["_links"].get("next").is_none(),
        "no next on the last page"
    );
    let (_, conversations) = get(
        &app,
        &format!(
            "{}/compat/talkdesk/conversations/interactions?start_date=2024-05-01T00:00:00Z",
            app.base
        ),
        &app.token("acme"),
    )
    .await;
    assert_eq!(
        conversations["_embedded"]["interactions"][0]["id"],
        "call-1"
    );
}

async fn each_bad_parameter_is_a_400_naming_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.token("acme");
    for (query, name) in [
        (
            "start_date=2024-05-01T00:00:00Z&end_date=2024-05-09T00:00:00Z",
            "end_date",
        ),
        (
            "start_date=2024-05-03T00:00:00Z&end_date=2024-05-02T00:00:00Z",
            "end_date",
        ),
        ("start_date=last-week", "start_date"),
        ("cursor=bogus", "cursor"),
        ("per_page=0", "per_page"),
        ("per_page=1001", "per_page"),
        ("page=0", "page"),
    ] {
        let (status, body) = get(&app, &format!("{}{PATH}?{query}", app.base), &token).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(body["code"], "invalid_parameters");
        assert!(body["message"].is_string() && body["description"].is_string());
        assert_eq!(body["fields"][0]["name"], name, "{query}: {body}");
        assert!(body["fields"][0]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
    }
    let (status, body) = get(&app, &format!("{}{PATH}", app.base), "not-a-token").await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "unauthorized");
    assert!(body["fields"].is_array());
}

async fn the_account_filter_keeps_other_accounts_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &json!(interactions("acme-", 3))).await;
    app.ingest("globex", &json!(interactions("globex-", 2)))
        .await;
    let window = "start_date=2024-05-01T00:00:00Z&end_date=2024-05-08T00:00:00Z";
    let ids = |page: &Value| -> Vec<String> {
        page["_embedded"]["interactions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, acme) = get(
        &app,
        &format!("{}{PATH}?{window}", app.base),
        &app.token("acme"),
    )
    .await;
    assert_eq!(ids(&acme), ["acme-0", "acme-1", "acme-2"]);
    let both = app.token_with(&["acme", "globex"], &[Scope::Read], 600);
    let (status, body) = get(&app, &format!("{}{PATH}?{window}", app.base), &both).await;
    assert_eq!(
        (status, body["fields"][0]["name"].clone()),
        (400, json!("account_id"))
    );
    let (_, globex) = get(
        &app,
        &format!("{}{PATH}?{window}&account_id=globex", app.base),
        &both,
    )
    .await;
    assert_eq!(ids(&globex), ["globex-0", "globex-1"]);
    let (status, body) = get(
        &app,
        &format!("{}{PATH}?{window}&account_id=acme", app.base),
        &app.token("globex"),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "forbidden");
    assert!(!body.to_string().contains("acme-0"));
}

on_every_backend!(
    next_links_visit_the_window_exactly_once_while_data_arrives,
    items_have_every_field_of_the_seed,
    each_bad_parameter_is_a_400_naming_it,
    the_account_filter_keeps_other_accounts_out,
);
