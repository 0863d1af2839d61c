//! The CxEngage dialect over HTTP: the seed's document from DESIGN.md's worked example,
//! segments/agents/queues/holds/hooks of richer calls, and the page-numbered lists.

mod common;

use common::{event, worked_example, TestApp, WORKED_EXAMPLE_ID};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const TENANT: &str = "2336d1ec-c956-47e1-b3b1-fe8fde81b2b4";

async fn get(app: &TestApp, path: &str, tenant: &str) -> (u16, Value) {
    let url = format!("{}/compat/cxengage/v1/tenants/{tenant}{path}", app.base);
    let response = app
        .client
        .get(url)
        .bearer_auth(app.token(tenant))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn the_worked_example_is_the_seeds_sample_exactly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest(TENANT, &worked_example()).await;
    let (status, body) = get(&app, &format!("/interactions/{WORKED_EXAMPLE_ID}"), TENANT).await;
    assert_eq!(status, 200);
    let sample: Value =
        serde_json::from_str(include_str!("../../../examples/cxengage-sample.json")).unwrap();
    assert_eq!(body, sample);
}

fn at(s: &str) -> String {
    format!("2024-06-03T14:{s}Z")
}

/// x1: queued, answered by ann, held, hooked to a Zendesk ticket, transferred to bob, who
/// tries to add cat.
fn hooked_call() -> Value {
    let steps = [
        (
            "interaction-started",
            "00:00.000",
            json!({"channelType": "voice", "direction": "inbound", "customer": {"address": "+15550001"}, "contactId": "contact-7"}),
        ),
        (
            "queue-entered",
            "00:05.000",
            json!({"queueId": "q-sales", "queueName": "Sales", "entryType": "ivr", "interactionQueueId": "iq-1"}),
        ),
        (
            "agent-allocated",
            "00:12.500",
            json!({"agentId": "ann", "agentName": "Ann Smith", "sessionId": "sess-1", "interactionAgentId": "ia-1"}),
        ),
        ("hold-started", "01:00.000", json!({"agentId": "ann"})),
        ("hold-ended", "01:20.000", json!({"agentId": "ann"})),
        (
            "hook-linked",
            "01:30.000",
            json!({"hookType": "zendesk", "hookSubType": "ticket", "hookId": "12345", "hookName": "Ticket #12345", "hookedBy": "zd-99", "agentId": "ann", "interactionHookId": "h-1"}),
        ),
        (
            "transfer-started",
            "02:00.000",
            json!({"agentId": "ann", "toAgentId": "bob", "segmentId": "seg-1"}),
        ),
        (
            "agent-allocated",
            "02:10.000",
            json!({"agentId": "bob", "interactionAgentId": "ia-2"}),
        ),
        ("transfer-ended", "02:10.000", json!({"outcome": "success"})),
        ("agent-deallocated", "02:10.000", json!({"agentId": "ann"})),
        (
            "participant-add-started",
            "03:00.000",
            json!({"agentId": "bob", "toAgentId": "cat", "segmentId": "seg-2"}),
        ),
        (
            "participant-add-ended",
            "03:30.000",
            json!({"outcome": "cancelled"}),
        ),
        ("interaction-ended", "05:00.000", json!({})),
    ];
    // The events are 1 to 13, in this order.
    (1..)
        .zip(steps)
        .map(|(n, (kind, time, fields))| event(&n.to_string(), kind, "x1", &at(time), fields))
        .collect()
}

async fn a_transferred_held_and_hooked_call(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &hooked_call()).await;
    let (status, doc) = get(&app, "/interactions/x1", "acme").await;
    assert_eq!(status, 200);
    assert_eq!(doc["interactionTime"], json!(300));
    assert_eq!(doc["ivrTime"], json!(5));
    assert!(
        doc.get("customerAbandonTime").is_none(),
        "an agent answered"
    );
    assert_eq!(doc["customerHolds"], json!(1));
    assert_eq!(doc["customerHoldTime"], json!(20));
    assert_eq!(doc["customerTransfers"], json!(1));
    assert_eq!(doc["contactId"], "contact-7");
    let segments = doc["segments"].as_array().unwrap();
    assert_eq!(segments.len(), 3);
    assert_eq!(segments[0]["segmentEndType"], "success");
    assert_eq!(segments[1]["segmentStartType"], "transfer");
    assert_eq!(segments[1]["segmentAgentId"], "ann");
    assert_eq!(segments[1]["segmentToAgentId"], "bob");
    assert_eq!(segments[1]["interactionSegmentId"], "seg-1");
    assert_eq!(segments[2]["segmentStartType"], "addParticipant");
    assert_eq!(segments[2]["segmentCancelled"], json!(true));
    assert_eq!(segments[2]["segmentEndType"], "cancelled");
    assert_eq!(segments[2]["segmentCancelTime"], json!(210));
    let queue = &doc["queues"][0];
    assert_eq!(
        (queue["queueExitType"].clone(), queue["queueTime"].clone()),
        (json!("success"), json!(7.5))
    );
    assert_eq!(queue["agentId"], "ann");
    assert_eq!(queue["queueAbandoned"], json!(false));
    assert!(queue.get("queueAbandonTime").is_none());
    let agents = doc["agents"].as_array().unwrap();
    assert_eq!(agents.len(), 2);
    assert_eq!(
        agents[0],
        json!({"interactionAgentId": "ia-1", "agentId": "ann", "agentName": "Ann Smith", "sessionId": "sess-1",
        "queueId": "q-sales", "interactionSegmentId": agents[0]["interactionSegmentId"], "startTimestamp": "2024-06-03T14:00:12.500Z",
        "endTimestamp": "2024-06-03T14:02:10.000Z"})
    );
    assert_eq!(agents[1]["interactionSegmentId"], "seg-1");
    assert_eq!(
        doc["hooks"],
        json!([{"interactionHookId": "h-1", "hookType": "zendesk", "hookSubType": "ticket", "hookId": "12345",
        "hookName": "Ticket #12345", "hookedBy": "zd-99", "agentId": "ann", "timestamp": "2024-06-03T14:01:30.000Z"}])
    );
    assert_eq!(doc["details"]["agents"].as_array().unwrap().len(), 2);
    assert!(doc.get("flagged").is_none());
}

/// i00..i24, started on the hour from 10:00 to 21:00 on 2017-12-29, contact "even" or "odd";
/// every fifth has Zendesk ticket t<n>, "Ticket <n>".
fn twenty_five_calls() -> Value {
    let mut events = Vec::new();
    for n in 0..25 {
        let id = format!("i{n:02}");
        events.push(event(&format!("{id}-s"), "interaction-started", &id, &format!("2017-12-29T{:02}:00:00Z", 10 + n % 12),
            json!({"channelType": "voice", "direction": "inbound", "contactId": if n % 2 == 0 { "even" } else { "odd" }})));
        if n % 5 == 0 {
            events.push(event(&format!("{id}-h"), "hook-linked", &id, &format!("2017-12-29T{:02}:00:01Z", 10 + n % 12),
                json!({"hookType": "zendesk", "hookSubType": "ticket", "hookId": format!("t{n}"), "hookName": format!("Ticket {n}")})));
        }
    }
    json!(events)
}

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["interactionId"].as_str().unwrap().to_string())
        .collect()
}

async fn spawn_with_calls(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &twenty_five_calls()).await;
    app
}

async fn lists_page_by_number(backend: Backend) {
    let app = spawn_with_calls(backend).await;
    let (status, first) = get(&app, "/interactions", "acme").await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            first["total"].clone(),
            first["limit"].clone(),
            first["offset"].clone(),
            first["page"].clone()
        ),
        (json!(25), json!(10), json!(0), json!(null))
    );
    assert_eq!(first["tenantId"], "acme");
    assert_eq!(ids(&first).len(), 10);
    let (_, third) = get(&app, "/interactions?page=2&limit=10", "acme").await;
    assert_eq!((third["offset"].clone(), ids(&third).len()), (json!(20), 5));
    let mut all: Vec<String> = Vec::new();
    for page in 0..3 {
        let (_, body) = get(&app, &format!("/interactions?page={page}"), "acme").await;
        all.extend(ids(&body));
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 25, "pages cover every interaction once");
}

async fn lists_filter_by_time_hook_and_contact(backend: Backend) {
    let app = spawn_with_calls(backend).await;
    let (_, window) = get(&app, "/interactions?startTimeRange=2017-12-29T14:00:00.000Z&endTimeRange=2017-12-29T24:00:00.000Z&limit=100", "acme").await;
    assert_eq!(
        window["total"],
        json!(16),
        "14:00 to midnight: starts at 14..21 h"
    );
    let (_, zendesk) = get(
        &app,
        "/interactions?hookType=zendesk&hookSubType=ticket&limit=100",
        "acme",
    )
    .await;
    assert_eq!(zendesk["total"], json!(5));
    let (_, one) = get(&app, "/interactions?hookType=zendesk&hookId=t10", "acme").await;
    assert_eq!(ids(&one), ["i10"]);
    let (_, named) = get(&app, "/interactions?hook-name=Ticket%2015", "acme").await;
    assert_eq!(ids(&named), ["i15"]);
    let (_, contact) = get(&app, "/interactions?contactId=odd&limit=100", "acme").await;
    assert_eq!(contact["total"], json!(12));
}

async fn contact_history_pages_by_number_with_every_field(backend: Backend) {
    let app = spawn_with_calls(backend).await;
    let (status, history) = get(&app, "/contacts/even/interactions?limit=5&page=1", "acme").await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            history["total"].clone(),
            history["offset"].clone(),
            ids(&history).len()
        ),
        (json!(13), json!(5), 5)
    );
    let item = &history["results"][0];
    for key in [
        "directionName",
        "recording",
        "endTimestamp",
        "customer",
        "note",
        "lastAgentId",
        "lastQueueId",
        "channelName",
        "lastAgentName",
        "csat",
        "lastDispositionName",
        "startTimestamp",
        "transcript",
        "lastDispositionId",
        "channelType",
        "directionType",
        "lastQueueName",
    ] {
        assert!(item.get(key).is_some(), "{key} in {item}");
    }
    assert_eq!(
        (item["channelName"].clone(), item["directionName"].clone()),
        (json!("Voice"), json!("Inbound"))
    );
    assert_eq!(
        get(&app, "/contacts/even/interactions?limit=101", "acme")
            .await
            .0,
        400
    );
}

async fn errors_and_tenancy(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest(TENANT, &worked_example()).await;
    let (status, body) = get(&app, "/interactions/nope", TENANT).await;
    assert_eq!(
        (status, body["code"].clone(), body["error"].clone()),
        (404, json!(404), json!("Not Found"))
    );
    let (status, body) = get(&app, "/interactions?limit=5000", TENANT).await;
    assert_eq!((status, body["code"].clone()), (400, json!(400)));
    // A parameter CxEngage does not know is ignored, as the vendor's service ignores it.
    let (status, ignored) = get(&app, "/interactions?sort=up", TENANT).await;
    assert_eq!((status, ignored["total"].clone()), (200, json!(1)));
    // A NUL in any parameter, known or not, is refused in the vendor's shape (PostgreSQL's
    // text cannot hold one).
    let (status, body) = get(&app, "/interactions?sort=u%00p", TENANT).await;
    assert_eq!((status, body["code"].clone()), (400, json!(400)), "{body}");
    assert!(body["message"].as_str().unwrap().contains("sort"), "{body}");
    // Another tenant's token on this tenant's route: 403; on its own route: not there.
    let url = format!(
        "{}/compat/cxengage/v1/tenants/{TENANT}/interactions/{WORKED_EXAMPLE_ID}",
        app.base
    );
    let other = app
        .client
        .get(&url)
        .bearer_auth(app.token("other"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 403);
    assert_eq!(
        get(&app, &format!("/interactions/{WORKED_EXAMPLE_ID}"), "other")
            .await
            .0,
        404
    );
    let (_, list) = get(&app, "/interactions", "other").await;
    assert_eq!(list["total"], json!(0));
    // The vendor's permission name and its credentials.
    let (id, secret) = app.create_key(TENANT, &["interactions:read"]).await;
    let basic = app
        .client
        .get(&url)
        .basic_auth(&id, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    let unauth = app.client.get(&url).send().await.unwrap();
    assert_eq!(unauth.status(), 401);
    let body: Value = unauth.json().await.unwrap();
    assert_eq!(body["code"], json!(401));
}

on_every_backend!(
    the_worked_example_is_the_seeds_sample_exactly,
    a_transferred_held_and_hooked_call,
    lists_page_by_number,
    lists_filter_by_time_hook_and_contact,
    contact_history_pages_by_number_with_every_field,
    errors_and_tenancy,
);
