//! `/api/v1/admin/tenants/{tenant}/webhooks` (scope `admin`, for that tenant): webhooks out.
//!
//! - `POST` `{"url", "events", "secret"?, "queues"?, "channels"?, "description"?}` makes a
//!   subscription and answers it with its secret (made when not given), once.
//! - `GET` lists the tenant's subscriptions (never their secrets).
//! - `DELETE .../{webhookId}` removes one, with its queued deliveries.
//! - `GET .../{webhookId}/deliveries` lists its deliveries, newest first: state, attempts,
//!   the receiver's last answer.
//!
//! What is delivered, how it is signed and retried: `crate::webhooks`.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use interlog_core::record::ChannelType;
use interlog_core::webhooks::{self, WebhookEvent, WebhookFilter, SECRET_PREFIX};
use interlog_core::Timestamp;
use interlog_store::{DeliveryState, WebhookDelivery, WebhookSubscription};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::Params;
use super::paths::{TenantPath, WebhookPath};
use crate::auth::keys::random_bytes;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// A subscription to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhook {
    /// Where deliveries are POSTed: `https://...` (or `http://`).
    #[schema(
        max_length = 2048,
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"
    )]
    pub url: String,
    /// `interaction.ended` (once, when an interaction ends) and/or `interaction.updated`
    /// (every change of its record).
    #[schema(value_type = Vec<WebhookEvent>, min_items = 1)]
    pub events: Vec<String>,
    /// `whsec_` and 24 to 64 bytes in base64; made for you when left out (the answer shows it).
    #[schema(pattern = "^whsec_([A-Za-z0-9+/]{4}){8,16}$")]
    pub secret: Option<String>,
    /// Only interactions that visited one of these queues (ids or names).
    #[serde(default)]
    #[schema(value_type = Vec<QueueRef>)]
    pub queues: Vec<String>,
    /// Only interactions of these channels.
    #[serde(default)]
    #[schema(value_type = Vec<ChannelType>)]
    pub channels: Vec<String>,
    #[schema(max_length = 200)]
    pub description: Option<String>,
}

/// A queue's id or name (a document only).
pub struct QueueRef;

impl utoipa::PartialSchema for QueueRef {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .min_length(Some(1))
            .max_length(Some(200))
            .into()
    }
}

impl ToSchema for QueueRef {}

/// A subscription; `secret` appears only in the answer to its creation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub queues: Vec<String>,
    pub channels: Vec<ChannelType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

fn webhook_view(s: WebhookSubscription, with_secret: bool) -> WebhookView {
    WebhookView {
        id: s.subscription_id,
        url: s.url,
        events: s.filter.events,
        queues: s.filter.queues,
        channels: s.filter.channels,
        description: s.description,
        created_at: Timestamp::from_millis(s.created_ms),
        secret: with_secret.then_some(s.secret),
    }
}

/// Subscriptions a tenant may hold.
const MAX_SUBSCRIPTIONS: usize = 50;

/// Subscribe to webhooks. Deliveries are signed with the secret (Standard Webhooks:
/// `webhook-id`, `webhook-timestamp`, `webhook-signature`), which this answer shows once.
#[utoipa::path(post, path = "/api/v1/admin/tenants/{tenant}/webhooks", tag = "admin",
    params(TenantPath),
    request_body = CreateWebhook,
    responses(
        (status = 201, body = WebhookView, description = "The subscription, with its secret (shown once)"),
        ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn create_webhook(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    body: Result<Json<CreateWebhook>, JsonRejection>,
) -> Result<(StatusCode, Json<WebhookView>), ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let Json(request) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let invalid = ApiError::invalid_parameter;
    webhooks::check_url(&request.url).map_err(|e| invalid("url", e))?;
    let filter = WebhookFilter::new(&request.events, request.queues, &request.channels)
        .map_err(|(field, e)| invalid(field, e))?;
    let secret = match request.secret {
        Some(secret) => {
            webhooks::secret_key(&secret).map_err(|e| invalid("secret", e))?;
            secret
        }
        None => format!("{SECRET_PREFIX}{}", STANDARD.encode(random_bytes::<32>())),
    };
    if (request.description.as_ref()).is_some_and(|d| d.chars().count() > 200) {
        return Err(invalid(
            "description",
            "must be at most 200 characters".to_string(),
        ));
    }
    if state.store.webhooks(&tenant).await?.len() >= MAX_SUBSCRIPTIONS {
        let message = format!("a tenant holds at most {MAX_SUBSCRIPTIONS} subscriptions");
        return Err(ApiError::conflict(message));
    }
    let subscription = WebhookSubscription {
        tenant,
        subscription_id: format!("wh_{}", URL_SAFE_NO_PAD.encode(random_bytes::<12>())),
        url: request.url,
        filter,
        secret,
        description: request.description,
        created_ms: chrono::Utc::now().timestamp_millis(),
    };
    state.store.create_webhook(&subscription).await?;
    tracing::info!(webhook = %subscription.subscription_id, tenant = %subscription.tenant,
        "webhook subscription created");
    Ok((StatusCode::CREATED, Json(webhook_view(subscription, true))))
}

/// List the tenant's webhook subscriptions (without their secrets), oldest first.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{tenant}/webhooks", tag = "admin",
    params(TenantPath),
    responses((status = 200, body = Vec<WebhookView>), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn list_webhooks(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let subscriptions = state.store.webhooks(&tenant).await?;
    let views = subscriptions.into_iter().map(|s| webhook_view(s, false));
    Ok(Json(views.collect()))
}

/// Remove a webhook subscription; its deliveries not yet made are dropped.
#[utoipa::path(delete, path = "/api/v1/admin/tenants/{tenant}/webhooks/{webhookId}", tag = "admin",
    params(WebhookPath),
    responses((status = 204, description = "Removed"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn delete_webhook(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<WebhookPath>,
) -> Result<StatusCode, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    if !state
        .store
        .delete_webhook(&tenant, &path.webhook_id)
        .await?
    {
        return Err(ApiError::not_found("no such webhook subscription"));
    }
    tracing::info!(webhook = %path.webhook_id, %tenant, "webhook subscription removed");
    Ok(StatusCode::NO_CONTENT)
}

/// Which deliveries to list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read through `Params`; the struct documents them
pub(crate) struct DeliveryParams {
    /// Only deliveries in this state.
    #[param(value_type = Option<DeliveryState>, inline)]
    state: Option<String>,
    /// 1 to 1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// One delivery: what it carries, where it stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    /// The `webhook-id` each attempt carries (the same for every attempt).
    pub id: String,
    pub event: WebhookEvent,
    pub interaction_id: String,
    pub state: DeliveryState,
    pub attempts: u32,
    pub created_at: Timestamp,
    /// When the next attempt is due (pending deliveries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_attempt_at: Option<Timestamp>,
    /// The receiver's last HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_status: Option<u16>,
    /// Why the last attempt failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// A page of deliveries.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for older deliveries; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn delivery_view(d: WebhookDelivery) -> DeliveryView {
    let pending = d.state == DeliveryState::Pending;
    DeliveryView {
        id: d.delivery_id,
        event: d.event,
        interaction_id: d.interaction_id,
        state: d.state,
        attempts: d.attempts,
        created_at: Timestamp::from_millis(d.created_ms),
        next_attempt_at: pending.then(|| Timestamp::from_millis(d.next_ms)),
        last_attempt_at: d.last_ms.map(Timestamp::from_millis),
        last_status: d.last_status,
        last_error: d.last_error,
    }
}

/// A subscription's deliveries, newest first: pending (with the next attempt's time),
/// delivered, or failed (retried for the whole retry period). Settled ones are kept a week.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{tenant}/webhooks/{webhookId}/deliveries",
    tag = "admin",
    params(WebhookPath, DeliveryParams),
    responses((status = 200, body = DeliveryPage), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn list_deliveries(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<WebhookPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let mut params = Params::new(query)?;
    let wanted = params.choice("state", &["pending", "delivered", "failed"])?;
    let limit = params.limit(100, 1000)?;
    let before = params.parsed("cursor", decode_cursor)?;
    params.finish()?;
    let known = state.store.webhooks(&tenant).await?;
    if !known.iter().any(|s| s.subscription_id == path.webhook_id) {
        return Err(ApiError::not_found("no such webhook subscription"));
    }
    let (deliveries, next) = (state.store)
        .webhook_deliveries(&tenant, &path.webhook_id, wanted, before, limit)
        .await?;
    Ok(Json(DeliveryPage {
        items: deliveries.into_iter().map(delivery_view).collect(),
        next_cursor: next.map(|p| URL_SAFE_NO_PAD.encode(format!("delivery:{p}"))),
    }))
}

fn decode_cursor(raw: &str) -> Result<i64, String> {
    let text = (URL_SAFE_NO_PAD.decode(raw).ok()).and_then(|b| String::from_utf8(b).ok());
    (text.as_deref().and_then(|t| t.strip_prefix("delivery:")))
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| "is not a cursor this API gave".into())
}
