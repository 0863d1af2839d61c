//! Authentication and tenant isolation over HTTP.

mod common;

use interlog_store::sql::Backend;

use common::{error_body, worked_example, TestApp, WORKED_EXAMPLE_ID};
use interlog_core::TenantId;
use interlog_server::auth::{JwtKeys, JwtSecret, Scope, TokenSpec};

async fn no_token_is_401_and_says_how_to_authenticate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .get(
            &format!("/api/v1/tenants/acme/interactions/{WORKED_EXAMPLE_ID}"),
            None,
        )
        .await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body = error_body(response, 401, "unauthorized").await;
    assert!(body["message"].as_str().unwrap().contains("Bearer"));

    let basic = app
        .client
        .get(format!("{}/api/v1/tenants/acme/interactions/x", app.base))
        .basic_auth("user", Some("pass"))
        .send()
        .await
        .unwrap();
    error_body(basic, 401, "unauthorized").await;
}

async fn expired_and_forged_tokens_are_401_with_the_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let path = format!("/api/v1/tenants/acme/interactions/{WORKED_EXAMPLE_ID}");
    let expired = app.token_with(&["acme"], &[Scope::Read], -3600);
    let body = error_body(app.get(&path, Some(&expired)).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );

    let forger = JwtKeys::new(&JwtSecret::new("not-the-server-secret"));
    let forged = forger.issue(&TokenSpec {
        subject: "mallory".into(),
        tenants: vec![TenantId::parse("acme").unwrap()],
        scopes: vec![Scope::Read],
        ttl_seconds: 600,
    });
    let body = error_body(app.get(&path, Some(&forged)).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("signature"),
        "{body}"
    );

    let body = error_body(app.get(&path, Some("garbage")).await, 401, "unauthorized").await;
    assert!(
        body["message"].as_str().unwrap().contains("malformed"),
        "{body}"
    );
}

async fn another_tenants_route_is_403_and_its_data_is_invisible(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let globex = app.token("globex");

    // Naming acme with globex's token: forbidden, without saying whether acme exists.
    let response = app
        .get_interaction("acme", WORKED_EXAMPLE_ID, &globex)
        .await;
    error_body(response, 403, "forbidden").await;
    let response = app
        .get_interaction("no-such-tenant", WORKED_EXAMPLE_ID, &globex)
        .await;
    error_body(response, 403, "forbidden").await;
    let response = app.post_events("acme", &globex, &worked_example()).await;
    error_body(response, 403, "forbidden").await;

    // Under globex's own route, acme's interaction is indistinguishable from a missing one.
    let theirs = app
        .get_interaction("globex", WORKED_EXAMPLE_ID, &globex)
        .await;
    let missing = app
        .get_interaction("globex", "never-existed", &globex)
        .await;
    assert_eq!(theirs.status(), 404);
    assert_eq!(missing.status(), 404);
    let theirs: serde_json::Value = theirs.json().await.unwrap();
    assert_eq!(theirs["code"], "not_found");
}

async fn scopes_gate_reading_and_writing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reader = app.token_with(&["acme"], &[Scope::Read], 600);
    let body = error_body(
        app.post_events("acme", &reader, &worked_example()).await,
        403,
        "forbidden",
    )
    .await;
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("interactions:write"));

    let writer = app.token_with(&["acme"], &[Scope::Write], 600);
    assert_eq!(
        app.post_events("acme", &writer, &worked_example())
            .await
            .status(),
        200
    );
    let response = app
        .get_interaction("acme", WORKED_EXAMPLE_ID, &writer)
        .await;
    error_body(response, 403, "forbidden").await;
    assert_eq!(
        app.get_interaction("acme", WORKED_EXAMPLE_ID, &reader)
            .await
            .status(),
        200
    );

    let both_tenants = app.token_with(&["acme", "globex"], &[Scope::Read], 600);
    assert_eq!(
        app.get_interaction("acme", WORKED_EXAMPLE_ID, &both_tenants)
            .await
            .status(),
        200
    );
}

on_every_backend!(
    no_token_is_401_and_says_how_to_authenticate,
    expired_and_forged_tokens_are_401_with_the_reason,
    another_tenants_route_is_403_and_its_data_is_invisible,
    scopes_gate_reading_and_writing,
);
