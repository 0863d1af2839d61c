//! Vendor dialects: each is a router plus pure render functions from the canonical record
//! to a vendor's JSON, over the same store queries as the native API. A dialect never
//! computes a statistic and never talks SQL.
//!
//! Importers (vendor JSON -> canonical record) live beside the renderer of the same vendor
//! and are public, for `interlog import`.
//!
//! Every dialect answers errors in its vendor's shape: handlers take the principal as
//! `Result<Principal, ApiError>` and map native errors with the dialect's own error type.

pub mod cxengage;
pub mod genesys;
pub mod talkdesk;
mod vonage;
pub mod xplatform;

use axum::http::header::HOST;
use axum::http::HeaderMap;
use axum::Router;

use crate::state::AppState;

/// Why a vendor record cannot be imported: the field at fault and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ImportError {
    pub field: String,
    pub message: String,
}

impl ImportError {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The base URL for absolute links: the configured public URL, else the request's
/// `Host` (with `X-Forwarded-Proto` when a proxy sets it).
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header(HOST.as_str()).unwrap_or("localhost");
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    format!("{scheme}://{host}")
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(vonage::routes())
        .merge(talkdesk::routes())
        .merge(cxengage::routes())
        .merge(genesys::routes())
        .merge(xplatform::routes())
}
