//! Binary content over HTTP: stored with its type and etag within the size limit, served
//! back, listed on the record, and refused in the error shape; on both backends.

mod common;

use common::fixtures::small_tenant;
use common::{error_body, event, TestApp};
use interlog_store::sql::Backend;
use serde_json::json;

const LIMIT: usize = 64 * 1024;
const PHOTO: &str = "/api/v1/tenants/acme/interactions/s1/content/photo-1";

/// The small tenant on a server that takes content up to `LIMIT` bytes.
async fn spawn(backend: Backend) -> TestApp {
    let app = TestApp::spawn_with(backend, |config| config.max_content_bytes = LIMIT).await;
    app.ingest("acme", &small_tenant()).await;
    app
}

/// Puts `body` as s1's photo-1, typed image/png.
async fn put_photo(app: &TestApp, body: Vec<u8>) -> reqwest::Response {
    app.client
        .put(format!("{}{PHOTO}?kind=photo&name=card.png", app.base))
        .bearer_auth(app.token("acme"))
        .header("content-type", "image/png")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn content_round_trips_with_its_type_and_etag_within_the_limit(backend: Backend) {
    let app = spawn(backend).await;
    let token = app.token("acme");
    let png: Vec<u8> = (0..40_000u32).map(|n| (n % 251) as u8).collect();
    let created = put_photo(&app, png.clone()).await;
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        put_photo(&app, png.clone()).await.status(),
        200,
        "the same bytes again are a duplicate"
    );

    let got = app.get(PHOTO, Some(&token)).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(got.bytes().await.unwrap().to_vec(), png);
    let cached = app
        .client
        .get(format!("{}{PHOTO}", app.base))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    let record = app.record("acme", "s1").await;
    let binary = &record["content"]["binaries"][0];
    assert_eq!(
        (
            binary["contentId"].clone(),
            binary["kind"].clone(),
            binary["size"].clone()
        ),
        (json!("photo-1"), json!("photo"), json!(40_000))
    );
    assert_eq!(format!("\"{}\"", binary["sha256"].as_str().unwrap()), etag);
}

async fn content_too_big_untyped_or_absent_is_refused(backend: Backend) {
    let app = spawn(backend).await;
    let token = app.token("acme");
    let too_big = put_photo(&app, vec![0u8; LIMIT + 1]).await;
    error_body(too_big, 413, "payload_too_large").await;
    let untyped = app
        .client
        .put(format!("{}{PHOTO}?kind=photo&name=card.png", app.base))
        .bearer_auth(&token)
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    error_body(untyped, 415, "unsupported_media_type").await;
    let missing = app
        .get(
            "/api/v1/tenants/acme/interactions/s1/content/nothing",
            Some(&token),
        )
        .await;
    error_body(missing, 404, "not_found").await;
    let theirs = app
        .get(
            "/api/v1/tenants/globex/interactions/s1/content/photo-1",
            Some(&app.token("globex")),
        )
        .await;
    error_body(theirs, 404, "not_found").await;
}

async fn inline_binary_content_is_served_too(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest(
        "acme",
        &json!([event(
            "p",
            "content-added",
            "x1",
            "2024-05-01T10:00:00Z",
            json!({"contentId": "sig", "mime": "image/gif", "data": "R0lGODlh"})
        )]),
    )
    .await;
    let got = app
        .get(
            "/api/v1/tenants/acme/interactions/x1/content/sig",
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(got.headers()["content-type"], "image/gif");
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"GIF89a");
}

on_every_backend!(
    content_round_trips_with_its_type_and_etag_within_the_limit,
    content_too_big_untyped_or_absent_is_refused,
    inline_binary_content_is_served_too,
);
