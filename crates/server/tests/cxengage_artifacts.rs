//! CxEngage's artifacts and notes over HTTP, on both backends: a call's recording,
//! transcript and uploaded photo as artifacts (the photo's bytes behind its file's URL), its
//! notes with and without their text, misses in CxEngage's error shape, and tenancy.

mod common;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const CALL: &str = "/compat/cxengage/v1/tenants/acme/interactions/x1";

fn at(s: &str) -> String {
    format!("2024-06-03T14:{s}Z")
}

/// x1: a recorded call with two messages and two notes, and an uploaded photo.
fn call() -> Value {
    let steps = [
        (
            "interaction-started",
            "00:00.000",
            json!({"channelType": "voice", "direction": "inbound"}),
        ),
        (
            "message",
            "00:10.000",
            json!({"participant": "customer", "text": "my card"}),
        ),
        (
            "message",
            "00:12.000",
            json!({"participant": "agent", "text": "send a photo"}),
        ),
        (
            "recording-added",
            "00:01.000",
            json!({"url": "https://rec.example/x1.wav", "duration": 59}),
        ),
        ("interaction-ended", "01:00.000", json!({})),
        (
            "note-added",
            "01:10.000",
            json!({"noteId": "n1", "text": "card blocked", "agentId": "ann"}),
        ),
        (
            "note-added",
            "01:20.000",
            json!({"noteId": "n2", "text": "called back"}),
        ),
    ];
    (1..)
        .zip(steps)
        .map(|(n, (kind, time, fields))| event(&n.to_string(), kind, "x1", &at(time), fields))
        .collect()
}

async fn spawn(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &call()).await;
    let put = app
        .client
        .put(format!(
            "{}/api/v1/tenants/acme/interactions/x1/content/photo-1?kind=photo&name=card.png",
            app.base
        ))
        .bearer_auth(app.token("acme"))
        .header("content-type", "image/png")
        .body(b"PNG".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    app
}

/// Status and JSON body of a GET with `tenant`'s token.
async fn get(app: &TestApp, path: &str, tenant: &str) -> (u16, Value) {
    let response = app.get(path, Some(&app.token(tenant))).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn artifacts_list_and_serve_recordings_transcripts_and_binaries(backend: Backend) {
    let app = spawn(backend).await;
    let (status, list) = get(&app, &format!("{CALL}/artifacts"), "acme").await;
    assert_eq!(status, 200);
    let kinds: Vec<(Value, Value)> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["artifactId"].clone(), a["artifactType"].clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (json!("recording-0"), json!("audio-recording")),
            (json!("messaging-transcript"), json!("messaging-transcript")),
            (json!("content-photo-1"), json!("attachment")),
        ]
    );
    assert_eq!(list["total"], json!(3));

    let (_, recording) = get(&app, &format!("{CALL}/artifacts/recording-0"), "acme").await;
    assert_eq!(recording["files"][0]["url"], "https://rec.example/x1.wav");
    assert_eq!(recording["files"][0]["duration"], json!(59));
    let (_, transcript) = get(
        &app,
        &format!("{CALL}/artifacts/messaging-transcript"),
        "acme",
    )
    .await;
    let texts: Vec<&Value> = transcript["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["text"])
        .collect();
    assert_eq!(texts, [&json!("my card"), &json!("send a photo")]);
    let (status, photo) = get(&app, &format!("{CALL}/artifacts/content-photo-1"), "acme").await;
    assert_eq!(status, 200);
    let file = &photo["files"][0];
    assert_eq!(
        (&file["filename"], &file["contentType"], &file["size"]),
        (&json!("card.png"), &json!("image/png"), &json!(3))
    );
    // The file's URL serves the bytes, with the same credential.
    let bytes = app
        .client
        .get(file["url"].as_str().unwrap())
        .bearer_auth(app.token("acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.status(), 200);
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), b"PNG");
}

async fn notes_carry_their_text_when_contents_is_true(backend: Backend) {
    let app = spawn(backend).await;
    let (status, notes) = get(&app, &format!("{CALL}/notes?contents=true"), "acme").await;
    assert_eq!(status, 200);
    assert_eq!(
        notes["results"],
        json!([
            {"noteId": "n1", "text": "card blocked", "agentId": "ann", "timestamp": at("01:10.000")},
            {"noteId": "n2", "text": "called back", "timestamp": at("01:20.000")},
        ])
    );
    let (_, bare) = get(&app, &format!("{CALL}/notes"), "acme").await;
    assert_eq!(
        bare["results"],
        json!([
            {"noteId": "n1", "agentId": "ann", "timestamp": at("01:10.000")},
            {"noteId": "n2", "timestamp": at("01:20.000")},
        ])
    );
    assert_eq!(bare["total"], json!(2));
}

async fn misses_and_other_tenants_are_refused_in_cxengage_shape(backend: Backend) {
    let app = spawn(backend).await;
    let missing = "/compat/cxengage/v1/tenants/acme/interactions/nope";
    for path in [
        format!("{missing}/artifacts"),
        format!("{missing}/artifacts/recording-0"),
        format!("{missing}/notes?contents=true"),
        format!("{CALL}/artifacts/recording-1"),
        format!("{CALL}/artifacts/content-nope"),
    ] {
        let (status, body) = get(&app, &path, "acme").await;
        assert_eq!(
            (status, &body["code"], &body["error"]),
            (404, &json!(404), &json!("Not Found")),
            "{path}"
        );
    }
    for path in [
        format!("{CALL}/artifacts"),
        format!("{CALL}/artifacts/recording-0"),
        format!("{CALL}/notes?contents=true"),
    ] {
        let (status, body) = get(&app, &path, "other").await;
        assert_eq!((status, &body["code"]), (403, &json!(403)), "{path}");
        let theirs = path.replace("/tenants/acme/", "/tenants/other/");
        assert_eq!(get(&app, &theirs, "other").await.0, 404, "{theirs}");
    }
}

on_every_backend!(
    artifacts_list_and_serve_recordings_transcripts_and_binaries,
    notes_carry_their_text_when_contents_is_true,
    misses_and_other_tenants_are_refused_in_cxengage_shape,
);
