//! CxEngage's token handshake as its SDKs do it: `POST /v1/tokens` with the API key's id and
//! secret, then `Authorization: Token <token>`; `POST /v1/login` with that token. Refusals
//! are CxEngage's error shape and say nothing about which keys or tenants exist.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{worked_example, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const BASE: &str = "/compat/cxengage/v1";

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let mut request = app.client.post(format!("{}{BASE}{path}", app.base));
    if let Some(token) = token {
        request = request.header("authorization", format!("Token {token}"));
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn list(app: &TestApp, tenant: &str, token: &str) -> u16 {
    let url = format!("{}{BASE}/tenants/{tenant}/interactions", app.base);
    let response = app
        .client
        .get(url)
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

/// The claims of a JWT, unverified (the test reads what was issued).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn a_key_gets_a_token_that_reads_its_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let request = json!({"username": id, "password": secret, "tenantId": "acme", "ttl": null});
    let (status, answer) = post(&app, "/tokens", None, Some(request)).await;
    assert_eq!(status, 200, "{answer}");
    let token = answer["token"].as_str().unwrap();
    assert_eq!(list(&app, "acme", token).await, 200);
    let issued = claims(token);
    assert_eq!(issued["tenants"], json!(["acme"]));
    assert_eq!(issued["scope"], "interactions:read");
    assert_eq!(
        issued["exp"].as_i64().unwrap() - issued["iat"].as_i64().unwrap(),
        3600
    );
    // The tenant may be left out when the key has one; a ttl is capped at a day.
    let request = json!({"username": id, "password": secret, "ttl": 10_000_000});
    let (_, answer) = post(&app, "/tokens", None, Some(request)).await;
    let capped = claims(answer["token"].as_str().unwrap());
    assert_eq!(
        capped["exp"].as_i64().unwrap() - capped["iat"].as_i64().unwrap(),
        86_400
    );
    // A token of acme does not open another tenant.
    assert_eq!(
        list(&app, "globex", answer["token"].as_str().unwrap()).await,
        403
    );
}

async fn login_answers_the_tenants_of_the_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let (_, answer) = post(
        &app,
        "/tokens",
        None,
        Some(json!({"username": id, "password": secret})),
    )
    .await;
    let (status, login) = post(&app, "/login", answer["token"].as_str(), None).await;
    assert_eq!(status, 200, "{login}");
    assert_eq!(login["result"]["userId"], json!(id));
    let tenant = &login["result"]["tenants"][0];
    assert_eq!(tenant["tenantId"], "acme");
    assert_eq!(
        tenant["tenantPermissions"],
        json!(["INTERACTIONS_API_READ_ALL"])
    );
    let (status, error) = post(&app, "/login", Some("not.a.token"), None).await;
    assert_eq!(status, 401);
    assert_eq!(
        (error["code"].clone(), error["error"].clone()),
        (json!(401), json!("Unauthorized"))
    );
}

async fn wrong_credentials_are_one_refusal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let (other_id, _) = app.create_key("globex", &["interactions:read"]).await;
    let mut messages = Vec::new();
    for request in [
        json!({"username": id, "password": "wrong"}),
        json!({"username": "key_0000000000000000", "password": secret}),
        json!({"username": other_id, "password": secret}),
        json!({"username": id, "password": secret, "tenantId": "globex"}),
        json!({"username": id, "password": secret, "tenantId": "no-such-tenant"}),
    ] {
        let (status, error) = post(&app, "/tokens", None, Some(request.clone())).await;
        assert_eq!(status, 401, "{request}: {error}");
        assert_eq!(error["error"], "Unauthorized", "{request}");
        messages.push(error["message"].clone());
    }
    messages.dedup();
    assert_eq!(messages.len(), 1, "refusals differ: {messages:?}");
    let (status, error) = post(&app, "/tokens", None, Some(json!({"username": id}))).await;
    assert_eq!(status, 400);
    assert!(
        error["message"].as_str().unwrap().contains("password"),
        "{error}"
    );
}

async fn expired_and_revoked_credentials_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let expired = app.token_with(&["acme"], &[Scope::Read], -3600);
    assert_eq!(list(&app, "acme", &expired).await, 401);
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let admin = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let path = format!("/api/v1/admin/keys/{id}?tenant=acme");
    let revoke = app
        .send(reqwest::Method::DELETE, &path, Some(&admin), None)
        .await;
    assert_eq!(revoke.status(), 204);
    let (status, _) = post(
        &app,
        "/tokens",
        None,
        Some(json!({"username": id, "password": secret})),
    )
    .await;
    assert_eq!(status, 401);
}

on_every_backend!(
    a_key_gets_a_token_that_reads_its_tenant,
    login_answers_the_tenants_of_the_token,
    wrong_credentials_are_one_refusal,
    expired_and_revoked_credentials_are_refused,
);
