//! The audit trail: every documented route of the native API and of each dialect (the
//! probes aside) leaves exactly one entry per request, with the principal and the outcome, refusals included;
//! a search's terms are kept only as a hash; only an admin reads the trail.

mod common;
mod documented;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

/// What a request should have left: its id, the principal, the status.
struct Sent {
    request_id: String,
    principal: String,
    status: u16,
    what: String,
}

fn request_id(response: &reqwest::Response) -> String {
    let id = response
        .headers()
        .get("x-request-id")
        .expect("every response has an id");
    id.to_str().unwrap().to_string()
}

/// acme's entries, newest first, once every id in `ids` is there (the writer is
/// asynchronous).
async fn entries(app: &TestApp, admin: &str, ids: &[&str]) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut all = Vec::new();
        let mut path = "/api/v1/tenants/acme/audit?limit=1000".to_string();
        loop {
            let page: Value = app.get(&path, Some(admin)).await.json().await.unwrap();
            assert!(page["items"].is_array(), "{page}");
            all.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["nextCursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/v1/tenants/acme/audit?limit=1000&cursor={cursor}")
                }
                None => break,
            }
        }
        let seen: Vec<&str> = all.iter().filter_map(|e| e["requestId"].as_str()).collect();
        if ids.iter().all(|id| seen.contains(id)) {
            return all;
        }
        assert!(Instant::now() < deadline, "entries missing after 20 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn every_request_leaves_one_entry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started =
        json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "cust-1"}});
    app.ingest(
        "acme",
        &json!([event(
            "m1",
            "interaction-started",
            "call-1",
            "2024-05-01T10:00:00Z",
            started
        )]),
    )
    .await;
    let token = app.token_with(&["acme"], &ALL, 600);
    let (bearer, subject) = (
        format!("Bearer {token}"),
        "test:acme:interactions:read,interactions:write,admin",
    );
    let mut sent = Vec::new();
    for route in documented::routes(&app).await {
        if matches!(route.template.as_str(), "/healthz" | "/readyz") {
            continue; // probes touch no data and are not audited
        }
        let response = route.send(&app, Some(&bearer)).await;
        let what = format!("{} {}", route.method, route.template);
        sent.push(Sent {
            request_id: request_id(&response),
            principal: subject.into(),
            status: response.status().as_u16(),
            what,
        });
    }
    let globex = format!(
        "Bearer {}",
        app.token_with(&["globex"], &[Scope::Read], 600)
    );
    for (authorization, principal, path, status) in [
        (
            None,
            "anonymous",
            "/api/v1/tenants/acme/interactions/call-1",
            401,
        ),
        (
            Some(globex.as_str()),
            "test:globex:interactions:read",
            "/api/v1/tenants/acme/interactions/call-1",
            403,
        ),
        (
            Some(bearer.as_str()),
            subject,
            "/api/v1/tenants/acme/interactions/no-such-call",
            404,
        ),
        (
            Some(bearer.as_str()),
            subject,
            "/api/v1/tenants/acme/interactions?q=zanzibarquokka",
            200,
        ),
    ] {
        let response = app.send(Method::GET, path, authorization, None).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        let what = format!("GET {path}");
        sent.push(Sent {
            request_id: request_id(&response),
            principal: principal.into(),
            status,
            what,
        });
    }

    let ids: Vec<&str> = sent.iter().map(|s| s.request_id.as_str()).collect();
    let all = entries(&app, &token, &ids).await;
    let mut by_id: HashMap<&str, Vec<&Value>> = HashMap::new();
    for entry in &all {
        by_id
            .entry(entry["requestId"].as_str().unwrap())
            .or_default()
            .push(entry);
    }
    for s in &sent {
        let found = by_id
            .get(s.request_id.as_str())
            .cloned()
            .unwrap_or_default();
        assert_eq!(found.len(), 1, "{}: {found:?}", s.what);
        let entry = found[0];
        assert_eq!(entry["principal"], s.principal.as_str(), "{}", s.what);
        assert_eq!(entry["status"], s.status, "{}", s.what);
        assert!(entry["action"].as_str().unwrap().contains(' '), "{entry}");
    }
    let text = serde_json::to_string(&all).unwrap();
    assert!(
        !text.contains("zanzibarquokka"),
        "search terms are not kept in clear"
    );
    let search = by_id[sent.last().unwrap().request_id.as_str()][0];
    assert_eq!(search["queryHash"].as_str().map(str::len), Some(64));
    let call = by_id[sent[sent.len() - 2].request_id.as_str()][0];
    assert_eq!(call["interactionId"], "no-such-call");

    let reader = app.token_with(&["acme"], &[Scope::Read], 600);
    let refused = app.get("/api/v1/tenants/acme/audit", Some(&reader)).await;
    assert_eq!(refused.status(), 403, "only an admin reads the trail");
}

/// The export streams every entry the filters match, across pages of 1,000, as the list
/// shows them (NDJSON) or as CSV rows; only an admin exports.
async fn the_trail_exports_as_ndjson_and_csv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.token_with(&["acme"], &ALL, 600);
    let reader = app.token_with(&["acme"], &[Scope::Read], 600);
    let mut ids = Vec::new();
    for _ in 0..1050 {
        let response = app
            .get("/api/v1/tenants/acme/interactions/x1", Some(&reader))
            .await;
        assert_eq!(response.status(), 404);
        ids.push(request_id(&response));
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let listed = entries(&app, &admin, &ids).await;
    let principal = "test:acme:interactions:read";
    let export = "/api/v1/tenants/acme/audit/export";

    let response = app
        .get(&format!("{export}?principal={principal}"), Some(&admin))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let exported: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mine: Vec<&Value> = listed
        .iter()
        .filter(|e| e["principal"] == principal)
        .collect();
    assert_eq!(exported.len(), 1050, "every entry, across pages");
    assert_eq!(
        exported.iter().collect::<Vec<_>>(),
        mine,
        "as the list shows them"
    );

    let csv = app
        .client
        .get(format!("{}{export}?principal={principal}", app.base))
        .bearer_auth(&admin)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut rows = csv.lines();
    let header = "at,requestId,principal,action,status,interactionId,queryHash,client,userAgent";
    assert_eq!(rows.next(), Some(header));
    let first = rows.next().unwrap();
    assert!(
        first.contains(exported[0]["requestId"].as_str().unwrap()),
        "{first}"
    );
    assert!(first.contains(",404,x1,"), "{first}");
    assert_eq!(rows.count(), 1049);

    let bad = app.get(&format!("{export}?format=xml"), Some(&admin)).await;
    let body = common::error_body(bad, 400, "invalid_parameter").await;
    assert!(body.to_string().contains("format"), "{body}");
    let refused = app.get(export, Some(&reader)).await;
    assert_eq!(refused.status(), 403, "only an admin exports the trail");
}

on_every_backend!(
    every_request_leaves_one_entry,
    the_trail_exports_as_ndjson_and_csv
);
