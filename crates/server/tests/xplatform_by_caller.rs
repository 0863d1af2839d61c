//! The X-Platform history routes by caller attribute (`.../byCallerAttribute`): the narrow
//! search by history search id, the wider one over every caller key (latest interaction
//! wins), the same documents as the by-uid routes, and the documented errors.

mod common;

use common::xplatform::{session, Client, AGENT};
use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

/// vivr-1 (the shared session: DTMF 4567, call return 2121234567) with history search id
/// hs-77, and vivr-2, an hour later, whose click-to-call caller id is vivr-1's call-return
/// number.
async fn spawn(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &session()).await;
    let later = json!([
        event(
            "h1",
            "caller-keys-set",
            "vivr-1",
            "2024-07-01T12:00:40Z",
            json!({"callerKeys": {"historySearchId": "hs-77"}})
        ),
        event(
            "w1",
            "interaction-started",
            "vivr-2",
            "2024-07-01T13:00:00Z",
            json!({"channelType": "messaging", "direction": "inbound",
            "callerKeys": {"clickToCallCallerId": "2121234567"}})
        ),
    ]);
    app.ingest("acme", &later).await;
    app
}

fn data(attr: &str, document: &str, query: &str) -> String {
    format!("{AGENT}/interactiondata/{attr}/{document}/byCallerAttribute{query}")
}

async fn the_history_search_id_finds_the_documents_the_unique_id_does(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
    for document in ["fullFlow", "summary", "variableSet/customerInfoSet"] {
        let by_uid = client
            .json(&format!("{AGENT}/interactiondata/vivr-1/{document}"))
            .await;
        assert!(by_uid.as_array().is_none_or(|pages| !pages.is_empty()));
        for query in ["", "?widerSearch=false", "?widerSearch=true"] {
            let path = data("hs-77", document, query);
            assert_eq!(client.json(&path).await, by_uid, "{path}");
        }
    }
    // The version as a bare number too.
    let numeric = "/compat/xplatform/interact/agent/version/1/account/acme";
    let path = format!("{numeric}/interactiondata/hs-77/summary/byCallerAttribute");
    assert_eq!(client.json(&path).await.as_array().unwrap().len(), 3);
}

async fn a_wider_search_matches_every_caller_key_and_the_latest_wins(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
    let flow_of = |uid: &str| format!("{AGENT}/interactiondata/{uid}/fullFlow");
    let vivr_1 = client.json(&flow_of("vivr-1")).await;
    let vivr_2 = client.json(&flow_of("vivr-2")).await;
    assert_ne!(vivr_1, vivr_2);

    let wider = |attr: &str| data(attr, "fullFlow", "?widerSearch=true");
    assert_eq!(client.json(&wider("4567")).await, vivr_1, "by DTMF");
    assert_eq!(
        client.json(&wider("2121234567")).await,
        vivr_2,
        "vivr-1's call return and vivr-2's click-to-call: the later one"
    );
    // The DNIS phone allocated to the session is a caller key too.
    assert_eq!(client.create_phone("2111234567", "4568").await, 200);
    assert_eq!(
        client.allocate("vivr-1").await,
        (200, "2111234567".to_string())
    );
    assert_eq!(client.json(&wider("2111234567")).await, vivr_1, "by number");
    assert_eq!(client.json(&wider("4568")).await, vivr_1, "by DNID");
    let (status, _) = client.text(&data("4568", "fullFlow", "")).await;
    assert_eq!(status, 404, "a DNID is not a history search id");
    assert_eq!(
        client
            .json(&data("4567", "summary", "?widerSearch=TRUE"))
            .await,
        client
            .json(&format!("{AGENT}/interactiondata/vivr-1/summary"))
            .await
    );
}

async fn misses_and_bad_parameters_answer_in_plain_text(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
    let (status, text) = client.text(&data("4567", "fullFlow", "")).await;
    assert_eq!(
        (status, text.as_str()),
        (404, "No interaction was found for historySearchId 4567"),
        "a DTMF code is not a history search id"
    );
    for document in ["fullFlow", "summary", "variableSet/customerInfoSet"] {
        let (status, text) = client
            .text(&data("0000", document, "?widerSearch=true"))
            .await;
        assert_eq!(status, 404, "{document}");
        assert_eq!(text, "No interaction was found for caller attribute 0000");
    }
    assert_eq!(
        client
            .text(&data("hs-77", "variableSet/unknownSet", ""))
            .await,
        (404, "Variable set unknownSet was not found".to_string())
    );
    assert_eq!(
        client
            .text(&data("hs-77", "summary", "?widerSearch=maybe"))
            .await,
        (400, "missing or invalid parameter widerSearch".to_string())
    );
    let (status, _) = client
        .text("/compat/xplatform/interact/agent/version/x2/account/acme/interactiondata/hs-77/fullFlow/byCallerAttribute")
        .await;
    assert_eq!(status, 404, "an unknown version");
}

async fn the_credentials_and_the_tenant_are_checked(backend: Backend) {
    let app = spawn(backend).await;
    let (_, other_secret) = app.create_key("globex", &["interactions:read"]).await;
    for document in ["fullFlow", "summary", "variableSet/customerInfoSet"] {
        let path = data("4567", document, "?widerSearch=true");
        let send = |tenant: Option<&str>, key: Option<&str>| {
            let mut request = app.client.get(format!("{}{path}", app.base));
            if let Some(tenant) = tenant {
                request = request.header("Tenant-Id", tenant);
            }
            if let Some(key) = key {
                request = request.header("Application-Key", key);
            }
            request.send()
        };
        let anonymous = send(Some("acme"), None).await.unwrap();
        assert_eq!(anonymous.status(), 401, "{path}");
        assert!(anonymous.headers().contains_key("unauthenticated-reason"));
        let body: Value = anonymous.json().await.unwrap();
        assert_eq!(body["code"], "0x7000000");
        let wrong = send(Some("acme"), Some("not-a-secret")).await.unwrap();
        assert_eq!(wrong.status(), 401, "{path}");
        let foreign = send(Some("acme"), Some(&other_secret)).await.unwrap();
        assert_eq!(foreign.status(), 403, "globex's key for acme: {path}");
        let text = foreign.text().await.unwrap();
        assert!(!text.is_empty() && !text.contains("Jane"), "{text}");
        let mismatch = send(Some("globex"), Some(&other_secret)).await.unwrap();
        assert_eq!(mismatch.status(), 403, "Tenant-Id globex, account acme");
    }
}

on_every_backend!(
    the_history_search_id_finds_the_documents_the_unique_id_does,
    a_wider_search_matches_every_caller_key_and_the_latest_wins,
    misses_and_bad_parameters_answer_in_plain_text,
    the_credentials_and_the_tenant_are_checked,
);
