//! Sensitive data for the redaction, reveal and erasure tests: a chat whose customer says a
//! card number, its security code, an SSN, an e-mail address and a phone number, and ways to
//! look into the SQLite files.

use reqwest::Method;
use serde_json::{json, Value};

use super::{event, TestApp};
use interlog_server::auth::Scope;

pub const SAID: &str = "card 4111 1111 1111 1111, the cvv is 737, SSN 123-45-6789, \
                    mail jane.roe@example.com or call +14155550100";
/// Originals that must leave no trace (the security code is checked in the text: three
/// digits could occur in an id by chance).
pub const ORIGINALS: [&str; 5] = [
    "4111 1111 1111 1111",
    "123-45-6789",
    "jane.roe@example.com",
    "+14155550100",
    "FR1420041010050500013M02606",
];
pub const LOOKALIKES: &str = "order 4111111111111112 on 2026-11-29 at 10:30 costs $12.50";

pub fn chat(id: &str) -> Value {
    let at = |s: u32| format!("2026-11-02T10:00:{s:02}Z");
    json!([
        event(
            &format!("{id}-1"),
            "interaction-started",
            id,
            &at(0),
            json!({"channelType": "chat", "direction": "inbound", "subject": "refund to jane.roe@example.com",
                "attributes": {"iban": "FR1420041010050500013M02606"}})
        ),
        event(
            &format!("{id}-2"),
            "message",
            id,
            &at(1),
            json!({"participant": "customer", "text": SAID})
        ),
        event(
            &format!("{id}-3"),
            "message",
            id,
            &at(2),
            json!({"participant": "customer", "text": LOOKALIKES})
        ),
        event(
            &format!("{id}-4"),
            "note-added",
            id,
            &at(3),
            json!({"text": "customer gave 4111-1111-1111-1111"})
        ),
    ])
}

pub async fn put_settings(app: &TestApp, tenant: &str, body: Value) -> reqwest::Response {
    let admin = format!("Bearer {}", app.token_with(&[tenant], &[Scope::Admin], 600));
    let path = format!("/api/v1/admin/tenants/{tenant}/settings");
    app.send(Method::PUT, &path, Some(&admin), Some(body)).await
}

/// The bytes of the SQLite database and its write-ahead log.
pub fn sqlite_bytes(app: &TestApp) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["interlog.db", "interlog.db-wal"] {
        bytes.extend(std::fs::read(app.data_dir().join(name)).unwrap_or_default());
    }
    bytes
}

/// Whether `haystack` holds the bytes of `needle`.
pub fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
