//! The Genesys UCS dialect over HTTP: resources per media type, content routes, the
//! customer list, the tenant header and unknown ids.

mod common;

use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const BASE: &str = "/compat/genesys-ucs";

fn workload() -> Value {
    [call(), chat(), mail(), other_customers_call()]
        .concat()
        .into()
}

/// The events of `interaction`, from rows of (event id, type, timestamp, fields).
fn of(interaction: &str, rows: Vec<(&str, &str, &str, Value)>) -> Vec<Value> {
    rows.into_iter()
        .map(|(id, kind, at, fields)| event(id, kind, interaction, at, fields))
        .collect()
}

/// call-1: cust-1's inbound call with attributes, answered by ann, 16 min 12 s.
fn call() -> Vec<Value> {
    of(
        "call-1",
        vec![
            (
                "p1",
                "interaction-started",
                "2024-05-01T10:00:00Z",
                json!({"channelType": "voice", "direction": "inbound",
            "customer": {"id": "cust-1", "address": "+15550001"}, "attributes": {"Segment": "gold", " spaced key": "kept"}}),
            ),
            (
                "p2",
                "agent-allocated",
                "2024-05-01T10:00:10Z",
                json!({"agentId": "ann"}),
            ),
            (
                "p3",
                "interaction-ended",
                "2024-05-01T10:16:12Z",
                json!({"reason": "completed"}),
            ),
        ],
    )
}

/// chat-1: cust-1's chat with ann, its plain, structured and binary content.
fn chat() -> Vec<Value> {
    of(
        "chat-1",
        vec![
            (
                "c1",
                "interaction-started",
                "2024-05-02T09:00:00Z",
                json!({"channelType": "chat", "direction": "inbound",
            "customer": {"id": "cust-1"}, "subject": "Order status", "threadId": "thr-1"}),
            ),
            (
                "c2",
                "agent-allocated",
                "2024-05-02T09:00:05Z",
                json!({"agentId": "ann"}),
            ),
            (
                "c3",
                "content-added",
                "2024-05-02T09:05:00Z",
                json!({"text": "transcript text"}),
            ),
            (
                "c4",
                "content-added",
                "2024-05-02T09:05:00Z",
                json!({"text": "<chat/>", "mime": "text/xml"}),
            ),
            (
                "c5",
                "content-added",
                "2024-05-02T09:05:00Z",
                json!({"contentId": "att", "mime": "image/png", "data": "iVBORw0KGgo="}),
            ),
            (
                "c6",
                "agent-deallocated",
                "2024-05-02T09:09:00Z",
                json!({"agentId": "ann"}),
            ),
            ("c7", "interaction-ended", "2024-05-02T09:09:30Z", json!({})),
        ],
    )
}

/// mail-1: cust-1's inbound e-mail, waiting in a queue.
fn mail() -> Vec<Value> {
    of(
        "mail-1",
        vec![
            (
                "e1",
                "interaction-started",
                "2024-05-03T08:00:00Z",
                json!({"channelType": "email", "direction": "inbound",
            "customer": {"id": "cust-1", "address": "jo@example.com", "name": "Jo"}, "contactPoint": "support@acme.example", "subject": "Refund"}),
            ),
            (
                "e2",
                "queue-entered",
                "2024-05-03T08:00:01Z",
                json!({"queueId": "email"}),
            ),
        ],
    )
}

/// other-1: cust-2's outbound call, still going.
fn other_customers_call() -> Vec<Value> {
    of(
        "other-1",
        vec![(
            "o1",
            "interaction-started",
            "2024-05-04T08:00:00Z",
            json!({"channelType": "voice", "direction": "outbound", "customer": {"id": "cust-2"}}),
        )],
    )
}

async fn get(
    app: &TestApp,
    path: &str,
    token: &str,
    tenant_header: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}{BASE}{path}", app.base))
        .bearer_auth(token);
    if let Some(tenant) = tenant_header {
        request = request.header("ContactCenterId", tenant);
    }
    request.send().await.unwrap()
}

async fn a_call_has_its_attributes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let call: Value = get(&app, "/interactions/call-1", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(call["media_type"], "voice");
    assert_eq!(
        (
            call["entity_type"].clone(),
            call["status"].clone(),
            call["type"].clone()
        ),
        (json!(3), json!(3), json!("Inbound"))
    );
    assert_eq!(
        (
            call["duration"].clone(),
            call["outcome"].clone(),
            call["phone_number"].clone()
        ),
        (json!(972), json!("completed"), json!("+15550001"))
    );
    assert_eq!(
        call["udata"],
        json!({"Segment": "gold", " spaced key": "kept"})
    );
    assert_eq!(call["start_date"], "2024-05-01T10:00:00.000Z");
    assert_eq!(call["customer_id"], "cust-1");
    assert_eq!(
        call["text"],
        format!("{}{BASE}/interactions/call-1/plain_text", app.base)
    );
}

async fn a_chat_has_its_dates_subject_thread_and_mime(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let chat: Value = get(&app, "/interactions/chat-1", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (chat["entity_type"].clone(), chat["media_type"].clone()),
        (json!(2), json!("chat"))
    );
    assert_eq!(chat["established_date"], "2024-05-02T09:00:05.000Z");
    assert_eq!(chat["released_date"], "2024-05-02T09:09:00.000Z");
    assert_eq!(
        (chat["subject"].clone(), chat["thread_id"].clone()),
        (json!("Order status"), json!("thr-1"))
    );
    assert_eq!(chat["structured_text_mime"], "text/xml");
}

async fn an_email_has_its_addresses_and_dates(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let mail: Value = get(&app, "/interactions/mail-1", &token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (mail["entity_type"].clone(), mail["status"].clone()),
        (json!(0), json!(1)),
        "an inbound e-mail waiting in a queue"
    );
    assert_eq!(
        mail["from"],
        json!({"address": "jo@example.com", "personal": "Jo"})
    );
    assert_eq!(mail["to"], json!([{"address": "support@acme.example"}]));
    assert_eq!(mail["sent_date"], "2024-05-03T08:00:00.000Z");
    assert!(mail.get("end_date").is_none());
}

async fn the_content_routes_serve_their_types(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let plain = get(&app, "/interactions/chat-1/plain_text", &token, None).await;
    assert_eq!(plain.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(plain.text().await.unwrap(), "transcript text");
    let structured = get(&app, "/interactions/chat-1/structured_text", &token, None).await;
    assert_eq!(structured.headers()["content-type"], "text/xml");
    assert_eq!(structured.text().await.unwrap(), "<chat/>");
    let binary = get(&app, "/interactions/chat-1/binary_content", &token, None).await;
    assert_eq!(binary.headers()["content-type"], "image/png");
    assert_eq!(binary.bytes().await.unwrap().as_ref(), b"\x89PNG\r\n\x1a\n");
    let none = get(&app, "/interactions/call-1/plain_text", &token, None).await;
    assert_eq!(none.status(), 404);
    let body: Value = none.json().await.unwrap();
    assert!(body["message"].is_string() && body["exception"].is_string());
}

async fn a_customers_interactions_come_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let list: Value = get(
        &app,
        "/customers/cust-1/interactions",
        &app.token("acme"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["interaction_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["mail-1", "chat-1", "call-1"]);
    let empty: Value = get(
        &app,
        "/customers/nobody/interactions",
        &app.token("acme"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(empty, json!([]));
}

async fn the_tenant_header_picks_among_the_tokens_tenants(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let both = app.token_with(&["acme", "globex"], &[Scope::Read], 600);
    let missing = get(&app, "/interactions/call-1", &both, None).await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("ContactCenterId"),
        "{body}"
    );
    assert_eq!(
        get(&app, "/interactions/call-1", &both, Some("acme"))
            .await
            .status(),
        200
    );
    assert_eq!(
        get(&app, "/interactions/call-1", &both, Some("globex"))
            .await
            .status(),
        404,
        "globex has no such interaction"
    );
    assert_eq!(
        get(
            &app,
            "/interactions/call-1",
            &app.token("globex"),
            Some("acme")
        )
        .await
        .status(),
        403
    );
}

async fn unknown_ids_and_missing_credentials_answer_in_the_vendor_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let unknown = get(
        &app,
        "/interactions/00001a57JGQ00BW8",
        &app.token("acme"),
        None,
    )
    .await;
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(
        body["exception"],
        "com.genesyslab.gsg.services.contextservices.exceptions.ContextServicesExceptionResource"
    );
    let unauth = app
        .send(
            Method::GET,
            &format!("{BASE}/interactions/call-1"),
            None,
            None,
        )
        .await;
    assert_eq!(unauth.status(), 401);
}

on_every_backend!(
    a_call_has_its_attributes,
    a_chat_has_its_dates_subject_thread_and_mime,
    an_email_has_its_addresses_and_dates,
    the_content_routes_serve_their_types,
    a_customers_interactions_come_newest_first,
    the_tenant_header_picks_among_the_tokens_tenants,
    unknown_ids_and_missing_credentials_answer_in_the_vendor_shape,
);
