//! `interlog erase` as an operator runs it on a request to be forgotten: beside a running
//! server, on the same data directory; then the receipts.

mod common;

use common::{interlog, Server};
use serde_json::json;

#[tokio::test]
async fn an_operator_erases_a_customer_and_lists_the_receipt() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let token = common::token(data.path(), "acme", &[]);
    let client = reqwest::Client::new();
    let started = |id: &str, customer: &str| {
        json!({"eventId": format!("{id}-start"), "type": "interaction-started", "interactionId": id,
            "timestamp": "2026-11-02T10:00:00Z", "channelType": "chat", "direction": "inbound",
            "customer": {"id": customer}})
    };
    let events = json!([
        started("chat-1", "cust-gone"),
        started("chat-2", "cust-kept")
    ]);
    let response = (client.post(format!("{}/api/v1/tenants/acme/events", server.base)))
        .bearer_auth(&token)
        .json(&events)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let erased = interlog(
        data.path(),
        &[
            "erase",
            "--tenant",
            "acme",
            "--customer",
            "cust-gone",
            "--by",
            "dpo",
        ],
    );
    let line = erased.lines().nth(1).unwrap();
    let cells: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cells[2..], ["1", "1", "dpo"], "{erased}");
    let listed = interlog(data.path(), &["erase", "--tenant", "acme", "--list"]);
    assert!(listed.contains(cells[0]), "the receipt is listed: {listed}");

    for (id, status) in [("chat-1", 404), ("chat-2", 200)] {
        let response = (client.get(format!(
            "{}/api/v1/tenants/acme/interactions/{id}",
            server.base
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
        assert_eq!(response.status(), status, "{id}");
    }
}
