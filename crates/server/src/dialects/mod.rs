//! Vendor dialects: each is a router plus pure render functions from the canonical record
//! to a vendor's JSON, over the same store queries as the native API. A dialect never
//! computes a statistic and never talks SQL.
//!
//! Every dialect answers errors in its vendor's shape: handlers take the principal as
//! `Result<Principal, ApiError>` and map native errors with the dialect's own error type.

mod vonage;

use axum::Router;

use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new().merge(vonage::routes())
}
