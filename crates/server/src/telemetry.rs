//! Prometheus metrics at `GET /metrics` (the text exposition format, written by
//! `metrics-exporter-prometheus`). Labels are bounded: route templates, methods, status
//! classes, event sources and outcomes; never a tenant, an interaction or a raw path.
//!
//! - `interlog_http_requests_total{route, method, status}` and
//!   `interlog_http_request_duration_seconds{route, method}` (to the response's head; a
//!   streamed export's body is not timed): every request, `route` its template
//!   (`/api/v1/tenants/:tenant/events`) or `unmatched`, `status` its class (`2xx`).
//! - `interlog_events_total{source, outcome}`: events `accepted`, `duplicate` or
//!   `rejected`, by `source` (`http`, `nats`).
//! - `interlog_nats_pending_messages` (the consumer's lag) and
//!   `interlog_nats_redeliveries_total`.
//! - `interlog_store_commit_duration_seconds` and `interlog_store_commit_events`: each group
//!   commit's time and number of events (recorded by the store).
//! - `interlog_store_projections_total{fold}`: each projection the writer made, by how:
//!   `new`, `kept` (folded onto the kept projection) or `log` (folded from the whole log).
//! - `interlog_db_connections{pool, state}`: the database pools' connections `in_use` and
//!   `idle`, read at each scrape.
//!
//! The recorder is global to the process (installed once, at the first [`handle`]).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

/// Seconds: from a fraction of a millisecond to ten seconds.
const SECONDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Events per group commit.
const EVENTS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 5000.0];

/// The process's recorder, installed at the first call.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("_events".into()), EVENTS))
                .expect("bucket lists are not empty")
                .build_recorder();
            let handle = recorder.handle();
            // Another recorder set first (an embedding program's) keeps its place.
            let _ = metrics::set_global_recorder(recorder);
            describe();
            handle
        })
        .clone()
}

/// The HELP line of each metric.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "interlog_http_requests_total",
        "HTTP requests by route template, method and status class"
    );
    describe_histogram!(
        "interlog_http_request_duration_seconds",
        Unit::Seconds,
        "Time to a response's head, by route template and method"
    );
    describe_counter!(
        "interlog_events_total",
        "Events received, by source and outcome (accepted, duplicate, rejected)"
    );
    describe_histogram!(
        "interlog_store_commit_duration_seconds",
        Unit::Seconds,
        "Time of each group commit (one transaction for every append waiting)"
    );
    describe_histogram!(
        "interlog_store_commit_events",
        "Events in each group commit"
    );
    describe_counter!(
        "interlog_store_projections_total",
        "Projections the writer made (appends, re-projections), by fold: new, kept (onto the kept projection), log (the whole log)"
    );
    describe_gauge!(
        "interlog_report_pending_changes",
        "Report changes waiting to be folded into the rollups when the folder last looked"
    );
    describe_gauge!(
        "interlog_nats_pending_messages",
        "Messages in the stream not yet delivered to the consumer (its lag)"
    );
    describe_counter!(
        "interlog_nats_redeliveries_total",
        "Stream messages delivered more than once"
    );
    describe_gauge!(
        "interlog_db_connections",
        "Database connections by pool (writer, reader) and state (in_use, idle)"
    );
}

/// The route template a request matched, handed from the inner layer to the outer one.
#[derive(Clone)]
struct Route(MatchedPath);

/// The inner layer (a route layer, where the matched template is known).
pub(crate) async fn route(matched: MatchedPath, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.extensions_mut().insert(Route(matched));
    response
}

/// The outer layer: counts and times every request.
pub(crate) async fn record(request: Request, next: Next) -> Response {
    let method = method_index(request.method());
    let began = Instant::now();
    let response = next.run(request).await;
    let route = response.extensions().get::<Route>();
    let handles = handles(route.map_or("unmatched", |r| r.0.as_str()), method);
    handles.duration.record(began.elapsed());
    let class = usize::from(response.status().as_u16() / 100).clamp(1, 5) - 1;
    let counter = handles.requests[class].get_or_init(|| {
        let labels = [
            ("route", handles.route.clone()),
            ("method", METHODS[method].into()),
            ("status", STATUS_CLASSES[class].into()),
        ];
        metrics::counter!("interlog_http_requests_total", &labels)
    });
    counter.increment(1);
    response
}

/// Methods as labels: the standard ones, then `other`.
const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "other",
];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The metric handles of a route and method, made at their first request: `metrics`'
/// macros build, allocate and hash the labels at every call, about a twentieth of a read's
/// CPU; a handle records with neither.
struct Handles {
    /// The route's label.
    route: String,
    duration: Histogram,
    /// By status class, each made at its first response (a class never seen is no series).
    requests: [OnceLock<Counter>; 5],
}

/// The handles of each route's methods, by the route's template as axum gives it.
type Routes = HashMap<String, [Option<Arc<Handles>>; METHODS.len()]>;

fn handles(path: &str, method: usize) -> Arc<Handles> {
    static ROUTES: LazyLock<RwLock<Routes>> = LazyLock::new(RwLock::default);
    let known = ROUTES.read().unwrap_or_else(|e| e.into_inner());
    if let Some(handles) = known.get(path).and_then(|methods| methods[method].clone()) {
        return handles;
    }
    drop(known);
    let mut routes = ROUTES.write().unwrap_or_else(|e| e.into_inner());
    let methods = routes.entry(path.to_string()).or_default();
    let handles = methods[method].get_or_insert_with(|| {
        let route = template(path);
        let labels = [("route", route.clone()), ("method", METHODS[method].into())];
        Arc::new(Handles {
            route,
            duration: metrics::histogram!("interlog_http_request_duration_seconds", &labels),
            requests: Default::default(),
        })
    });
    handles.clone()
}

/// A route template as a label, its parameters written `:name` (`/tenants/:tenant/events`):
/// braces inside label values trip up simpler parsers of the text format.
pub(crate) fn template(path: &str) -> String {
    path.replace('{', ":").replace('}', "")
}

/// The method's place in [`METHODS`].
fn method_index(method: &Method) -> usize {
    match *method {
        Method::GET => 0,
        Method::POST => 1,
        Method::PUT => 2,
        Method::DELETE => 3,
        Method::PATCH => 4,
        Method::HEAD => 5,
        Method::OPTIONS => 6,
        _ => 7,
    }
}

/// Counts a batch's events by outcome.
pub(crate) fn events(source: &'static str, accepted: usize, duplicates: usize, rejected: usize) {
    for (outcome, n) in [
        ("accepted", accepted),
        ("duplicate", duplicates),
        ("rejected", rejected),
    ] {
        metrics::counter!("interlog_events_total", "source" => source, "outcome" => outcome)
            .increment(n as u64);
    }
}

/// `GET /metrics`: the text exposition format, with the pools read now.
pub(crate) async fn scrape(State(state): State<AppState>) -> Response {
    for pool in state.store.pools() {
        let in_use = pool.size.saturating_sub(pool.idle);
        metrics::gauge!("interlog_db_connections", "pool" => pool.name, "state" => "in_use")
            .set(in_use as f64);
        metrics::gauge!("interlog_db_connections", "pool" => pool.name, "state" => "idle")
            .set(pool.idle as f64);
    }
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], handle().render()).into_response()
}
