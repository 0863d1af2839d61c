//! Redaction at ingest: under `redact`, a transcript's card number, security code, SSN,
//! e-mail address and phone number are stored as tokens (on SQLite the database files hold
//! none of them), served so by the native API and the dialects, and not found by a search;
//! look-alikes stay; a tenant with redaction off keeps what it sent.

mod common;

use common::sensitive::{chat, holds, put_settings, sqlite_bytes, LOOKALIKES, ORIGINALS, SAID};
use common::{error_body, event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

async fn text(app: &TestApp, path: &str, token: &str, headers: &[(&str, &str)]) -> String {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

async fn sensitive_data_is_stored_redacted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = put_settings(&app, "acme", json!({"redaction": "redact"})).await;
    assert_eq!(response.status(), 200);
    app.ingest("acme", &chat("c1")).await;
    app.ingest("plain", &chat("c1")).await;
    let token = app.token("acme");

    let record = app.record("acme", "c1").await;
    assert_eq!(
        record["messages"][0]["text"],
        "card [CARD ****1111], the cvv is [CVV], SSN [SSN], mail [EMAIL] or call [PHONE]"
    );
    assert_eq!(
        record["messages"][1]["text"], LOOKALIKES,
        "look-alikes stay"
    );
    assert_eq!(record["notes"][0]["text"], "customer gave [CARD ****1111]");
    assert_eq!(record["subject"], "refund to [EMAIL]");
    assert_eq!(record["attributes"]["iban"], "[IBAN]");

    let api = "/api/v1/tenants/acme";
    let served = [
        (format!("{api}/interactions/c1"), vec![]),
        (format!("{api}/interactions/c1/events"), vec![]),
        (format!("{api}/interactions?include=messages"), vec![]),
        (format!("{api}/export"), vec![]),
        (
            "/compat/cxengage/v1/tenants/acme/interactions/c1".to_string(),
            vec![],
        ),
        ("/compat/genesys-ucs/interactions/c1".to_string(), vec![]),
        (
            "/compat/xplatform/interact/agent/version/2/account/acme/interactiondata/c1/summary"
                .to_string(),
            vec![("tenant-id", "acme")],
        ),
    ];
    for (path, headers) in &served {
        let body = text(&app, path, &token, headers).await;
        for original in ORIGINALS {
            assert!(!body.contains(original), "{path} shows {original}: {body}");
        }
    }
    let found: Value = app
        .get(&format!("{api}/interactions?q=4111"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        found["items"],
        json!([]),
        "the index holds only the redacted text"
    );

    let plain = app.record("plain", "c1").await;
    assert_eq!(
        plain["messages"][0]["text"], SAID,
        "a tenant with redaction off keeps it"
    );
}

/// On SQLite, the database files of a redacting tenant hold none of the originals.
#[tokio::test]
async fn the_sqlite_files_hold_no_original() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    put_settings(&app, "acme", json!({"redaction": "redact"})).await;
    app.ingest("acme", &chat("c1")).await;
    let bytes = sqlite_bytes(&app);
    for original in ORIGINALS {
        assert!(!holds(&bytes, original), "the file holds {original}");
    }
    assert!(holds(&bytes, "[CARD ****1111]"), "the check sees the rows");
}

async fn redaction_settings_are_validated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (body, field) in [
        (json!({"redaction": "redact-everything"}), "redaction"),
        (
            json!({"redactionPatterns": [{"name": "member", "regex": "(unclosed"}]}),
            "redactionPatterns[0].regex",
        ),
        (
            json!({"redactionPatterns": [{"name": "Bad Name", "regex": "x"}]}),
            "redactionPatterns[0].name",
        ),
        (
            json!({"redactionPatterns": [{"name": "empty", "regex": "a*"}]}),
            "redactionPatterns[0].regex",
        ),
    ] {
        let body = error_body(
            put_settings(&app, "acme", body).await,
            400,
            "invalid_parameter",
        )
        .await;
        assert!(body.to_string().contains(field), "{field}: {body}");
    }
    let own = json!({"redaction": "redact", "redactionPatterns": [{"name": "member", "regex": "MBR-\\d{6}"}]});
    assert_eq!(put_settings(&app, "acme", own).await.status(), 200);
    let events = json!([event(
        "m1",
        "interaction-started",
        "m",
        "2026-11-02T10:00:00Z",
        json!({"channelType": "chat", "direction": "inbound", "subject": "member MBR-123456"})
    )]);
    app.ingest("acme", &events).await;
    assert_eq!(app.record("acme", "m").await["subject"], "member [MEMBER]");
}

/// The server redacts under the settings it last read, and checks them in each append's
/// transaction: turned on from another process (`interlog tenants` on the same database),
/// redaction applies to the very next append.
async fn a_change_from_another_process_applies_to_the_next_append(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &chat("before")).await;
    assert_eq!(
        app.record("acme", "before").await["messages"][0]["text"],
        SAID
    );

    let other = interlog_store::open(&app.database_url(), &Default::default())
        .await
        .unwrap();
    let tenant = interlog_core::TenantId::parse("acme").unwrap();
    let settings =
        interlog_core::settings::TenantSettings::from_json(json!({"redaction": "redact"})).unwrap();
    other.put_tenant_settings(&tenant, &settings).await.unwrap();

    app.ingest("acme", &chat("after")).await;
    let text = app.record("acme", "after").await["messages"][0]["text"].clone();
    assert!(text.as_str().unwrap().contains("[CARD ****1111]"), "{text}");
    for original in ORIGINALS {
        assert!(
            !text.to_string().contains(original),
            "stored {original}: {text}"
        );
    }
}

on_every_backend!(
    sensitive_data_is_stored_redacted,
    redaction_settings_are_validated,
    a_change_from_another_process_applies_to_the_next_append
);
