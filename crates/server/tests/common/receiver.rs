//! A webhook receiver for tests: a real HTTP server on 127.0.0.1:0 that records each POST
//! (headers and body) and can refuse the first ones with 503, as a receiver that is down for
//! a while does. Shared by the server's and the CLI's tests.

#![allow(dead_code)] // each test binary uses a different subset

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One request the receiver answered with 200.
#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct Inbox {
    accepted: Mutex<Vec<Received>>,
    refuse: AtomicUsize,
    refused: AtomicUsize,
}

pub struct Receiver {
    pub url: String,
    inbox: Arc<Inbox>,
}

impl Receiver {
    /// Starts a receiver that refuses its first `refuse` requests with 503.
    pub async fn start(refuse: usize) -> Receiver {
        Self::start_on("127.0.0.1:0", refuse).await
    }

    /// Starts one on `address` (a port a test keeps free until it wants the receiver up).
    pub async fn start_on(address: &str, refuse: usize) -> Receiver {
        let inbox = Arc::new(Inbox::default());
        inbox.refuse.store(refuse, Ordering::SeqCst);
        let router = axum::Router::new()
            .route("/hooks", post(accept))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Receiver { url, inbox }
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.inbox.accepted.lock().unwrap().clone()
    }

    pub fn refused(&self) -> usize {
        self.inbox.refused.load(Ordering::SeqCst)
    }

    /// Waits (up to `within`) until `n` requests were accepted, and returns them.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let accepted = self.accepted();
            if accepted.len() >= n || tokio::time::Instant::now() > deadline {
                return accepted;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn accept(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let refuse = inbox.refuse.load(Ordering::SeqCst);
    if refuse > 0 {
        inbox.refuse.store(refuse - 1, Ordering::SeqCst);
        inbox.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        (headers.get(name).and_then(|v| v.to_str().ok()))
            .unwrap_or_default()
            .to_string()
    };
    inbox.accepted.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::OK
}

/// Checks a delivery's signature as a receiver would (Standard Webhooks): the HMAC-SHA256
/// of `{id}.{timestamp}.{body}` keyed by the secret's bytes, in base64 after `v1,`.
pub fn signature_holds(secret: &str, received: &Received) -> bool {
    use base64::Engine;
    let engine = base64::engine::general_purpose::STANDARD;
    let key = engine
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let signed = format!("{}.{}.{}", received.id, received.timestamp, received.body);
    let Some(given) = received.signature.strip_prefix("v1,") else {
        return false;
    };
    let Ok(given) = engine.decode(given) else {
        return false;
    };
    ring::hmac::verify(&key, signed.as_bytes(), &given).is_ok()
}
