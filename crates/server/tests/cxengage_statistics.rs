//! CxEngage's data-dictionary statistics over HTTP, on both backends: an IVR abandon, a hold
//! abandon with wrap-up after the end, a conference then a transfer, and a flagged call, each
//! in the document and in the list item.

mod common;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};

fn at(s: &str) -> String {
    format!("2024-06-03T14:{s}Z")
}

/// Events of `id`, numbered `id-1`, `id-2`, ... in order.
fn call(id: &str, steps: Vec<(&str, &str, Value)>) -> Vec<Value> {
    (1..)
        .zip(steps)
        .map(|(n, (kind, time, fields))| event(&format!("{id}-{n}"), kind, id, &at(time), fields))
        .collect()
}

fn voice() -> Value {
    json!({"channelType": "voice", "direction": "inbound", "customer": {"address": "+15550001"}})
}

/// ivr: the customer hangs up in the IVR; a late hold is flagged.
/// held: the customer hangs up on hold; a note is added after the end.
/// conf: ann conferences cat in, then transfers to bob.
fn calls() -> Value {
    let mut started = voice();
    started["attributes"] = json!({"language": "fr"});
    let mut events = call(
        "ivr",
        vec![
            ("interaction-started", "00:00.000", started),
            ("customer-disconnected", "00:08.250", json!({})),
            ("interaction-ended", "00:08.300", json!({})),
            ("hold-started", "00:09.000", json!({})),
        ],
    );
    events.extend(call(
        "held",
        vec![
            ("interaction-started", "00:00.000", voice()),
            ("queue-entered", "00:02.000", json!({"queueId": "q1"})),
            ("agent-allocated", "00:10.000", json!({"agentId": "ann"})),
            ("hold-started", "00:30.000", json!({"agentId": "ann"})),
            ("customer-disconnected", "00:50.000", json!({})),
            ("agent-deallocated", "01:00.000", json!({"agentId": "ann"})),
            ("interaction-ended", "01:00.000", json!({})),
            ("note-added", "01:30.000", json!({"text": "left on hold"})),
        ],
    ));
    events.extend(call(
        "conf",
        vec![
            ("interaction-started", "00:00.000", voice()),
            ("agent-allocated", "00:05.000", json!({"agentId": "ann"})),
            (
                "participant-add-started",
                "00:20.000",
                json!({"agentId": "ann", "toAgentId": "cat"}),
            ),
            ("agent-allocated", "00:22.000", json!({"agentId": "cat"})),
            (
                "participant-add-ended",
                "00:22.000",
                json!({"outcome": "success"}),
            ),
            (
                "transfer-started",
                "00:30.000",
                json!({"agentId": "ann", "toAgentId": "bob"}),
            ),
            ("agent-allocated", "00:35.000", json!({"agentId": "bob"})),
            ("transfer-ended", "00:35.000", json!({"outcome": "success"})),
            ("agent-deallocated", "00:35.000", json!({"agentId": "ann"})),
            ("agent-deallocated", "00:35.000", json!({"agentId": "cat"})),
            ("interaction-ended", "01:00.000", json!({})),
        ],
    ));
    Value::Array(events)
}

async fn get(app: &TestApp, path: &str) -> Value {
    let url = format!("{}/compat/cxengage/v1/tenants/acme{path}", app.base);
    let response = app.client.get(url).bearer_auth(app.token("acme")).send();
    let response = response.await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// The document of `id`, after checking the list item says the same.
async fn document(app: &TestApp, id: &str) -> Value {
    let doc = get(app, &format!("/interactions/{id}")).await;
    let list = get(app, "/interactions?limit=10").await;
    let item = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["interactionId"] == id)
        .cloned();
    assert_eq!(item, Some(doc.clone()), "the list item of {id}");
    doc
}

/// The statistics of the data dictionary in `doc`, absent ones as null.
fn dictionary(doc: &Value) -> Value {
    let keys = [
        "ivrAbandoned",
        "ivrAbandonTime",
        "customerHoldTime",
        "customerHoldAbandoned",
        "customerTalkTime",
        "customerConversationTime",
        "customerTransfers",
        "thirdPartyTime",
        "updated",
        "flagged",
        "flagType",
        "flagTimestamp",
        "interactionAttributes",
    ];
    keys.iter()
        .map(|k| (k.to_string(), doc.get(*k).cloned().unwrap_or(Value::Null)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

async fn abandons_holds_and_transfers_have_their_statistics(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &calls()).await;
    let ivr = document(&app, "ivr").await;
    assert_eq!(
        dictionary(&ivr),
        json!({"ivrAbandoned": true, "ivrAbandonTime": 8.25, "customerHoldTime": null,
        "customerHoldAbandoned": null, "customerTalkTime": null, "customerConversationTime": null,
        "customerTransfers": null, "thirdPartyTime": null, "updated": null, "flagged": true,
        "flagType": "event-after-end", "flagTimestamp": at("00:09.000"),
        "interactionAttributes": {"language": "fr"}})
    );
    let held = document(&app, "held").await;
    assert_eq!(
        dictionary(&held),
        json!({"ivrAbandoned": null, "ivrAbandonTime": null, "customerHoldTime": 20,
        "customerHoldAbandoned": true, "customerTalkTime": 30, "customerConversationTime": 40,
        "customerTransfers": null, "thirdPartyTime": null, "updated": at("01:30.000"),
        "flagged": null, "flagType": null, "flagTimestamp": null, "interactionAttributes": null})
    );
    let conf = document(&app, "conf").await;
    assert_eq!(
        dictionary(&conf),
        json!({"ivrAbandoned": null, "ivrAbandonTime": null, "customerHoldTime": null,
        "customerHoldAbandoned": null, "customerTalkTime": 68, "customerConversationTime": 55,
        "customerTransfers": 1, "thirdPartyTime": 15, "updated": null, "flagged": null,
        "flagType": null, "flagTimestamp": null, "interactionAttributes": null})
    );
    // With nulls kept, what does not apply is there, as null (an abandon flag is never false).
    let kept = get(&app, "/interactions/conf?includenulls=true").await;
    for key in ["ivrAbandoned", "customerHoldTime", "updated", "flagType"] {
        assert_eq!(kept.get(key), Some(&Value::Null), "{key}");
    }
}

on_every_backend!(abandons_holds_and_transfers_have_their_statistics);
