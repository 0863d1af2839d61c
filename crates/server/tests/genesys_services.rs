//! The Genesys UCS dialect's service query (`/services/{service_id}/interactions`: the
//! interactions linked by a `genesys-service` hook) and the GMS-hosted form of every route
//! under `/genesys/1/cs`, with links that stay under the prefix asked for.

mod common;

use std::collections::BTreeSet;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const BASE: &str = "/compat/genesys-ucs";
const GMS: &str = "/compat/genesys-ucs/genesys/1/cs";

fn linked(id: &str, interaction: &str, service: &str) -> Value {
    let hook = json!({"hookType": "genesys-service", "hookId": service});
    event(id, "hook-linked", interaction, "2024-05-04T12:00:00Z", hook)
}

/// call-1 and chat-1 (later) in service 42, call-2 in service 43 only, and call-3 carrying
/// another kind of hook with id 42.
fn workload() -> Value {
    let started = |id: &str, interaction: &str, at: &str, fields: Value| {
        event(id, "interaction-started", interaction, at, fields)
    };
    let voice =
        json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "cust-1"}});
    json!([
        started("a1", "call-1", "2024-05-01T10:00:00Z", voice.clone()),
        started(
            "b1",
            "chat-1",
            "2024-05-02T09:00:00Z",
            json!({"channelType": "chat", "direction": "inbound", "customer": {"id": "cust-1"}})
        ),
        event(
            "b2",
            "content-added",
            "chat-1",
            "2024-05-02T09:05:00Z",
            json!({"text": "transcript text"})
        ),
        started("c1", "call-2", "2024-05-03T10:00:00Z", voice.clone()),
        started("d1", "call-3", "2024-05-04T10:00:00Z", voice),
        linked("a2", "call-1", "42"),
        linked("b3", "chat-1", "42"),
        linked("c2", "call-2", "43"),
        event(
            "d2",
            "hook-linked",
            "call-3",
            "2024-05-04T10:00:01Z",
            json!({"hookType": "zendesk", "hookId": "42"})
        ),
    ])
}

async fn spawn(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    let answer = app.ingest("acme", &workload()).await;
    assert_eq!(answer["rejected"], json!([]), "{answer}");
    app
}

async fn get(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    let url = format!("{}{path}", app.base);
    app.client.get(url).bearer_auth(token).send().await.unwrap()
}

fn ids(list: &Value) -> Vec<&str> {
    let items = list.as_array().unwrap().iter();
    items
        .map(|r| r["interaction_id"].as_str().unwrap())
        .collect()
}

async fn a_services_interactions_come_newest_first_under_both_prefixes(backend: Backend) {
    let app = spawn(backend).await;
    let token = app.token("acme");
    for prefix in [BASE, GMS] {
        let response = get(&app, &format!("{prefix}/services/42/interactions"), &token).await;
        assert_eq!(response.status(), 200, "{prefix}");
        let list: Value = response.json().await.unwrap();
        assert_eq!(ids(&list), ["chat-1", "call-1"], "{prefix}");
        let link = list[0]["text"].as_str().unwrap();
        assert_eq!(
            link,
            format!("{}{prefix}/interactions/chat-1/plain_text", app.base)
        );
        let content = app.client.get(link).bearer_auth(&token).send().await;
        assert_eq!(content.unwrap().text().await.unwrap(), "transcript text");
        let other: Value = get(&app, &format!("{prefix}/services/43/interactions"), &token)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(ids(&other), ["call-2"]);
    }
}

async fn every_route_answers_under_the_gms_prefix_as_under_the_root(backend: Backend) {
    let app = spawn(backend).await;
    let token = app.token("acme");
    let one = |prefix: &str| format!("{prefix}/interactions/call-1");
    let root: Value = get(&app, &one(BASE), &token).await.json().await.unwrap();
    let gms: Value = get(&app, &one(GMS), &token).await.json().await.unwrap();
    assert_eq!(gms["interaction_id"], root["interaction_id"]);
    assert_eq!(
        gms["binary_content"],
        format!("{}{GMS}/interactions/call-1/binary_content", app.base)
    );
    let customers = get(
        &app,
        &format!("{GMS}/customers/cust-1/interactions"),
        &token,
    )
    .await;
    let customers: Value = customers.json().await.unwrap();
    assert_eq!(ids(&customers), ["call-3", "call-2", "chat-1", "call-1"]);
    let text = get(
        &app,
        &format!("{GMS}/interactions/chat-1/plain_text"),
        &token,
    )
    .await;
    assert_eq!(text.text().await.unwrap(), "transcript text");

    // Documented too, once per prefix, with distinct operation ids.
    let doc: Value = app
        .get(&format!("{BASE}/openapi.json"), None)
        .await
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 12, "{:?}", paths.keys());
    for path in [
        "/services/{serviceId}/interactions",
        "/interactions/{interactionId}",
    ] {
        assert!(paths.contains_key(path), "{path}");
        assert!(
            paths.contains_key(&format!("/genesys/1/cs{path}")),
            "{path}"
        );
    }
    let operation_ids: BTreeSet<&str> = paths
        .values()
        .map(|item| item["get"]["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(operation_ids.len(), 12);
}

async fn an_unknown_service_is_a_vendor_shaped_404(backend: Backend) {
    let app = spawn(backend).await;
    let token = app.token("acme");
    for prefix in [BASE, GMS] {
        for service in ["999", "not-a-service"] {
            let path = format!("{prefix}/services/{service}/interactions");
            let response = get(&app, &path, &token).await;
            assert_eq!(response.status(), 404, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["message"], format!("service {service} not found"));
            assert_eq!(
                body["exception"],
                "com.genesyslab.gsg.services.contextservices.exceptions.ContextServicesExceptionResource"
            );
        }
    }
}

async fn credentials_and_tenants_are_checked_under_both_prefixes(backend: Backend) {
    let app = spawn(backend).await;
    let (key, secret) = app.create_key("acme", &["interactions:read"]).await;
    let globex = app.token("globex");
    for prefix in [BASE, GMS] {
        let path = format!("{prefix}/services/42/interactions");
        let anonymous = app.send(Method::GET, &path, None, None).await;
        assert_eq!(anonymous.status(), 401, "{path}");
        let body: Value = anonymous.json().await.unwrap();
        assert!(body["message"].is_string() && body["exception"].is_string());
        let url = format!("{}{path}", app.base);
        let basic = |key: &str, secret: &str| app.client.get(&url).basic_auth(key, Some(secret));
        let wrong = basic(&key, "wrong").send().await.unwrap();
        assert_eq!(wrong.status(), 401, "a wrong secret: {path}");
        let right = basic(&key, &secret).send().await.unwrap();
        assert_eq!(right.status(), 200, "the key's own secret: {path}");
        let named = app
            .client
            .get(&url)
            .bearer_auth(&globex)
            .header("ContactCenterId", "acme")
            .send()
            .await
            .unwrap();
        assert_eq!(named.status(), 403, "globex's token naming acme: {path}");
        let own = get(&app, &path, &globex).await;
        assert_eq!(own.status(), 404, "globex has no service 42: {path}");
        let text = own.text().await.unwrap();
        assert!(!text.contains("call-1"), "{text}");
    }
}

on_every_backend!(
    a_services_interactions_come_newest_first_under_both_prefixes,
    every_route_answers_under_the_gms_prefix_as_under_the_root,
    an_unknown_service_is_a_vendor_shaped_404,
    credentials_and_tenants_are_checked_under_both_prefixes,
);
