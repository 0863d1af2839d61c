//! `GET`/`PUT /api/v1/admin/tenants/{tenant}/settings`: defaults, merges, refusals, access.

mod common;

use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

use common::{error_body, TestApp};

/// A tenant's settings before any `PUT`.
fn defaults() -> Value {
    json!({"timeZone": "UTC", "slaThresholdSeconds": 20, "shortAbandonSeconds": 5, "retentionDays": 0, "redaction": "off", "redactionPatterns": [], "redactionCustomerFields": []})
}

fn path(tenant: &str) -> String {
    format!("/api/v1/admin/tenants/{tenant}/settings")
}

/// A bearer `Authorization` value for an admin of `tenant`.
fn admin(app: &TestApp, tenant: &str) -> String {
    format!("Bearer {}", app.token_with(&[tenant], &[Scope::Admin], 600))
}

async fn get(app: &TestApp, tenant: &str) -> Value {
    let response = app
        .send(Method::GET, &path(tenant), Some(&admin(app, tenant)), None)
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn put(app: &TestApp, tenant: &str, body: Value) -> reqwest::Response {
    app.send(
        Method::PUT,
        &path(tenant),
        Some(&admin(app, tenant)),
        Some(body),
    )
    .await
}

async fn first_get_answers_the_defaults(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(get(&app, "acme").await, defaults());
}

async fn a_partial_put_merges_into_the_stored_settings(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = put(&app, "acme", json!({"timeZone": "Europe/Paris"})).await;
    assert_eq!(response.status(), 200);
    let paris = json!({"timeZone": "Europe/Paris", "slaThresholdSeconds": 20, "shortAbandonSeconds": 5, "retentionDays": 0, "redaction": "off", "redactionPatterns": [], "redactionCustomerFields": []});
    assert_eq!(response.json::<Value>().await.unwrap(), paris);

    let response = put(
        &app,
        "acme",
        json!({"slaThresholdSeconds": 30, "shortAbandonSeconds": 0}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let merged = json!({"timeZone": "Europe/Paris", "slaThresholdSeconds": 30, "shortAbandonSeconds": 0, "retentionDays": 0, "redaction": "off", "redactionPatterns": [], "redactionCustomerFields": []});
    assert_eq!(response.json::<Value>().await.unwrap(), merged);
    assert_eq!(get(&app, "acme").await, merged, "stored");

    assert_eq!(put(&app, "acme", json!({})).await.status(), 200);
    assert_eq!(
        get(&app, "acme").await,
        merged,
        "an empty PUT changes nothing"
    );
    assert_eq!(
        get(&app, "globex").await,
        defaults(),
        "another tenant's stay"
    );
}

async fn invalid_values_are_400_naming_the_field_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let set = json!({"timeZone": "Asia/Tokyo", "slaThresholdSeconds": 15});
    assert_eq!(put(&app, "acme", set).await.status(), 200);
    let before = get(&app, "acme").await;
    for (body, field) in [
        (json!({"timeZone": "Mars/Olympus"}), "timeZone"),
        (
            json!({"shortAbandonSeconds": 1, "slaThreshold": 20}),
            "slaThreshold",
        ),
        (json!({"slaThresholdSeconds": -20}), "slaThresholdSeconds"),
        (json!({"slaThresholdSeconds": 0}), "slaThresholdSeconds"),
        (json!({"shortAbandonSeconds": -1}), "shortAbandonSeconds"),
        (json!({"timeZone": null}), "timeZone"),
    ] {
        let response = put(&app, "acme", body.clone()).await;
        let error = error_body(response, 400, "invalid_parameter").await;
        assert_eq!(error["fields"][0]["name"], field, "{body}: {error}");
    }
    let response = app
        .client
        .put(format!("{}{}", app.base, path("acme")))
        .header("authorization", admin(&app, "acme"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    error_body(response, 400, "bad_request").await;
    assert_eq!(get(&app, "acme").await, before, "nothing stored on error");
}

async fn only_the_tenants_admin_reads_or_changes_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let other_admin = admin(&app, "globex");
    let reader = format!(
        "Bearer {}",
        app.token_with(&["acme"], &[Scope::Read, Scope::Write], 600)
    );
    for authorization in [&other_admin, &reader] {
        let body = Some(json!({"timeZone": "Europe/Paris"}));
        let response = app
            .send(Method::PUT, &path("acme"), Some(authorization), body)
            .await;
        error_body(response, 403, "forbidden").await;
        let response = app
            .send(Method::GET, &path("acme"), Some(authorization), None)
            .await;
        error_body(response, 403, "forbidden").await;
    }
    assert_eq!(get(&app, "acme").await, defaults(), "nothing changed");
}

on_every_backend!(
    first_get_answers_the_defaults,
    a_partial_put_merges_into_the_stored_settings,
    invalid_values_are_400_naming_the_field_and_change_nothing,
    only_the_tenants_admin_reads_or_changes_them,
);
