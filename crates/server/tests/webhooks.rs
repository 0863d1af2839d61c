//! Webhooks out, end to end: a subscription made through the admin API; a receiver started
//! here gets each change signed (its signature checked as a receiver checks it), one
//! interaction's deliveries in commit order with its end once, only the channels asked for;
//! a receiver that refuses for a while gets everything once it recovers (each delivery's
//! attempts counted in the status list); bad subscriptions are refused naming the field.

mod common;

use std::time::Duration;

use common::receiver::{signature_holds, Receiver};
use common::{error_body, event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

/// Makes a subscription as the tenant's administrator; answers its JSON.
async fn subscribe(app: &TestApp, body: Value) -> Value {
    let admin = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let path = "/api/v1/admin/tenants/acme/webhooks";
    let response = app.send(Method::POST, path, Some(&admin), Some(body)).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn admin_get(app: &TestApp, path: &str) -> Value {
    let admin = app.token_with(&["acme"], &[Scope::Admin], 600);
    let response = app.get(path, Some(&admin)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// One interaction's events, posted one request each: started, queued, answered, ended.
async fn call(app: &TestApp, id: &str, channel: &str) {
    let at = |s: u32| format!("2026-11-29T09:00:{s:02}.000Z");
    let events = [
        event(
            &format!("{id}-1"),
            "interaction-started",
            id,
            &at(0),
            json!({"channelType": channel, "direction": "inbound"}),
        ),
        event(
            &format!("{id}-2"),
            "queue-entered",
            id,
            &at(5),
            json!({"queueId": "support"}),
        ),
        event(
            &format!("{id}-3"),
            "agent-allocated",
            id,
            &at(9),
            json!({"agentId": "alice", "queueId": "support"}),
        ),
        event(
            &format!("{id}-4"),
            "interaction-ended",
            id,
            &at(30),
            json!({}),
        ),
    ];
    for e in events {
        app.ingest("acme", &json!([e])).await;
    }
}

/// Each interaction's delivered types in the order they arrived.
fn by_interaction(received: &[common::receiver::Received]) -> Vec<(String, Vec<String>)> {
    let mut seen: Vec<(String, Vec<String>)> = Vec::new();
    for r in received {
        let body = r.json();
        let id = body["data"]["interaction"]["interactionId"]
            .as_str()
            .unwrap()
            .to_string();
        let kind = body["type"].as_str().unwrap().to_string();
        match seen.iter_mut().find(|(i, _)| *i == id) {
            Some((_, kinds)) => kinds.push(kind),
            None => seen.push((id, vec![kind])),
        }
    }
    seen.sort();
    seen
}

async fn deliveries_are_signed_ordered_and_filtered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let receiver = Receiver::start(0).await;
    let all = subscribe(
        &app,
        json!({"url": receiver.url,
        "events": ["interaction.updated", "interaction.ended"], "description": "CRM"}),
    )
    .await;
    let secret = all["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{all}");
    let voice_ends = subscribe(
        &app,
        json!({"url": receiver.url, "events": ["interaction.ended"],
        "channels": ["voice"], "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}),
    )
    .await;

    let listed = admin_get(&app, "/api/v1/admin/tenants/acme/webhooks").await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(
        listed[0].get("secret").is_none(),
        "secrets are shown once: {listed}"
    );
    assert_eq!(
        listed[0]["events"],
        json!(["interaction.updated", "interaction.ended"])
    );

    call(&app, "chat-1", "chat").await;
    call(&app, "voice-1", "voice").await;
    // 8 updates and 2 ends for the first subscription, the voice end for the second.
    let received = receiver.wait_for(11, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 11, "{received:#?}");
    let updated_then_ended = ["interaction.updated"; 4]
        .into_iter()
        .chain(["interaction.ended"])
        .map(String::from)
        .collect::<Vec<_>>();
    let mut expected_voice = updated_then_ended.clone();
    expected_voice.push("interaction.ended".into()); // the voice-only subscription's
    let seen = by_interaction(&received);
    assert_eq!(
        seen[0],
        ("chat-1".to_string(), updated_then_ended),
        "in commit order"
    );
    assert_eq!(seen[1].0, "voice-1");
    assert_eq!(seen[1].1.len(), 6);
    let voice_secret = voice_ends["secret"].as_str().unwrap();
    for r in &received {
        assert!(
            signature_holds(&secret, r) || signature_holds(voice_secret, r),
            "signed: {r:?}"
        );
        let body = r.json();
        assert_eq!(body["data"]["tenantId"], "acme");
    }
    let ids: std::collections::BTreeSet<&str> = received.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 11, "every delivery has its own id");
    let ended = received
        .iter()
        .find(|r| r.json()["type"] == "interaction.ended")
        .unwrap();
    let record = &ended.json()["data"]["interaction"];
    assert_eq!(record["status"], "ended");
    assert_eq!(record["statistics"]["agentAllocations"], 1, "{record}");

    let path = format!(
        "/api/v1/admin/tenants/acme/webhooks/{}/deliveries",
        all["id"].as_str().unwrap()
    );
    let page = admin_get(&app, &format!("{path}?limit=3")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    assert_eq!(page["items"][0]["state"], "delivered");
    assert_eq!(page["items"][0]["attempts"], 1);
    assert_eq!(page["items"][0]["lastStatus"], 200);
    let cursor = page["nextCursor"].as_str().unwrap();
    let rest = admin_get(&app, &format!("{path}?cursor={cursor}&limit=1000")).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 7);
    assert_eq!(rest["nextCursor"], Value::Null);
}

async fn a_receiver_that_recovers_gets_everything_in_order(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.webhooks.first_retry = Duration::from_millis(100);
    })
    .await;
    let receiver = Receiver::start(3).await;
    let hook = subscribe(
        &app,
        json!({"url": receiver.url,
        "events": ["interaction.updated", "interaction.ended"]}),
    )
    .await;
    call(&app, "chat-2", "chat").await;
    let received = receiver.wait_for(5, Duration::from_secs(30)).await;
    assert_eq!(receiver.refused(), 3);
    let seen = by_interaction(&received);
    assert_eq!(seen.len(), 1);
    let kinds = &seen[0].1;
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("interaction.ended"),
        "{kinds:?}"
    );
    let path = format!(
        "/api/v1/admin/tenants/acme/webhooks/{}/deliveries",
        hook["id"].as_str().unwrap()
    );
    let page = admin_get(&app, &path).await;
    let items = page["items"].as_array().unwrap();
    let first = items.last().unwrap();
    assert_eq!(
        (first["state"].as_str(), first["attempts"].as_u64()),
        (Some("delivered"), Some(4))
    );
    assert!(items.iter().all(|d| d["state"] == "delivered"), "{page}");
    let failed = admin_get(&app, &format!("{path}?state=failed")).await;
    assert_eq!(failed["items"], json!([]));
}

async fn bad_subscriptions_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let path = "/api/v1/admin/tenants/acme/webhooks";
    let refuse = |body: Value, field: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let response = app.send(Method::POST, path, Some(admin), Some(body)).await;
            let error = error_body(response, 400, "invalid_parameter").await;
            assert_eq!(error["fields"][0]["name"], field, "{error}");
        }
    };
    let events = json!(["interaction.ended"]);
    refuse(
        json!({"url": "ftp://crm.example.com", "events": events}),
        "url",
    )
    .await;
    refuse(
        json!({"url": "https://crm.example.com", "events": []}),
        "events",
    )
    .await;
    refuse(
        json!({"url": "https://crm.example.com", "events": ["call.ended"]}),
        "events",
    )
    .await;
    refuse(
        json!({"url": "https://crm.example.com", "events": events, "secret": "hunter2"}),
        "secret",
    )
    .await;
    refuse(
        json!({"url": "https://crm.example.com", "events": events, "channels": ["fax"]}),
        "channels",
    )
    .await;
    let unknown = json!({"url": "https://crm.example.com", "events": events, "retries": 3});
    let response = app
        .send(Method::POST, path, Some(&admin), Some(unknown))
        .await;
    let error = error_body(response, 400, "bad_request").await;
    assert!(
        error["message"].as_str().unwrap().contains("retries"),
        "{error}"
    );

    let reader = format!("Bearer {}", app.token("acme"));
    let body = json!({"url": "https://crm.example.com", "events": events});
    let response = app
        .send(Method::POST, path, Some(&reader), Some(body.clone()))
        .await;
    assert_eq!(response.status(), 403, "admin scope");
    let other = format!(
        "Bearer {}",
        app.token_with(&["other"], &[Scope::Admin], 600)
    );
    let response = app
        .send(Method::POST, path, Some(&other), Some(body.clone()))
        .await;
    assert_eq!(response.status(), 403, "another tenant's administrator");

    let made = subscribe(&app, body).await;
    let one = format!("{path}/{}", made["id"].as_str().unwrap());
    let deliveries = format!("{one}/deliveries");
    let response = app
        .send(
            Method::GET,
            &format!("{deliveries}?state=lost"),
            Some(&admin),
            None,
        )
        .await;
    error_body(response, 400, "invalid_parameter").await;
    let response = app.send(Method::DELETE, &one, Some(&other), None).await;
    assert_eq!(response.status(), 403);
    let response = app.send(Method::DELETE, &one, Some(&admin), None).await;
    assert_eq!(response.status(), 204);
    let response = app.send(Method::DELETE, &one, Some(&admin), None).await;
    error_body(response, 404, "not_found").await;
    let response = app.send(Method::GET, &deliveries, Some(&admin), None).await;
    error_body(response, 404, "not_found").await;
}

on_every_backend!(
    deliveries_are_signed_ordered_and_filtered,
    a_receiver_that_recovers_gets_everything_in_order,
    bad_subscriptions_are_refused_naming_the_field,
);
