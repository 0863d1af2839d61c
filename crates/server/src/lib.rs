//! # interlog-server
//!
//! The HTTP face of Interlog: the router, authentication, error mapping and the native API.
//! Handlers parse, authorize, call the store, and render; nothing here computes statistics
//! (that is `interlog_core::project`) or speaks SQL (that is `interlog_store`).
//!
//! # Layout
//! - [`state`]: `AppState(Arc<App>)`, what every handler can reach, and [`state::open`].
//! - [`error`]: [`error::ApiError`], the one error shape of the native API.
//! - [`auth`]: the [`auth::Principal`] extractor, JWT verification and issuing, the secret.
//! - `api/`: native routes, one file per resource.
//! - `dialects/`: the vendor APIs' routes and handlers, over the same store queries; what
//!   the vendors' JSON looks like is `interlog_dialects`, pure.
//! - `audit`: the audit trail, one entry per request that reaches a route.
//! - `nul`: refuses a NUL character in a request's path or query, for every route.
//! - `request_id`: each request's id (`x-request-id`), on its log span and in 5xx bodies.
//! - [`nats`]: ingest from NATS JetStream (a durable pull consumer).
//! - [`telemetry`]: Prometheus metrics (`/metrics`), labels bounded.
//! - `webhooks`: the worker that delivers the webhook outbox, signed, retried.
//! - [`openapi`]: the OpenAPI document (`/openapi.json`) and its page (`/docs`).
//!
//! [`run`] takes the listener and the shutdown signal from the caller, so the binary and the
//! black-box tests start the server the same way.

mod audit;
pub mod auth;
pub mod error;
pub mod openapi;
pub mod state;

mod api;
pub mod console;
mod dialects;
pub mod nats;
mod nul;
mod request_id;
mod retention;
pub mod telemetry;
mod webhooks;

/// API-key views and scope parsing shared with the CLI's `interlog keys`.
pub mod api_keys {
    pub use crate::api::admin::{parse_scopes, KeyView};
}

use std::future::Future;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use state::{open, AppState, Config};
pub use webhooks::WebhookConfig;

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits.max_body_bytes;
    let (native, document) = openapi::native(&state.limits);
    let mut router = Router::new()
        .merge(native)
        .merge(openapi::routes(document))
        .merge(dialects::routes())
        .merge(console::routes());
    if state.metrics_on_main {
        router = router.route("/metrics", get(telemetry::scrape));
    }
    router
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            audit::record,
        ))
        .route_layer(axum::middleware::from_fn(telemetry::route))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // Outside the audit and route layers on purpose: a NUL never reaches an audit entry
        // (PostgreSQL could not store it), and a refused request is no route's.
        .layer(axum::middleware::from_fn(nul::refuse))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_id::span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(axum::middleware::from_fn(telemetry::record))
        // Outermost: the id is assigned before the span that records it.
        .layer(axum::middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// Serves `GET /metrics` alone on `listener` (`serve --metrics-listen`), until the process
/// ends; build `state` with `Config::metrics_on_main` false so the main router leaves it.
pub async fn run_metrics(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    let router = Router::new()
        .route("/metrics", get(telemetry::scrape))
        .with_state(state);
    axum::serve(listener, router).await
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let audit = state.audit.clone();
    let stopping = state.stopping.clone();
    let shutdown = async move {
        shutdown.await;
        stopping.send_replace(true); // live streams end, so no request waits on them
    };
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    audit.flush().await; // the entries of the last requests
    Ok(())
}
