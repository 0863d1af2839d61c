//! The Vonage dialect: an agent's latest interactions, v1 and v2, over HTTP.

mod common;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const BASE: &str = "/compat/vonage/v0/acme/agents";

/// ann: an ended call (08:00), an active chat (09:00), an active call (09:05);
/// bob: an ended email.
fn workload() -> Value {
    let start = |id: &str, at: &str, channel: &str, direction: &str| {
        event(
            &format!("{id}-s"),
            "interaction-started",
            id,
            at,
            json!({"channelType": channel, "direction": direction}),
        )
    };
    let alloc = |id: &str, at: &str, agent: &str| {
        event(
            &format!("{id}-a-{agent}"),
            "agent-allocated",
            id,
            at,
            json!({"agentId": agent, "interactionAgentId": format!("{id}-{agent}")}),
        )
    };
    json!([
        start("old-call", "2024-05-01T08:00:00Z", "voice", "outbound"),
        alloc("old-call", "2024-05-01T08:00:10Z", "ann"),
        event(
            "old-call-e",
            "interaction-ended",
            "old-call",
            "2024-05-01T08:16:22Z",
            json!({})
        ),
        start("chat", "2024-05-01T09:00:00Z", "chat", "inbound"),
        alloc("chat", "2024-05-01T09:00:30Z", "ann"),
        start("call", "2024-05-01T09:05:00Z", "voice", "inbound"),
        alloc("call", "2024-05-01T09:05:07Z", "ann"),
        start("mail", "2024-05-01T07:00:00Z", "email", "inbound"),
        alloc("mail", "2024-05-01T07:01:00Z", "bob"),
        event(
            "mail-e",
            "interaction-ended",
            "mail",
            "2024-05-01T07:03:00Z",
            json!({})
        ),
    ])
}

async fn get(app: &TestApp, path: &str, token: &str, version: Option<&str>) -> (u16, Value) {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(v) = version {
        request = request.header("accept", format!("application/json;version={v}"));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn guids(body: &Value) -> Vec<&str> {
    body["interactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["guid"].as_str().unwrap())
        .collect()
}

async fn v1_gives_the_current_interaction_phone_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let (status, body) = get(
        &app,
        &format!("{BASE}/ann/latestInteractions"),
        &token,
        Some("1"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"interactions": [{"start": "2024-05-01T09:05:00Z", "guid": "call", "hasEnded": false}]})
    );
    let (_, three) = get(
        &app,
        &format!("{BASE}/ann/latestInteractions?size=3"),
        &token,
        Some("1"),
    )
    .await;
    assert_eq!(guids(&three), ["call", "chat", "old-call"]);
    assert_eq!(three["interactions"][2]["hasEnded"], json!(true));
    let (_, bob) = get(
        &app,
        &format!("{BASE}/bob/latestInteractions"),
        &token,
        Some("1"),
    )
    .await;
    assert_eq!(
        bob,
        json!({"interactions": [{"start": "2024-05-01T07:00:00Z", "guid": "mail", "hasEnded": true}]})
    );
}

async fn v2_describes_each_channel_of_an_interaction(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let path = format!("{BASE}/ann/latestInteractions");
    let (_, body) = get(&app, &format!("{path}?size=3"), &token, Some("2")).await;
    assert_eq!(guids(&body), ["call", "chat", "old-call"]);
    let old = &body["interactions"][2];
    assert_eq!(old["type"], "Phone");
    assert_eq!(old["start"], "2024-05-01T08:00:10Z");
    assert_eq!(old["duration"], json!(972));
    assert_eq!(old["direction"], "Outbound");
    assert_eq!(old["channelGuid"], "old-call-ann");
    assert_eq!(
        body["interactions"][0]["duration"],
        Value::Null,
        "still connected"
    );
}

async fn v2_orders_by_start_with_active_live_first_and_filters_by_type(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let path = format!("{BASE}/ann/latestInteractions");
    // A newer chat than the call: activeLiveFirst puts the live call first anyway.
    app.ingest(
        "acme",
        &json!([
            event(
                "chat2-s",
                "interaction-started",
                "chat2",
                "2024-05-01T09:10:00Z",
                json!({"channelType": "chat", "direction": "inbound"})
            ),
            event(
                "chat2-a",
                "agent-allocated",
                "chat2",
                "2024-05-01T09:10:01Z",
                json!({"agentId": "ann"})
            ),
        ]),
    )
    .await;
    let (_, plain) = get(&app, &format!("{path}?size=3"), &token, Some("2")).await;
    assert_eq!(guids(&plain), ["chat2", "call", "chat"]);
    let (_, live) = get(
        &app,
        &format!("{path}?size=3&activeLiveFirst=true"),
        &token,
        Some("2"),
    )
    .await;
    assert_eq!(guids(&live), ["call", "chat2", "chat"]);
    for (kind, expected) in [
        ("Phone", &["call", "old-call"][..]),
        ("Chat", &["chat2", "chat"]),
        ("Email", &[]),
        ("All", &["chat2", "call", "chat", "old-call"]),
    ] {
        let (status, body) = get(
            &app,
            &format!("{path}?size=10&type={kind}"),
            &token,
            Some("2"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(guids(&body), expected, "{kind}");
    }
}

async fn the_callers_own_agent_and_an_idle_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let (status, body) = get(
        &app,
        &format!("{BASE}/recentinteraction"),
        &app.agent_token("acme", "ann"),
        Some("1"),
    )
    .await;
    assert_eq!((status, guids(&body)), (200, vec!["call"]));
    let (status, body) = get(
        &app,
        &format!("{BASE}/recentinteraction"),
        &app.agent_token("acme", "idle-agent"),
        Some("1"),
    )
    .await;
    assert_eq!((status, body), (200, json!({"interactions": []})));
}

async fn bad_parameters_are_400s_in_the_vendor_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let path = format!("{BASE}/ann/latestInteractions");
    for (query, needle) in [
        ("size=0", "size"),
        ("size=101", "size"),
        ("type=Fax", "type"),
        ("type=", "InteractionType"),
        ("activeLiveFirst=maybe", "activeLiveFirst"),
    ] {
        let (status, body) = get(&app, &format!("{path}?{query}"), &token, Some("1")).await;
        assert_eq!(status, 400, "{query}");
        assert!(
            body["message"].as_str().unwrap().contains(needle),
            "{query}: {body}"
        );
        assert_eq!(body.as_object().unwrap().len(), 1, "only message: {body}");
    }
    // A parameter Vonage does not know is ignored, as the vendor's service ignores it.
    let (status, _) = get(&app, &format!("{path}?colour=red"), &token, Some("1")).await;
    assert_eq!(status, 200);
}

async fn unknown_agents_versions_and_credentials_use_the_vendor_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &workload()).await;
    let token = app.token("acme");
    let path = format!("{BASE}/ann/latestInteractions");
    assert_eq!(
        get(
            &app,
            &format!("{BASE}/nobody/latestInteractions"),
            &token,
            Some("1")
        )
        .await,
        (
            404,
            json!({"message": "The requested resource was not found."})
        )
    );
    let (status, body) = get(&app, &path, &token, None).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("version"));
    assert_eq!(get(&app, &path, &token, Some("7")).await.0, 406);
    let (status, body) = get(&app, &path, "not-a-token", Some("1")).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({"message": "Authorization has been denied for this request."})
        )
    );
    // Another tenant's agent: unknown in globex's account, forbidden in acme's.
    let globex = app.token("globex");
    assert_eq!(
        get(
            &app,
            "/compat/vonage/v0/globex/agents/ann/latestInteractions",
            &globex,
            Some("1")
        )
        .await
        .0,
        404
    );
    let (status, body) = get(&app, &path, &globex, Some("1")).await;
    assert_eq!(status, 403);
    assert!(!body.to_string().contains("call"), "{body}");
}

on_every_backend!(
    v1_gives_the_current_interaction_phone_first,
    v2_describes_each_channel_of_an_interaction,
    v2_orders_by_start_with_active_live_first_and_filters_by_type,
    the_callers_own_agent_and_an_idle_one,
    bad_parameters_are_400s_in_the_vendor_shape,
    unknown_agents_versions_and_credentials_use_the_vendor_shape,
);
