//! The path parameters of the native routes, as the handlers extract them; their doc
//! comments are the OpenAPI document's descriptions.

use interlog_core::{AgentId, ContentId, CustomerId, InteractionId, TenantId};
use serde::Deserialize;
use utoipa::IntoParams;

/// `/api/v1/tenants/{tenant}` and `/api/v1/admin/tenants/{tenant}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct TenantPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
}

/// `.../interactions/{interactionId}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct InteractionPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
    /// The interaction.
    #[param(value_type = InteractionId, inline)]
    pub interaction_id: String,
}

/// `.../interactions/{interactionId}/content/{contentId}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct ContentPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
    /// The interaction.
    #[param(value_type = InteractionId, inline)]
    pub interaction_id: String,
    /// The content's id within the interaction.
    #[param(value_type = ContentId, inline)]
    pub content_id: String,
}

/// `.../customers/{customerId}/interactions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct CustomerPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
    /// The customer's id (or address, when the platform gives no id).
    #[param(value_type = CustomerId, inline)]
    pub customer_id: String,
}

/// `.../agents/{agentId}/interactions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct AgentPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
    /// The agent.
    #[param(value_type = AgentId, inline)]
    pub agent_id: String,
}

/// `/api/v1/admin/keys/{keyId}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct KeyPath {
    /// The key.
    #[param(pattern = r"^[^\x00]*$")]
    pub key_id: String,
}

/// `/api/v1/admin/tenants/{tenant}/webhooks/{webhookId}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase")]
pub(crate) struct WebhookPath {
    /// The tenant.
    #[param(value_type = TenantId, inline)]
    pub tenant: String,
    /// The subscription.
    #[param(pattern = r"^[^\x00]*$")]
    pub webhook_id: String,
}
