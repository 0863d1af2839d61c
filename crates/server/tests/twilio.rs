//! Twilio TaskRouter's callbacks, signed as Twilio signs them: a task's callbacks from
//! creation to completion become its record; a bad signature, another account, a tenant
//! without the integration are one 403; a signed callback that cannot be read is a 400
//! naming the parameter.

mod common;

use base64::Engine;
use common::TestApp;
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::json;

const CALLBACKS: &str = include_str!("../../../examples/imports/twilio-taskrouter.form");
const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const ACCOUNT: &str = "AC00000000000000000000000000000001";

/// Twilio's signature of a form POST to `url`.
fn sign(token: &str, url: &str, body: &str) -> String {
    let mut params: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap();
    params.sort();
    let data: String = std::iter::once(url.to_string())
        .chain(params.into_iter().map(|(k, v)| k + &v))
        .collect();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, token.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(ring::hmac::sign(&key, data.as_bytes()))
}

async fn post(app: &TestApp, tenant: &str, body: &str, signature: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/compat/twilio/taskrouter/{tenant}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-twilio-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn signed_callbacks_become_the_task(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let path = "/api/v1/admin/tenants/acme/integrations/twilio";
    let body = json!({"accountSid": ACCOUNT, "authToken": TOKEN});
    let response = app.send(Method::PUT, path, Some(&admin), Some(body)).await;
    assert_eq!(response.status(), 200);
    let shown: serde_json::Value = app
        .send(Method::GET, path, Some(&admin), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        shown,
        json!({"accountSid": ACCOUNT, "callbackPath": "/compat/twilio/taskrouter/acme"})
    );

    let url = format!("{}/compat/twilio/taskrouter/acme", app.base);
    for line in CALLBACKS.lines() {
        let response = post(&app, "acme", line, &sign(TOKEN, &url, line)).await;
        assert_eq!(response.status(), 204, "{line}");
        assert_eq!(response.headers()["content-type"], "application/json");
    }
    let record = app
        .record("acme", "WT00000000000000000000000000000001")
        .await;
    assert_eq!(record["status"], "ended", "{record}");
    assert_eq!(record["agents"][0]["agentName"], "bob");
    assert_eq!(record["agents"][0]["handleTime"], 240);
    assert_eq!(record["statistics"]["queueTime"], 24);

    let first = CALLBACKS.lines().next().unwrap();
    let forged = sign("another-token", &url, first);
    assert_eq!(
        post(&app, "acme", first, &forged).await.status(),
        403,
        "a bad signature"
    );
    let tampered = first.replace("voice", "chat");
    assert_eq!(
        post(&app, "acme", &tampered, &sign(TOKEN, &url, first))
            .await
            .status(),
        403
    );
    let other_account = first.replace(ACCOUNT, "AC00000000000000000000000000000002");
    let response = post(
        &app,
        "acme",
        &other_account,
        &sign(TOKEN, &url, &other_account),
    )
    .await;
    assert_eq!(response.status(), 403, "another account");
    let other_url = format!("{}/compat/twilio/taskrouter/other", app.base);
    let response = post(&app, "other", first, &sign(TOKEN, &other_url, first)).await;
    assert_eq!(response.status(), 403, "a tenant without the integration");

    let unreadable = format!("AccountSid={ACCOUNT}&TaskSid=WT1&Timestamp=1764406800");
    let response = post(&app, "acme", &unreadable, &sign(TOKEN, &url, &unreadable)).await;
    let error = common::error_body(response, 400, "invalid_parameter").await;
    assert_eq!(error["fields"][0]["name"], "EventType", "{error}");

    let response = app.send(Method::DELETE, path, Some(&admin), None).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        post(&app, "acme", first, &sign(TOKEN, &url, first))
            .await
            .status(),
        403
    );
}

on_every_backend!(signed_callbacks_become_the_task);
