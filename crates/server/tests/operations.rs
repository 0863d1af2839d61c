//! Running Interlog as a service: liveness and readiness probes, and request ids (accepted
//! or created, returned, and in the body of a 5xx so a failure can be found in the logs).

mod common;

use common::{error_body, TestApp};
use interlog_store::sql::Backend;
use serde_json::Value;

/// GET with an optional `x-request-id`; the response's status, its id header and body.
async fn probe(app: &TestApp, path: &str, id: Option<&str>) -> (u16, String, Value) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let header = (response.headers().get("x-request-id"))
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, header, response.json().await.unwrap_or(Value::Null))
}

async fn probes_and_request_ids(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, id, body) = probe(&app, "/healthz", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    assert!(uuid_like(&id), "a new id: {id}");
    let (status, _, body) = probe(&app, "/readyz", None).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));

    let (_, id, _) = probe(&app, "/healthz", Some("lb-7f3a:42")).await;
    assert_eq!(id, "lb-7f3a:42", "a client's id is kept");
    let (_, id, _) = probe(&app, "/healthz", Some("two words")).await;
    assert!(
        uuid_like(&id),
        "an id that could fool a log reader is replaced: {id}"
    );
    let (status, id, body) = probe(&app, "/nope", Some("client-404")).await;
    assert_eq!((status, id.as_str()), (404, "client-404"));
    assert!(
        body.get("requestId").is_none(),
        "only a 5xx carries it: {body}"
    );

    // One version behind: not ready (saying what to run), yet alive.
    interlog_store::testing::forget_newest_migration(&app.database_url()).await;
    let (status, id, body) = probe(&app, "/readyz", Some("probe-1")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("interlog migrate"),
        "{body}"
    );
    assert_eq!(
        (id.as_str(), body["requestId"].as_str()),
        ("probe-1", Some("probe-1"))
    );
    let alive = app.get("/healthz", None).await;
    assert_eq!(alive.status(), 200);
    let missing = app.get("/readyz", None).await;
    let body = error_body(missing, 503, "unavailable").await;
    assert!(uuid_like(body["requestId"].as_str().unwrap()), "{body}");
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}

on_every_backend!(probes_and_request_ids);
