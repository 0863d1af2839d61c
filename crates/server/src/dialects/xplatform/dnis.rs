//! The DNIS pool: phone numbers handed to visual-IVR sessions, so that the call the customer
//! then places is matched to the session by the number dialled.
//!
//! `POST /` creates a phone (`{"phoneNumber","dnId","groupName","enabled"}`; 409 when it
//! exists); `POST allocate/new` (`{"group","id"}`) answers the allocated number (403 when
//! none is free); `GET allocate/get/{phone}` answers the unique id on a number or DNID (an
//! empty 200 when it is not allocated, 404 when unknown); `POST allocate/free/{phone}`
//! releases it. Allocations lapse after the configured timeout. An allocation also records
//! the number as the interaction's `allocatedPhone` caller key.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use interlog_core::event::CallerKeysSet;
use interlog_core::record::CallerKeys;
use interlog_core::{Event, EventBody, EventId, InteractionId, Timestamp};
use interlog_store::DnisPhone;
use serde::Deserialize;
use utoipa::ToSchema;

use interlog_dialects::xplatform::error::text;
use interlog_dialects::VendorError;

use super::{authorize, check_version, XpError};
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn bad_request(message: impl Into<String>) -> VendorError {
    text(400, message)
}

fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, VendorError> {
    serde_json::from_slice(body).map_err(|e| bad_request(e.to_string()))
}

/// A phone to add to the pool.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct NewPhone {
    phone_number: String,
    dn_id: Option<String>,
    group_name: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// Adds a phone number to the pool (409 when it exists).
#[utoipa::path(post, path = "/compat/xplatform/interact/version/{version}/dnis",
    params(
        ("version" = String, Path, description = "The API version: `2` or `v2`"),
        ("Tenant-Id" = String, Header, description = "The tenant"),
    ),
    request_body = NewPhone,
    responses((status = 200, body = String, content_type = "text/plain", description = "Created"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn create_phone(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(version): Path<String>,
    body: Bytes,
) -> Result<String, XpError> {
    check_version(&version)?;
    let tenant = authorize(principal, &headers, None, Scope::Write)?;
    let phone: NewPhone = json_body(&body)?;
    if phone.phone_number.trim().is_empty() {
        return Err(bad_request("phoneNumber must not be empty").into());
    }
    let record = DnisPhone {
        phone_number: phone.phone_number,
        dn_id: phone.dn_id,
        group: phone.group_name,
        enabled: phone.enabled,
    };
    if !state.store.create_dnis_phone(&tenant, &record).await? {
        let message = format!(
            "Cannot create Phone '{}'. A phone with that name already exists",
            record.phone_number
        );
        return Err(text(409, message).into());
    }
    Ok(record.phone_number)
}

/// What to allocate: a number of `group` (any group when absent) to interaction `id`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct AllocateRequest {
    group: Option<String>,
    id: String,
}

/// Allocates a free number of a group to an interaction (403 when none is free).
#[utoipa::path(post, path = "/compat/xplatform/interact/version/{version}/dnis/allocate/new",
    params(
        ("version" = String, Path, description = "The API version: `2` or `v2`"),
        ("Tenant-Id" = String, Header, description = "The tenant"),
    ),
    request_body = AllocateRequest,
    responses((status = 200, body = String, content_type = "text/plain", description = "The allocated number"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn allocate(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path(version): Path<String>,
    body: Bytes,
) -> Result<String, XpError> {
    check_version(&version)?;
    let tenant = authorize(principal, &headers, None, Scope::Write)?;
    let request: AllocateRequest = json_body(&body)?;
    let interaction =
        InteractionId::parse(request.id.clone()).map_err(|e| bad_request(format!("id: {e}")))?;
    let timeout = state.dnis_timeout.as_millis() as i64;
    let now = now_ms();
    let phone = state
        .store
        .allocate_dnis_phone(
            &tenant,
            request.group.as_deref(),
            interaction.as_str(),
            now,
            timeout,
        )
        .await?
        .ok_or_else(|| text(403, "Currently there are no available phone numbers"))?;
    // The session's history remembers the number it was handed.
    let event = Event {
        event_id: EventId::parse(format!(
            "dnis-{}-{now}",
            phone
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        ))
        .map_err(|e| bad_request(e.to_string()))?,
        interaction_id: interaction,
        timestamp: Timestamp::from_millis(now),
        body: EventBody::CallerKeysSet(CallerKeysSet {
            caller_keys: CallerKeys {
                allocated_phone: Some(phone.clone()),
                ..CallerKeys::default()
            },
        }),
    };
    state.store.append_events(&tenant, &[event]).await?;
    Ok(phone)
}

/// The interaction a number is allocated to.
#[utoipa::path(get, path = "/compat/xplatform/interact/version/{version}/dnis/allocate/get/{phone}",
    params(
        ("version" = String, Path, description = "The API version: `2` or `v2`"),
        ("Tenant-Id" = String, Header, description = "The tenant"),
        ("phone" = String, Path, description = "The phone number (or its DNID)"),
    ),
    responses((status = 200, body = String, content_type = "text/plain", description = "The unique id on the number; empty when not allocated"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn allocation(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, phone)): Path<(String, String)>,
) -> Result<String, XpError> {
    check_version(&version)?;
    let tenant = authorize(principal, &headers, None, Scope::Read)?;
    let timeout = state.dnis_timeout.as_millis() as i64;
    match state
        .store
        .dnis_allocation(&tenant, &phone, now_ms(), timeout)
        .await?
    {
        Some(allocation) => Ok(allocation.interaction.unwrap_or_default()),
        None => Err(text(404, format!("Phone number {phone} was not found")).into()),
    }
}

/// Frees a number.
#[utoipa::path(post, path = "/compat/xplatform/interact/version/{version}/dnis/allocate/free/{phone}",
    params(
        ("version" = String, Path, description = "The API version: `2` or `v2`"),
        ("Tenant-Id" = String, Header, description = "The tenant"),
        ("phone" = String, Path, description = "The phone number (or its DNID)"),
    ),
    responses((status = 200, body = String, content_type = "text/plain", description = "Freed"), XpError),
    security(("applicationKey" = []), ("bearer" = [])))]
pub(super) async fn free(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    headers: HeaderMap,
    Path((version, phone)): Path<(String, String)>,
) -> Result<String, XpError> {
    check_version(&version)?;
    let tenant = authorize(principal, &headers, None, Scope::Write)?;
    if state.store.free_dnis_phone(&tenant, &phone).await? {
        Ok(String::new())
    } else {
        Err(text(404, format!("Phone number {phone} was not found")).into())
    }
}
