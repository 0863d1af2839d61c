//! `redact-and-keep-original`: the redacted form is stored and served; each changed event's
//! original (but its security codes) is kept sealed (on SQLite the files hold none of them in clear) and shown only
//! with `?reveal=true` and the `interactions:reveal` scope, which the audit trail marks;
//! erasure takes the originals too.

mod common;

use std::time::{Duration, Instant};

use common::sensitive::{chat, holds, put_settings, sqlite_bytes, LOOKALIKES, ORIGINALS, SAID};
use common::{error_body, event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::originals::OriginalsKey;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const RECORD: &str = "/api/v1/tenants/acme/interactions";
const REVEAL_ACTION: &str = "GET /api/v1/tenants/:tenant/interactions/:interactionId?reveal=true";

/// A call from a customer known by id, name and number.
fn call() -> Value {
    json!([event(
        "v1-1",
        "interaction-started",
        "v1",
        "2026-11-02T11:00:00Z",
        json!({"channelType": "voice", "direction": "inbound",
            "customer": {"id": "cust-7", "name": "Jane Roe", "address": "+15559990007"}})
    )])
}

async fn json_at(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// The audit entries of reveals of `interaction`, once `count` are stored.
async fn reveal_entries(app: &TestApp, interaction: &str, count: usize) -> Vec<Value> {
    let admin = app.token_with(&["acme"], &[Scope::Admin], 600);
    let path = format!("/api/v1/tenants/acme/audit?interaction={interaction}&limit=1000");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = json_at(app, &path, &admin).await;
        let reveals: Vec<Value> = (page["items"].as_array().unwrap().iter())
            .filter(|e| e["action"] == REVEAL_ACTION)
            .cloned()
            .collect();
        if reveals.len() >= count {
            return reveals;
        }
        assert!(Instant::now() < deadline, "reveal entries missing: {page}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn originals_are_revealed_only_with_the_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let policy =
        json!({"redaction": "redact-and-keep-original", "redactionCustomerFields": ["name"]});
    assert_eq!(put_settings(&app, "acme", policy).await.status(), 200);
    app.ingest("acme", &chat("c1")).await;
    app.ingest("acme", &call()).await;
    let read = app.token("acme");
    let revealer = app.token_with(&["acme"], &[Scope::Read, Scope::Reveal], 600);
    let admin = app.token_with(&["acme"], &[Scope::Read, Scope::Admin], 600);

    let stored = json_at(&app, &format!("{RECORD}/c1"), &revealer).await;
    let said = "card [CARD ****1111], the cvv is [CVV], SSN [SSN], mail [EMAIL] or call [PHONE]";
    assert_eq!(
        stored["messages"][0]["text"], said,
        "served redacted by default"
    );
    for token in [&read, &admin] {
        let refused = app
            .get(&format!("{RECORD}/c1?reveal=true"), Some(token))
            .await;
        let body = error_body(refused, 403, "forbidden").await;
        assert!(body.to_string().contains("interactions:reveal"), "{body}");
    }

    let revealed = json_at(&app, &format!("{RECORD}/c1?reveal=true"), &revealer).await;
    let kept = SAID.replace("737", "[CVV]");
    assert_eq!(
        revealed["messages"][0]["text"], kept,
        "all but the security code, which is never kept (PCI DSS 3.3.1)"
    );
    assert_eq!(revealed["messages"][1]["text"], LOOKALIKES);
    assert_eq!(
        revealed["notes"][0]["text"],
        "customer gave 4111-1111-1111-1111"
    );
    assert_eq!(revealed["subject"], "refund to jane.roe@example.com");
    assert_eq!(
        revealed["attributes"]["iban"],
        "FR1420041010050500013M02606"
    );
    assert_eq!(revealed["statistics"], stored["statistics"]);
    let events = json_at(&app, &format!("{RECORD}/c1/events?reveal=true"), &revealer).await;
    assert_eq!(events[1]["text"], kept, "{events}");

    let call = json_at(&app, &format!("{RECORD}/v1"), &read).await;
    assert_eq!(
        call["customer"]["name"], "[NAME]",
        "the policy names the name"
    );
    assert_eq!(call["customer"]["id"], "cust-7", "the id stays");
    let call = json_at(&app, &format!("{RECORD}/v1?reveal=true"), &revealer).await;
    assert_eq!(call["customer"]["name"], "Jane Roe");

    for (query, parameter) in [("reveal=yes", "reveal"), ("colour=red", "colour")] {
        let response = app
            .get(&format!("{RECORD}/c1?{query}"), Some(&revealer))
            .await;
        let body = error_body(response, 400, "invalid_parameter").await;
        assert!(body.to_string().contains(parameter), "{body}");
    }
    let found = json_at(&app, &format!("{RECORD}?q=4111"), &revealer).await;
    assert_eq!(
        found["items"],
        json!([]),
        "the index holds only the redacted text"
    );

    let entries = reveal_entries(&app, "c1", 3).await;
    let statuses: Vec<&Value> = entries.iter().map(|e| &e["status"]).collect();
    assert!(statuses.contains(&&json!(200)) && statuses.contains(&&json!(403)));

    if backend == Backend::Sqlite {
        let bytes = sqlite_bytes(&app);
        for original in ORIGINALS.iter().chain(&["Jane Roe"]) {
            assert!(
                !holds(&bytes, original),
                "the files hold {original} in clear"
            );
        }
        let key = OriginalsKey::load(app.data_dir(), None).unwrap();
        let sealed = format!("v1.{}.", key.id());
        assert!(holds(&bytes, &sealed), "the sealed originals are there");
    }

    let erase = "/api/v1/tenants/acme/customers/cust-7";
    let erase_token = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let erased = app
        .send(Method::DELETE, erase, Some(&erase_token), None)
        .await;
    assert_eq!(erased.status(), 200);
    let gone = app
        .get(&format!("{RECORD}/v1?reveal=true"), Some(&revealer))
        .await;
    assert_eq!(
        gone.status(),
        404,
        "erasure takes the originals with the events"
    );
}

/// Where nothing was kept, the revealed record is the stored one: both come from the one
/// projection.
async fn revealing_what_was_not_redacted_gives_the_stored_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("plain", &chat("c1")).await;
    app.ingest("plain", &call()).await;
    let revealer = app.token_with(&["plain"], &[Scope::Read, Scope::Reveal], 600);
    for id in ["c1", "v1"] {
        let path = format!("/api/v1/tenants/plain/interactions/{id}");
        let stored = json_at(&app, &path, &revealer).await;
        let revealed = json_at(&app, &format!("{path}?reveal=true"), &revealer).await;
        assert_eq!(revealed, stored, "{id}");
    }
    let missing = "/api/v1/tenants/plain/interactions/nope?reveal=true";
    assert_eq!(app.get(missing, Some(&revealer)).await.status(), 404);
}

on_every_backend!(
    originals_are_revealed_only_with_the_scope,
    revealing_what_was_not_redacted_gives_the_stored_record
);
