//! `TestApp`: the real server on 127.0.0.1:0 over a fresh data directory, and typed helpers
//! to speak HTTP to it.

#![allow(dead_code)] // each test binary uses a different subset of the helpers

use std::sync::{Arc, Weak};

use interlog_core::TenantId;
use interlog_server::auth::{JwtKeys, JwtSecret, RateLimit, Scope, TokenSpec};
use interlog_server::Config;
use interlog_store::sql::Backend;
use interlog_store::testing::PgSchema;
use interlog_store::Store;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod fixtures;
pub mod receiver;
pub mod sensitive;
pub mod xplatform;

pub const SECRET: &str = "test-secret-not-for-production";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    auth: JwtKeys,
    _data: tempfile::TempDir,
    schema: Option<PgSchema>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    /// The server's store, not held: whether anything still holds it.
    store: Weak<dyn Store>,
}

/// Runs each named `async fn(Backend)` as two tests, one per backend.
#[macro_export]
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $test() { super::$test(interlog_store::sql::Backend::Sqlite).await; })*
        }
        mod postgres {
            $(#[tokio::test] async fn $test() { super::$test(interlog_store::sql::Backend::Postgres).await; })*
        }
    };
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the server on `backend` with the test configuration adjusted by `configure`.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(data.path());
        config.jwt_secret = Some(JwtSecret::new(SECRET));
        // Tests fire requests faster than any client should; the rate-limit test sets its own.
        config.rate_limit = RateLimit {
            per_second: 0,
            burst: 0,
        };
        let schema = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgSchema::create().await),
        };
        config.database_url = schema.as_ref().map(|s| s.url.clone());
        configure(&mut config);
        let state = interlog_server::open(&config).await.expect("server state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let store = Arc::downgrade(&state.store);
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(interlog_server::run(listener, state, async {
            let _ = rx.await;
        }));
        Self {
            base,
            client: reqwest::Client::new(),
            auth: JwtKeys::new(&JwtSecret::new(SECRET)),
            _data: data,
            schema,
            shutdown: Some(tx),
            server: Some(server),
            store,
        }
    }

    /// Shuts the server down as SIGTERM does, and waits until it has stopped.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
    }

    /// Whether anything still holds the server's store.
    pub fn store_is_held(&self) -> bool {
        self.store.strong_count() > 0
    }

    /// The database the server runs on: its PostgreSQL schema, or SQLite's file.
    pub fn database_url(&self) -> String {
        match &self.schema {
            Some(schema) => schema.url.clone(),
            None => format!("sqlite://{}", self.data_dir().join("interlog.db").display()),
        }
    }

    /// The data directory the server runs on (SQLite's `interlog.db` is there).
    pub fn data_dir(&self) -> &std::path::Path {
        self._data.path()
    }

    pub fn token_with(&self, tenants: &[&str], scopes: &[Scope], ttl_seconds: i64) -> String {
        // One subject per (tenants, scopes), so each kind of caller has its own rate budget.
        let names: Vec<&str> = scopes.iter().map(|s| s.name()).collect();
        self.auth.issue(&TokenSpec {
            subject: format!("test:{}:{}", tenants.join(","), names.join(",")),
            tenants: tenants
                .iter()
                .map(|t| TenantId::parse(*t).unwrap())
                .collect(),
            scopes: scopes.to_vec(),
            ttl_seconds,
        })
    }

    /// A read token whose subject is an agent (the "my interactions" routes use it).
    pub fn agent_token(&self, tenant: &str, agent: &str) -> String {
        self.auth.issue(&TokenSpec {
            subject: agent.into(),
            tenants: vec![TenantId::parse(tenant).unwrap()],
            scopes: vec![Scope::Read],
            ttl_seconds: 600,
        })
    }

    /// A read+write token for one tenant.
    pub fn token(&self, tenant: &str) -> String {
        self.token_with(&[tenant], &[Scope::Read, Scope::Write], 600)
    }

    pub async fn post_events(
        &self,
        tenant: &str,
        token: &str,
        events: &Value,
    ) -> reqwest::Response {
        self.post_body(
            tenant,
            token,
            "application/json",
            serde_json::to_vec(events).unwrap(),
        )
        .await
    }

    pub async fn post_body(
        &self,
        tenant: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::Response {
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

    /// A request with `Authorization: <authorization>` when given.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        authorization: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Creates an API key through the admin API; answers (id, secret).
    pub async fn create_key(&self, tenant: &str, scopes: &[&str]) -> (String, String) {
        let admin = self.token_with(&[tenant], &[Scope::Admin], 600);
        let body = json!({"tenant": tenant, "scopes": scopes, "name": "test"});
        let response = self
            .send(
                reqwest::Method::POST,
                "/api/v1/admin/keys",
                Some(&format!("Bearer {admin}")),
                Some(body),
            )
            .await;
        assert_eq!(response.status(), 201);
        let key: Value = response.json().await.unwrap();
        (
            key["id"].as_str().unwrap().to_string(),
            key["secret"].as_str().unwrap().to_string(),
        )
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    pub async fn get_interaction(&self, tenant: &str, id: &str, token: &str) -> reqwest::Response {
        self.get(
            &format!("/api/v1/tenants/{tenant}/interactions/{id}"),
            Some(token),
        )
        .await
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
        // Async cleanup from a sync Drop: a short-lived runtime on its own thread.
        if let Some(schema) = self.schema.take() {
            let cleanup = std::thread::spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(schema.drop());
            });
            let _ = cleanup.join();
        }
    }
}

/// One event as JSON: `extra` holds the fields of its type.
pub fn event(
    event_id: &str,
    kind: &str,
    interaction: &str,
    timestamp: &str,
    extra: Value,
) -> Value {
    let mut event = json!({"eventId": event_id, "type": kind, "interactionId": interaction, "timestamp": timestamp});
    event
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().cloned().unwrap_or_default());
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
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["fields"].is_array(), "{body}");
    body
}
