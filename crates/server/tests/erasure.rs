//! Erasure on request: a customer's interactions (by id, and those known only by their
//! address) leave every route, the search index, the reports and, on SQLite, every byte of
//! the database file; other customers stay; the receipt names no one.

mod common;

use common::sensitive::{holds, sqlite_bytes};
use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const ADDRESS: &str = "+15559990001";
/// Words only in the erased customer's transcript, note and content.
const SECRET_WORD: &str = "zanzibarquokka";
const CONTENT: &str = "quokkacontentbytes";

fn calls() -> Value {
    let voice = |customer: Value| json!({"channelType": "voice", "direction": "inbound", "customer": customer});
    let at = |s: &str| format!("2026-11-02T10:00:{s}Z");
    json!([
        event(
            "e1",
            "interaction-started",
            "gone-1",
            &at("00"),
            voice(json!({"id": "cust-gone", "name": "Gina Gone", "address": ADDRESS}))
        ),
        event(
            "e2",
            "message",
            "gone-1",
            &at("01"),
            json!({"participant": "customer", "text": format!("my code word is {SECRET_WORD}")})
        ),
        event(
            "e3",
            "note-added",
            "gone-1",
            &at("02"),
            json!({"text": format!("said {SECRET_WORD} twice")})
        ),
        event(
            "e4",
            "content-added",
            "gone-1",
            &at("03"),
            json!({"contentId": "c1", "kind": "attachment", "mime": "text/plain", "data": base64(CONTENT)})
        ),
        event("e5", "interaction-ended", "gone-1", &at("04"), json!({})),
        // The same person on another call, known only by their number.
        event(
            "e6",
            "interaction-started",
            "gone-2",
            &at("10"),
            voice(json!({"address": ADDRESS}))
        ),
        event(
            "e7",
            "message",
            "gone-2",
            &at("11"),
            json!({"participant": "customer", "text": "call me back"})
        ),
        event(
            "k1",
            "interaction-started",
            "kept-1",
            &at("20"),
            voice(json!({"id": "cust-kept", "address": "+15550000002"}))
        ),
        event(
            "k2",
            "message",
            "kept-1",
            &at("21"),
            json!({"participant": "customer", "text": "keepsakeword please"})
        ),
        event("k3", "interaction-ended", "kept-1", &at("22"), json!({})),
    ])
}

fn base64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

async fn json(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let response = app.get(path, Some(token)).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A DELETE with a bearer token.
async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    let bearer = format!("Bearer {token}");
    app.send(Method::DELETE, path, Some(&bearer), None).await
}

/// Every byte of the SQLite files in the data directory.
async fn a_customer_is_erased_everywhere(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &calls()).await;
    let read = app.token("acme");
    let admin = app.token_with(&["acme"], &[Scope::Admin], 600);
    let api = "/api/v1/tenants/acme";
    let (_, found) = json(&app, &format!("{api}/interactions?q={SECRET_WORD}"), &read).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    if backend == Backend::Sqlite {
        assert!(
            holds(&sqlite_bytes(&app), SECRET_WORD),
            "the check can see the bytes"
        );
    }

    // Only an admin of the tenant may erase.
    let erase = format!("{api}/customers/cust-gone");
    let denied = delete(&app, &erase, &read).await;
    assert_eq!(denied.status(), 403);
    let other = app.token_with(&["other"], &[Scope::Admin], 600);
    let denied = delete(&app, &erase, &other).await;
    assert_eq!(denied.status(), 403);
    let response = delete(&app, &erase, &admin).await;
    assert_eq!(response.status(), 200);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(
        (receipt["interactions"].as_u64(), receipt["events"].as_u64()),
        (Some(2), Some(7))
    );
    assert!(!receipt.to_string().contains("cust-gone") && !receipt.to_string().contains(ADDRESS));

    for id in ["gone-1", "gone-2"] {
        assert_eq!(app.get_interaction("acme", id, &read).await.status(), 404);
        let (status, _) = json(&app, &format!("{api}/interactions/{id}/events"), &read).await;
        assert_eq!(status, 404, "{id}'s events");
    }
    let (status, _) = json(
        &app,
        &format!("{api}/interactions/gone-1/content/c1"),
        &read,
    )
    .await;
    assert_eq!(status, 404, "content bytes");
    for customer in ["cust-gone", ADDRESS] {
        let (_, history) = json(
            &app,
            &format!("{api}/customers/{customer}/interactions"),
            &read,
        )
        .await;
        assert_eq!(history["items"], json!([]), "{customer}");
    }
    let (_, found) = json(&app, &format!("{api}/interactions?q={SECRET_WORD}"), &read).await;
    assert_eq!(found["items"], json!([]));
    let (_, all) = json(&app, &format!("{api}/interactions"), &read).await;
    let ids: Vec<&str> = (all["items"].as_array().unwrap().iter())
        .map(|i| i["interactionId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["kept-1"], "the other customer stays");
    let (_, kept) = json(&app, &format!("{api}/interactions?q=keepsakeword"), &read).await;
    assert_eq!(kept["items"].as_array().unwrap().len(), 1);
    let report = format!("{api}/reports/intervals?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z&metrics=started,ended");
    let (_, report) = json(&app, &report, &read).await;
    assert_eq!(
        (
            report["rows"][0]["started"].as_i64(),
            report["rows"][0]["ended"].as_i64()
        ),
        (Some(1), Some(1))
    );

    let (status, receipts) = json(&app, "/api/v1/admin/tenants/acme/erasures", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(receipts.as_array().unwrap().len(), 1);
    assert_eq!(receipts[0]["receiptId"], receipt["receiptId"]);
    let (status, _) = json(&app, "/api/v1/admin/tenants/acme/erasures", &read).await;
    assert_eq!(status, 403);

    if backend == Backend::Sqlite {
        let bytes = sqlite_bytes(&app);
        // The interaction ids stay in the audit trail (who read which interaction), which
        // keeps ids and never content; nothing that says who the customer was stays.
        for trace in ["cust-gone", ADDRESS, SECRET_WORD, "Gina Gone", CONTENT] {
            assert!(
                !holds(&bytes, trace),
                "the database files still hold {trace:?}"
            );
        }
        assert!(
            holds(&bytes, "keepsakeword"),
            "the other customer's words stay"
        );
    }

    // The same events sent again are stored anew (the log forgot them).
    app.ingest("acme", &calls()).await;
    assert_eq!(
        app.get_interaction("acme", "gone-1", &read).await.status(),
        200
    );
}

async fn erasing_no_one_is_a_receipt_of_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token_with(&["acme"], &[Scope::Admin], 600);
    let response = delete(&app, "/api/v1/tenants/acme/customers/nobody", &admin).await;
    assert_eq!(response.status(), 200);
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(
        (receipt["interactions"].as_u64(), receipt["events"].as_u64()),
        (Some(0), Some(0))
    );
    let long = "x".repeat(300);
    let bad = delete(
        &app,
        &format!("/api/v1/tenants/acme/customers/{long}"),
        &admin,
    )
    .await;
    let body = common::error_body(bad, 400, "invalid_parameter").await;
    assert!(body.to_string().contains("customerId"), "{body}");
}

on_every_backend!(
    a_customer_is_erased_everywhere,
    erasing_no_one_is_a_receipt_of_nothing
);
