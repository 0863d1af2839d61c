//! Erasure on request (scope `admin`): `DELETE /api/v1/tenants/{tenant}/customers/{customerId}`
//! erases every interaction of a customer with every trace of them, and answers the
//! receipt; `GET /api/v1/admin/tenants/{tenant}/erasures` lists the receipts, which hold no
//! personal data.

use axum::extract::{Path, State};
use axum::Json;
use interlog_core::{CustomerId, TenantId, Timestamp};
use interlog_store::ErasureReceipt;
use serde::Serialize;
use utoipa::ToSchema;

use super::paths::{CustomerPath, TenantPath};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// What an erasure did: when, by whom, how many interactions and events went. It never
/// names the customer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    pub receipt_id: String,
    pub tenant: TenantId,
    pub erased_at: Timestamp,
    /// The principal that asked: a token's subject or an API key's id.
    pub by: String,
    #[schema(minimum = 0)]
    pub interactions: u64,
    #[schema(minimum = 0)]
    pub events: u64,
}

impl ReceiptView {
    fn new(tenant: &TenantId, receipt: ErasureReceipt) -> Self {
        Self {
            receipt_id: receipt.receipt_id,
            tenant: tenant.clone(),
            erased_at: Timestamp::from_millis(receipt.erased_ms),
            by: receipt.by,
            interactions: receipt.interactions,
            events: receipt.events,
        }
    }
}

/// Erase a customer: every interaction whose customer is this id (or address), and those
/// known only by an address their records give the customer, with their events,
/// transcripts, notes, content, search entries and report contributions. Answers the
/// receipt (nothing found: a receipt of zero). Events sent again afterwards are stored
/// anew: erase once the source has stopped sending them.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant}/customers/{customerId}", tag = "admin",
    params(CustomerPath),
    responses((status = 200, body = ReceiptView, description = "Erased; the receipt"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn erase_customer(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<CustomerPath>,
) -> Result<Json<ReceiptView>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let customer = CustomerId::parse(path.customer_id)
        .map_err(|e| ApiError::invalid_parameter("customerId", e.to_string()))?;
    let by = principal.caller();
    let receipt = (state.store)
        .erase_customer(&tenant, customer.as_str(), &by)
        .await?;
    Ok(Json(ReceiptView::new(&tenant, receipt)))
}

/// The tenant's erasure receipts, newest first.
#[utoipa::path(get, path = "/api/v1/admin/tenants/{tenant}/erasures", tag = "admin",
    params(TenantPath),
    responses((status = 200, body = Vec<ReceiptView>, description = "The receipts"), ApiError),
    security(("bearer" = ["admin"])))]
pub(crate) async fn list_erasures(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
) -> Result<Json<Vec<ReceiptView>>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Admin)?;
    let receipts = state.store.erasure_receipts(&tenant).await?;
    Ok(Json(
        (receipts.into_iter())
            .map(|r| ReceiptView::new(&tenant, r))
            .collect(),
    ))
}
