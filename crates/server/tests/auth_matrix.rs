//! Every documented route (native and dialects, enumerated from the OpenAPI documents)
//! against every kind of bad credential: the right status, and not one byte of the
//! tenant's data in any answer.

mod common;
mod documented;

use common::{event, TestApp};
use interlog_server::auth::Scope;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

/// A string that appears only in acme's data.
const MARKER: &str = "ZEBRA-7731-acme-private";

/// acme's data: an interaction whose every field a leak could show carries the marker.
fn acme_data() -> Value {
    json!([
        event(
            "m1",
            "interaction-started",
            "call-1",
            "2024-05-01T10:00:00Z",
            json!({"channelType": "voice",
            "direction": "inbound", "customer": {"id": "cust-1", "name": MARKER}, "subject": MARKER,
            "callerKeys": {"dtmf": "4567"}})
        ),
        event(
            "m2",
            "agent-allocated",
            "call-1",
            "2024-05-01T10:00:05Z",
            json!({"agentId": "ann", "agentName": MARKER})
        ),
        event(
            "m3",
            "message",
            "call-1",
            "2024-05-01T10:00:06Z",
            json!({"participant": "customer", "text": MARKER})
        ),
        event(
            "m4",
            "content-added",
            "call-1",
            "2024-05-01T10:00:07Z",
            json!({"contentId": "photo", "mime": "text/plain",
            "data": "WkVCUkEtNzczMS1hY21lLXByaXZhdGU="})
        ),
    ])
}

fn other_scopes(needed: Scope) -> Vec<Scope> {
    [Scope::Read, Scope::Write, Scope::Admin]
        .into_iter()
        .filter(|s| *s != needed)
        .collect()
}

/// Credentials an intruder could hold for acme: a revoked key's secret and a token signed
/// with another key.
struct Intruder {
    revoked_secret: String,
    forged: String,
}

async fn intruder(app: &TestApp) -> Intruder {
    let (revoked_id, revoked_secret) = app
        .create_key(
            "acme",
            &["interactions:read", "interactions:write", "admin"],
        )
        .await;
    let admin = format!("Bearer {}", app.token_with(&["acme"], &[Scope::Admin], 600));
    let revoke = app
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/keys/{revoked_id}?tenant=acme"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(revoke.status(), 204);
    let forger =
        interlog_server::auth::JwtKeys::new(&interlog_server::auth::JwtSecret::new("forged"));
    let forged = forger.issue(&interlog_server::auth::TokenSpec {
        subject: "mallory".into(),
        tenants: vec![interlog_core::TenantId::parse("acme").unwrap()],
        scopes: ALL.to_vec(),
        ttl_seconds: 600,
    });
    Intruder {
        revoked_secret,
        forged,
    }
}

const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Admin];

/// (what, the Authorization header, the status it must get) for a route that needs `needed`.
fn bad_credentials(
    app: &TestApp,
    intruder: &Intruder,
    needed: Scope,
) -> Vec<(&'static str, Option<String>, u16)> {
    let bearer = |tenant: &str, scopes: &[Scope], ttl: i64| {
        Some(format!("Bearer {}", app.token_with(&[tenant], scopes, ttl)))
    };
    vec![
        ("no credentials", None, 401),
        ("malformed token", Some("Bearer not-a-jwt".into()), 401),
        (
            "wrong signature",
            Some(format!("Bearer {}", intruder.forged)),
            401,
        ),
        ("expired token", bearer("acme", &ALL, -3600), 401),
        ("another tenant's token", bearer("globex", &ALL, 600), 403),
        (
            "missing scope",
            bearer("acme", &other_scopes(needed), 600),
            403,
        ),
        (
            "revoked key",
            Some(format!("Token {}", intruder.revoked_secret)),
            401,
        ),
    ]
}

/// Every documented route, and the native list once more with full-text search (the search
/// index is a path of its own into acme's data).
async fn routes_to_try(app: &TestApp) -> Vec<documented::Route> {
    let mut routes = documented::routes(app).await;
    assert!(routes.len() >= 30, "{} routes documented", routes.len());
    let search = routes
        .iter()
        .find(|r| r.method == Method::GET && r.template.ends_with("{tenant}/interactions"))
        .map(|r| documented::Route {
            path: format!("{}?q=ZEBRA", r.path),
            ..r.clone()
        })
        .expect("the native list is documented");
    routes.push(search);
    routes
}

/// The route refuses `authorization` with `status`, in its error shape, leaking nothing.
async fn assert_refused(
    app: &TestApp,
    route: &documented::Route,
    (what, authorization, status): (&str, Option<String>, u16),
) {
    let (method, path) = (&route.method, &route.template);
    let response = route.send(app, authorization.as_deref()).await;
    assert_eq!(
        response.status().as_u16(),
        status,
        "{what}: {method} {path}"
    );
    let text = response.text().await.unwrap();
    assert!(
        !text.contains(MARKER) && !text.contains("cust-1"),
        "{what}: {method} {path} leaked: {text}"
    );
    if path.starts_with("/compat/xplatform") && status != 401 {
        // X-Platform documents plain-text errors.
        assert!(!text.is_empty(), "{what}: {method} {path}: empty body");
        return;
    }
    let error: Value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: {method} {path}: {text}"));
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{what}: {method} {path}: {text}"
    );
}

async fn every_route_refuses_every_bad_credential_without_leaking(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &acme_data()).await;
    let intruder = intruder(&app).await;
    for route in routes_to_try(&app).await {
        let (needed, method, path) = (route.scope, &route.method, &route.template);
        for case in bad_credentials(&app, &intruder, needed) {
            let about_the_tenant = case.2 == 403;
            if about_the_tenant && !route.names_tenant {
                continue;
            }
            assert_refused(&app, &route, case).await;
        }
        // And the right credential works, so the refusals above are about the credential.
        let good = format!("Bearer {}", app.token_with(&["acme"], &[needed], 600));
        let response = route.send(&app, Some(&good)).await;
        // 403 only where the resource itself refuses (no free DNIS number), never the credential.
        let ok = response.status().is_success()
            || response.status() == 404
            || path.ends_with("allocate/new");
        assert!(ok, "{method} {path}: {}", response.status());
    }
}

/// With its own valid token, another tenant sees nothing of acme: 404s and empty lists.
async fn another_tenant_sees_only_absence(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &acme_data()).await;
    let globex = format!(
        "Bearer {}",
        app.token_with(&["globex"], &[Scope::Read], 600)
    );
    let g = "/api/v1/tenants/globex";
    for (path, status) in [
        ("/interactions", 200),
        ("/interactions?q=ZEBRA", 200),
        ("/interactions/call-1", 404),
        ("/interactions/call-1/events", 404),
        ("/interactions/call-1/content/photo", 404),
        ("/customers/cust-1/interactions", 200),
        ("/agents/ann/interactions", 200),
        ("/lookup?dtmf=4567", 404),
    ] {
        let response = app
            .send(Method::GET, &format!("{g}{path}"), Some(&globex), None)
            .await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(!body.to_string().contains(MARKER), "{path}: {body}");
        if status == 200 {
            assert_eq!(body["items"], json!([]), "{path}");
        }
    }
}

on_every_backend!(
    every_route_refuses_every_bad_credential_without_leaking,
    another_tenant_sees_only_absence
);
