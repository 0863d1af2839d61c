//! Talkdesk's and Vonage's token endpoints: OAuth 2 client credentials with an API key as
//! the client, as their clients send it (HTTP Basic or form fields, `grant_type` in the body
//! or the query), and the bearer token then reading the dialect. Errors are OAuth's.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const TALKDESK: &str = "/compat/talkdesk/oauth/token";

/// Posts a token request: `basic` as (id, secret), `form` as the body, `query` appended.
async fn token(
    app: &TestApp,
    path: &str,
    basic: Option<(&str, &str)>,
    form: &str,
) -> (u16, Value, Option<String>) {
    let mut request = app
        .client
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string());
    if let Some((id, secret)) = basic {
        let encoded = STANDARD.encode(format!("{id}:{secret}"));
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    let response = request.send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    (
        response.status().as_u16(),
        response.json().await.unwrap(),
        challenge,
    )
}

async fn bearer_get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("accept", "application/json;version=2")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn a_call() -> Value {
    json!([
        event(
            "c1",
            "interaction-started",
            "call-1",
            "2024-05-01T10:00:00Z",
            json!({"channelType": "voice", "direction": "inbound"})
        ),
        event(
            "c2",
            "agent-allocated",
            "call-1",
            "2024-05-01T10:00:05Z",
            json!({"agentId": "ann"})
        ),
    ])
}

async fn talkdesk_clients_get_a_bearer_token_three_ways(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let forms = [
        (
            Some((id.as_str(), secret.as_str())),
            TALKDESK.to_string(),
            "grant_type=client_credentials".to_string(),
        ),
        (
            None,
            TALKDESK.to_string(),
            format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"),
        ),
        // Airbyte's habit: the grant in the query string, nothing in the body.
        (
            Some((id.as_str(), secret.as_str())),
            format!("{TALKDESK}?grant_type=client_credentials"),
            String::new(),
        ),
    ];
    for (basic, path, form) in forms {
        let (status, answer, _) = token(&app, &path, basic, &form).await;
        assert_eq!(status, 200, "{path} {form}: {answer}");
        assert_eq!(answer["token_type"], "Bearer");
        assert_eq!(answer["expires_in"], 3600);
        assert_eq!(answer["scope"], "interactions:read");
        let access = answer["access_token"].as_str().unwrap();
        let (status, page) = bearer_get(&app, "/compat/talkdesk/interactions", access).await;
        assert_eq!(status, 200, "{page}");
        // The token is for the key's account only.
        let other = "/compat/talkdesk/interactions?account_id=globex";
        let (status, refusal) = bearer_get(&app, other, access).await;
        assert_eq!((status, refusal["code"].as_str()), (403, Some("forbidden")));
    }
}

async fn oauth_errors_say_what_is_wrong(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let wrong = token(
        &app,
        TALKDESK,
        Some((&id, "wrong")),
        "grant_type=client_credentials",
    )
    .await;
    let unknown = token(
        &app,
        TALKDESK,
        Some(("key_0000000000000000", &secret)),
        "grant_type=client_credentials",
    )
    .await;
    for (status, answer, challenge) in [&wrong, &unknown] {
        assert_eq!(*status, 401, "{answer}");
        assert_eq!(answer["error"], "invalid_client");
        assert!(challenge.as_deref().is_some_and(|c| c.starts_with("Basic")));
    }
    assert_eq!(
        wrong.1, unknown.1,
        "a wrong secret and an unknown key look the same"
    );
    let cases = [
        ("", 400, "invalid_request"),
        ("grant_type=password", 400, "unsupported_grant_type"),
        (
            "grant_type=client_credentials&scope=admin",
            400,
            "invalid_scope",
        ),
    ];
    for (form, expected, error) in cases {
        let (status, answer, _) = token(&app, TALKDESK, Some((&id, &secret)), form).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (expected, Some(error)),
            "{form}: {answer}"
        );
        assert!(answer["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()));
    }
    // Scope names Interlog does not know are ignored; known ones narrow the token.
    let form = "grant_type=client_credentials&scope=callback%3Awrite+interactions%3Aread";
    let (status, answer, _) = token(&app, TALKDESK, Some((&id, &secret)), form).await;
    assert_eq!(
        (status, answer["scope"].as_str()),
        (200, Some("interactions:read"))
    );
    let no_credentials = token(&app, TALKDESK, None, "grant_type=client_credentials").await;
    assert_eq!(
        (no_credentials.0, no_credentials.1["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

async fn vonage_tokens_read_the_account_of_their_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &a_call()).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let v0 = token(
        &app,
        "/compat/vonage/v0/oauth2/token",
        Some((&id, &secret)),
        "grant_type=client_credentials",
    )
    .await;
    let form = format!("grant_type=client_credentials&client_id={id}&client_secret={secret}");
    let connect = token(&app, "/compat/vonage/Auth/connect/token", None, &form).await;
    for (status, answer, _) in [v0, connect] {
        assert_eq!(status, 200, "{answer}");
        let access = answer["access_token"].as_str().unwrap();
        let latest = "/compat/vonage/v0/acme/agents/ann/latestInteractions";
        let (status, body) = bearer_get(&app, latest, access).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["interactions"][0]["guid"], "call-1", "{body}");
        // The account in the path must be the token's.
        let other = "/compat/vonage/v0/globex/agents/ann/latestInteractions";
        assert_eq!(bearer_get(&app, other, access).await.0, 403);
    }
    let (status, answer, _) = token(
        &app,
        "/compat/vonage/x0/oauth2/token",
        Some((&id, &secret)),
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(status, 404, "{answer}");
    assert!(answer["message"].is_string(), "Vonage's shape: {answer}");
}

async fn expired_tokens_are_refused_in_the_vendors_shape(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let expired = app.token_with(&["acme"], &[Scope::Read], -3600);
    let (status, body) = bearer_get(&app, "/compat/talkdesk/interactions", &expired).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    let latest = "/compat/vonage/v0/acme/agents/ann/latestInteractions";
    let (status, body) = bearer_get(&app, latest, &expired).await;
    assert_eq!(status, 401);
    assert_eq!(
        body["message"],
        "The access token is invalid or has expired"
    );
}

on_every_backend!(
    talkdesk_clients_get_a_bearer_token_three_ways,
    oauth_errors_say_what_is_wrong,
    vonage_tokens_read_the_account_of_their_key,
    expired_tokens_are_refused_in_the_vendors_shape,
);
