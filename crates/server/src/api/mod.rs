//! The native API, one file per resource. Each route is registered once, here, by its
//! handler: `routes!` reads the method and path from the handler's `#[utoipa::path]`, so
//! the router and the OpenAPI document cannot disagree.

pub(crate) mod admin;
pub(crate) mod agents;
pub(crate) mod audit;
pub(crate) mod content;
pub(crate) mod erasure;
pub(crate) mod events;
pub(crate) mod export;
pub(crate) mod health;
pub(crate) mod imports;
pub(crate) mod integrations;
pub(crate) mod interactions;
pub(crate) mod lists;
pub(crate) mod lookup;
mod page;
mod params;
mod paths;
pub(crate) mod reports;
pub(crate) mod settings;
mod stored;
pub(crate) mod stream;
pub(crate) mod webhooks;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::http::Uri;
use axum::response::Response;

use crate::dialects;
use crate::error::ApiError;
use crate::state::{AppState, Limits};

/// Every native route with its documentation.
pub(crate) fn routes(limits: &Limits) -> OpenApiRouter<AppState> {
    let (schemas, paths, content) = routes!(content::get_content, content::put_content);
    let content = content.layer(DefaultBodyLimit::max(limits.max_content_bytes));
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(events::ingest_events))
        .routes(routes!(imports::import_amazon_connect))
        .routes(routes!(lists::list_interactions))
        .routes(routes!(interactions::get_interaction))
        .routes(routes!(interactions::list_interaction_events))
        .routes((schemas, paths, content))
        .routes(routes!(lists::list_customer_interactions))
        .routes(routes!(agents::list_agent_interactions))
        .routes(routes!(lookup::lookup_interaction))
        .routes(routes!(reports::interval_report))
        .routes(routes!(export::export_interactions))
        .routes(routes!(admin::create_key, admin::list_keys))
        .routes(routes!(admin::revoke_key))
        .routes(routes!(settings::get_settings, settings::put_settings))
        .routes(routes!(erasure::erase_customer))
        .routes(routes!(erasure::list_erasures))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::export_audit))
        .routes(routes!(stream::stream))
        .routes(routes!(webhooks::create_webhook, webhooks::list_webhooks))
        .routes(routes!(webhooks::delete_webhook))
        .routes(routes!(webhooks::list_deliveries))
        .routes(routes!(
            integrations::put_twilio,
            integrations::get_twilio,
            integrations::delete_twilio
        ))
}

/// An unknown route: 404, in the vendor's shape under a dialect's base path.
pub(crate) async fn not_found(uri: Uri) -> Response {
    dialects::refuse(uri.path(), ApiError::not_found("no such route"))
}

/// A known route with another method: 405, in the vendor's shape under a dialect's base path.
pub(crate) async fn method_not_allowed(uri: Uri) -> Response {
    dialects::refuse(uri.path(), ApiError::method_not_allowed())
}
