//! Amazon Connect contact records posted live (a relay of the contact-record stream): the
//! documented records become interactions whose statistics the projection derives; a
//! contact's updates arriving in any order leave the newest; a Firehose-shaped body is
//! decoded; a bad record is refused by index and field while the others are stored.

mod common;

use base64::Engine;
use common::TestApp;
use interlog_store::sql::Backend;
use serde_json::{json, Value};

const FIXTURE: &str = include_str!("../../../examples/imports/amazon-connect.ndjson");
const ANSWERED: &str = "6f2b1c3d-0001-4a5b-8c9d-0e1f2a3b4c5d";

async fn post(app: &TestApp, content_type: &str, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .client
        .post(format!(
            "{}/api/v1/tenants/acme/import/amazon-connect",
            app.base
        ))
        .bearer_auth(app.token("acme"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn lines() -> Vec<&'static str> {
    FIXTURE.lines().collect()
}

async fn contact_records_are_imported_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, answer) = post(&app, "application/x-ndjson", FIXTURE.as_bytes().to_vec()).await;
    assert_eq!((status, &answer["accepted"]), (200, &json!(6)), "{answer}");
    let record = app.record("acme", ANSWERED).await;
    assert_eq!(
        record["agents"][0]["handleTime"], 425,
        "the newest update: {record}"
    );
    assert_eq!(record["statistics"]["queueTime"], 15);
    assert_eq!(record["endReason"], "CUSTOMER_DISCONNECT");

    // The earlier update again, alone: a duplicate; the newest still wins.
    let earlier = lines()[3].as_bytes().to_vec();
    let (_, again) = post(&app, "application/x-ndjson", earlier).await;
    assert_eq!(
        (&again["accepted"], &again["duplicates"]),
        (&json!(0), &json!(1))
    );
    let record = app.record("acme", ANSWERED).await;
    assert_eq!(record["agents"][0]["handleTime"], 425);

    // A Firehose delivery request, two records concatenated in one `data`.
    let data =
        base64::engine::general_purpose::STANDARD.encode(format!("{}{}", lines()[1], lines()[4]));
    let firehose =
        json!({"requestId": "r-1", "timestamp": 1764406800000u64, "records": [{"data": data}]});
    let (status, answer) = post(&app, "application/json", firehose.to_string().into_bytes()).await;
    assert_eq!(
        (status, &answer["duplicates"]),
        (200, &json!(2)),
        "{answer}"
    );

    // One bad record among good ones: refused by index and field, the rest stored.
    let mut bad: Value = serde_json::from_str(lines()[2]).unwrap();
    bad["Channel"] = json!("FAX");
    let mut fresh: Value = serde_json::from_str(lines()[5]).unwrap();
    fresh["ContactId"] = json!("b0000000-0006-4000-8000-000000000006");
    let (status, answer) = post(
        &app,
        "application/json",
        json!([fresh, bad]).to_string().into_bytes(),
    )
    .await;
    assert_eq!((status, &answer["accepted"]), (200, &json!(1)), "{answer}");
    assert_eq!(answer["rejected"][0]["index"], 1);
    assert_eq!(answer["rejected"][0]["field"], "Channel");
    let (status, _) = post(
        &app,
        "application/json",
        json!([bad]).to_string().into_bytes(),
    )
    .await;
    assert_eq!(status, 422, "nothing stored");

    let reader = app.token_with(&["acme"], &[interlog_server::auth::Scope::Read], 600);
    let response = app
        .client
        .post(format!(
            "{}/api/v1/tenants/acme/import/amazon-connect",
            app.base
        ))
        .bearer_auth(reader)
        .body(FIXTURE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "the write scope");
}

on_every_backend!(contact_records_are_imported_newest_first);
