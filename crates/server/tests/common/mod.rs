//! `TestApp`: the real server on 127.0.0.1:0 over a fresh data directory, and typed helpers
//! to speak HTTP to it.

#![allow(dead_code)] // each test binary uses a different subset of the helpers

use interlog_server::auth::{Authenticator, JwtSecret, Scope, TokenSpec};
use interlog_server::Config;
use interlog_core::TenantId;
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const SECRET: &str = "test-secret-not-for-production";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    auth: Authenticator,
    _data: tempfile::TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the server with the default test configuration adjusted by `configure`.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(data.path());
        config.jwt_secret = Some(JwtSecret::new(SECRET));
        configure(&mut config);
        let state = interlog_server::open(&config).await.expect("server state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(interlog_server::run(listener, state, async {
            let _ = rx.await;
        }));
        Self {
            base,
            client: reqwest::Client::new(),
            auth: Authenticator::new(&JwtSecret::new(SECRET)),
            _data: data,
            shutdown: Some(tx),
        }
    }

    pub fn token_with(&self, tenants: &[&str], scopes: &[Scope], ttl_seconds: i64) -> String {
        self.auth.issue(&TokenSpec {
            subject: "test".into(),
            tenants: tenants.iter().map(|t| TenantId::parse(*t).unwrap()).collect(),
            scopes: scopes.to_vec(),
            ttl_seconds,
        })
    }

    /// A read+write token for one tenant.
    pub fn token(&self, tenant: &str) -> String {
        self.token_with(&[tenant], &[Scope::Read, Scope::Write], 600)
    }

    pub async fn post_events(&self, tenant: &str, token: &str, events: &Value) -> reqwest::Response {
        self.post_body(tenant, token, "application/json", serde_json::to_vec(events).unwrap()).await
    }

    pub async fn post_body(&self, tenant: &str, token: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/tenants/{tenant}/events", self.base))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts events that must all be accepted, and returns the answer.
    pub async fn ingest(&self, tenant: &str, events: &Value) -> Value {
        let response = self.post_events(tenant, &self.token(tenant), events).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get_interaction(&self, tenant: &str, id: &str, token: &str) -> reqwest::Response {
        self.get(&format!("/api/v1/tenants/{tenant}/interactions/{id}"), Some(token)).await
    }

    /// The record of an interaction that must exist.
    pub async fn record(&self, tenant: &str, id: &str) -> Value {
        let response = self.get_interaction(tenant, id, &self.token(tenant)).await;
        assert_eq!(response.status(), 200, "GET {id}");
        response.json().await.unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// One event as JSON: `extra` holds the fields of its type.
pub fn event(event_id: &str, kind: &str, interaction: &str, timestamp: &str, extra: Value) -> Value {
    let mut event = json!({"eventId": event_id, "type": kind, "interactionId": interaction, "timestamp": timestamp});
    event.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
    event
}

/// The four events of DESIGN.md's worked example, as the README posts them.
pub fn worked_example() -> Value {
    serde_json::from_str(include_str!("../../../../examples/worked-example.json")).unwrap()
}

pub const WORKED_EXAMPLE_ID: &str = "b2109780-db83-11e7-9709-c2b07aa3bee9";

/// Asserts an error body has the native shape and the given code, and returns it.
pub async fn error_body(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["fields"].is_array(), "{body}");
    body
}
