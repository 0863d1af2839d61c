//! Request ids. Each request gets one: the `x-request-id` it came with (a proxy's or a
//! client's: up to 128 visible characters of `A-Z a-z 0-9 . _ : -`), else a new UUID. It is
//! returned in the response's `x-request-id`, recorded on the request's log span (so every
//! log line of the request carries it), and written in the body of a native 5xx, so an
//! operator can find a failure from a user's screenshot.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

pub(crate) const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled, if any.
pub(crate) fn current() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Whether a client's id is kept: short, and nothing a log reader could be fooled by.
fn acceptable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".:_-".contains(&b))
}

/// The middleware: assigns the id, puts it on the request (for the log span) and the
/// response, and makes it [`current`] while the request is handled.
pub(crate) async fn assign(mut request: Request, next: Next) -> Response {
    let id = (request.headers().get(&X_REQUEST_ID))
        .and_then(|v| v.to_str().ok())
        .filter(|id| acceptable(id))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_string);
    let value = HeaderValue::from_str(&id).expect("an acceptable id is a header value");
    request.headers_mut().insert(X_REQUEST_ID, value.clone());
    let mut response = REQUEST_ID.scope(id, next.run(request)).await;
    response.headers_mut().insert(X_REQUEST_ID, value);
    response
}

/// The log span of a request: method, path and its id.
pub(crate) fn span(request: &Request) -> Span {
    let id = (request.headers().get(&X_REQUEST_ID))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        uri = %request.uri(),
        request_id = %id,
    )
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(acceptable("3f2a9c1e-proxy:7"));
        assert!(acceptable(&"a".repeat(128)));
        assert!(!acceptable(&"a".repeat(129)));
        assert!(!acceptable(""));
        assert!(!acceptable("id with spaces"));
        assert!(!acceptable("x\"}{"));
    }
}
