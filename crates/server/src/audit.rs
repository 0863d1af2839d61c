//! The audit trail: every request that reaches a route (native or dialect) leaves one entry
//! (the probes, metrics and API documents aside):
//! who (the principal the credential proved, else `anonymous`), what (the method and route
//! template, the interaction it named, a hash of its search terms), when, from where (the
//! client's address and user agent) and the outcome (the status). No interaction content is
//! kept. A request for kept originals (`reveal=true`) has `?reveal=true` in its action. Entries go to a writer task through a bounded queue and are stored in batches, so a
//! read pays a queue push, not a write; when the queue is full the request waits (no entry
//! is dropped), and a graceful stop stores what is queued before the process exits.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, MatchedPath, RawPathParams, Request};
use axum::http::header::USER_AGENT;
use axum::middleware::Next;
use axum::response::Response;
use interlog_store::{AuditEntry, Store};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

/// Entries waiting for the writer, at most.
const QUEUE: usize = 10_000;
/// Entries stored per transaction, at most.
const BATCH: usize = 500;
/// How long the writer gathers entries after the first before storing them: one statement
/// for many requests costs the database far less than one each (on PostgreSQL, a round
/// trip per request cost a quarter of single-connection reads).
const GATHER: std::time::Duration = std::time::Duration::from_millis(50);

/// Who called: the principal, and its tenant when it holds one only.
type Who = (String, Option<String>);

/// Where the Principal extractor leaves who the caller is, for the entry.
#[derive(Clone, Default)]
pub(crate) struct Caller(Arc<Mutex<Option<Who>>>);

impl Caller {
    /// Records the principal and, when it holds one tenant only, that tenant.
    pub(crate) fn set(&self, principal: String, tenant: Option<String>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((principal, tenant));
    }

    fn get(&self) -> Option<Who> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What the writer is sent: an entry, or a request to say when all before it are stored.
enum Message {
    Entry(AuditEntry),
    Flush(oneshot::Sender<()>),
}

/// The sending side of the audit writer.
#[derive(Clone)]
pub struct AuditLog(Option<mpsc::Sender<Message>>);

impl AuditLog {
    /// The writer task on the current runtime; `enabled` false records nothing.
    pub(crate) fn start(store: Arc<dyn Store>, enabled: bool) -> Self {
        if !enabled {
            return Self(None);
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write(store, rx));
        Self(Some(tx))
    }

    /// Waits until every entry sent so far is stored (at shutdown).
    pub(crate) async fn flush(&self) {
        let Some(queue) = &self.0 else { return };
        let (done, stored) = oneshot::channel();
        if queue.send(Message::Flush(done)).await.is_ok() {
            let _ = stored.await;
        }
    }
}

/// Adds to `received` what arrives within [`GATHER`], until a batch is full or a flush is
/// asked for.
async fn gather(rx: &mut mpsc::Receiver<Message>, received: &mut Vec<Message>) {
    let deadline = tokio::time::Instant::now() + GATHER;
    let flushing = |r: &[Message]| r.iter().any(|m| matches!(m, Message::Flush(_)));
    while received.len() < BATCH && !flushing(received) {
        let more = rx.recv_many(received, BATCH - received.len());
        match tokio::time::timeout_at(deadline, more).await {
            Ok(0) | Err(_) => return, // closed, or the time is up
            Ok(_) => {}
        }
    }
}

async fn write(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Message>) {
    let mut received = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut received, BATCH).await > 0 {
        gather(&mut rx, &mut received).await;
        let mut flushed = Vec::new();
        let batch: Vec<AuditEntry> = (received.drain(..))
            .filter_map(|message| match message {
                Message::Entry(entry) => Some(entry),
                Message::Flush(done) => {
                    flushed.push(done);
                    None
                }
            })
            .collect();
        if !batch.is_empty() {
            if let Err(error) = store.record_audit(&batch).await {
                tracing::error!(%error, entries = batch.len(), "audit entries could not be stored");
            }
        }
        for done in flushed {
            let _ = done.send(());
        }
    }
}

/// The SHA-256 of the tenant and a request's search terms (so equal searches can be told
/// apart from others without the terms being kept).
fn hash(tenant: &str, terms: &str) -> String {
    let digest = Sha256::digest(format!("{tenant}\n{terms}"));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A query string's pairs (none when it is absent or malformed).
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    (query.and_then(|q| serde_urlencoded::from_str(q).ok())).unwrap_or_default()
}

/// The search terms among a query's pairs (`q`, or a dialect's `text`, `search`, `query`).
fn search_terms(pairs: &[(String, String)]) -> Option<String> {
    let terms: Vec<&str> = (pairs.iter())
        .filter(|(k, _)| matches!(k.as_str(), "q" | "text" | "search" | "query"))
        .map(|(_, v)| v.as_str())
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Whether a query asks for kept originals (`reveal=true`): the action says so.
fn reveals(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, v)| k == "reveal" && v == "true")
}

/// Routes that touch no tenant's data: the probes, the metrics, the API documents and the
/// console's static files. An orchestrator polls them every few seconds; auditing them
/// would bury the trail.
fn operational(route: &str) -> bool {
    matches!(route, "/healthz" | "/readyz" | "/metrics" | "/")
        || route.starts_with("/console/")
        || route.ends_with("openapi.json")
        || route.starts_with("/docs")
}

/// The route layer: one entry per request that matched a route (but [`operational`] ones).
pub(crate) async fn record(
    state: axum::extract::State<crate::AppState>,
    matched: MatchedPath,
    params: RawPathParams,
    mut request: Request,
    next: Next,
) -> Response {
    let audited = !operational(matched.as_str());
    let Some(queue) = state.audit.0.clone().filter(|_| audited) else {
        return next.run(request).await;
    };
    let caller = Caller::default();
    request.extensions_mut().insert(caller.clone());
    let param = |names: &[&str]| {
        (params.iter())
            .find(|(name, _)| names.contains(name))
            .map(|(_, value)| value.to_string())
    };
    let named_tenant = param(&["tenant", "account", "accountKey", "account_id"]);
    let interaction = param(&["interactionId", "uid", "id"]);
    let pairs = query_pairs(request.uri().query());
    let action = format!(
        "{} {}{}",
        request.method(),
        crate::telemetry::template(matched.as_str()),
        if reveals(&pairs) { "?reveal=true" } else { "" }
    );
    let client =
        (request.extensions().get::<ConnectInfo<SocketAddr>>()).map(|c| c.0.ip().to_string());
    let user_agent = (request.headers().get(USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(256).collect());
    let terms = search_terms(&pairs);
    let request_id = crate::request_id::current().unwrap_or_default();
    let response = next.run(request).await;
    let (principal, own_tenant) = caller.get().unwrap_or_else(|| ("anonymous".into(), None));
    let tenant = named_tenant.or(own_tenant).unwrap_or_else(|| "-".into());
    let entry = AuditEntry {
        query_hash: terms.map(|t| hash(&tenant, &t)),
        tenant,
        at_ms: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
        request_id,
        principal,
        action,
        status: response.status().as_u16(),
        interaction,
        client,
        user_agent,
    };
    if queue.send(Message::Entry(entry)).await.is_err() {
        tracing::error!("the audit writer has stopped; an entry is lost");
    }
    response
}
