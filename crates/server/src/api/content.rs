//! Binary content of an interaction (photos, attachments):
//! `PUT .../interactions/{id}/content/{contentId}` uploads the bytes with their Content-Type;
//! `GET` returns them with that Content-Type and an ETag (the SHA-256).
//!
//! An upload is also an event: the store keeps the bytes and appends a `content-added` event
//! carrying the metadata (size, sha256), so the record's `content.binaries` comes from the
//! projection like everything else. Re-uploading identical bytes is a duplicate (same event id).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use interlog_core::event::ContentAdded;
use interlog_core::record::BinaryKind;
use interlog_core::{ContentId, Event, EventBody, EventId, InteractionId, Timestamp};
use interlog_store::Appended;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::params::Params;
use super::paths::ContentPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// What was stored.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadResponse {
    pub content_id: ContentId,
    pub mime: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes (also the ETag).
    pub sha256: String,
}

/// How an upload is described.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadParams {
    /// Default attachment.
    #[param(inline)]
    kind: Option<BinaryKind>,
    /// A file name to keep with the content.
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    name: Option<String>,
    /// When the content was added (RFC 3339); default now.
    timestamp: Option<Timestamp>,
}

impl UploadParams {
    fn parse(mut params: Params) -> Result<Self, ApiError> {
        let upload = Self {
            kind: params.choice("kind", &["photo", "attachment", "recording"])?,
            name: params.text("name")?,
            timestamp: params.timestamp("timestamp")?,
        };
        params.finish()?;
        Ok(upload)
    }
}

/// What an upload stores, before it becomes a `content-added` event.
struct Upload<'a> {
    id: &'a InteractionId,
    content_id: &'a ContentId,
    sha256: &'a str,
    size: u64,
    mime: &'a str,
    params: UploadParams,
}

fn parse_ids(id: String, content_id: String) -> Result<(InteractionId, ContentId), ApiError> {
    let id = InteractionId::parse(id)
        .map_err(|e| ApiError::invalid_parameter("interactionId", e.to_string()))?;
    let content_id = ContentId::parse(content_id)
        .map_err(|e| ApiError::invalid_parameter("contentId", e.to_string()))?;
    Ok((id, content_id))
}

/// Upload a binary (photo, attachment) with its Content-Type. 201 when stored, 200 when the
/// same bytes were already there; 413 above the upload limit.
#[utoipa::path(put,
    path = "/api/v1/tenants/{tenant}/interactions/{interactionId}/content/{contentId}",
    tag = "content",
    params(ContentPath, UploadParams),
    request_body(content = String, content_type = "application/octet-stream",
        description = "The bytes; any Content-Type, which is kept"),
    responses(
        (status = 201, body = UploadResponse, description = "Stored"),
        (status = 200, body = UploadResponse, description = "Already stored"),
        ApiError),
    security(("bearer" = ["interactions:write"])))]
pub(crate) async fn put_content(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<ContentPath>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Write)?;
    let (id, content_id) = parse_ids(path.interaction_id, path.content_id)?;
    let params = UploadParams::parse(Params::new(query)?)?;
    let mime = match headers.get(CONTENT_TYPE).map(|v| v.to_str()) {
        Some(Ok(mime)) if !mime.trim().is_empty() => mime.trim().to_string(),
        _ => {
            return Err(ApiError::unsupported_media_type(
                "send the content's type in the Content-Type header",
            ))
        }
    };
    let bytes = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(_) => {
            ApiError::payload_too_large(state.limits.max_content_bytes)
        }
        other => ApiError::bad_request(other.body_text()),
    })?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    let event = upload_event(Upload {
        id: &id,
        content_id: &content_id,
        sha256: &sha256,
        size: bytes.len() as u64,
        mime: &mime,
        params,
    });
    let outcome = state
        .store
        .put_content(&tenant, &event, &mime, &bytes)
        .await?;
    let status = if outcome == Appended::New {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let tag = etag(&sha256);
    let body = UploadResponse {
        content_id,
        mime,
        size: bytes.len() as u64,
        sha256,
    };
    Ok((status, [(ETAG, tag)], Json(body)).into_response())
}

/// The `content-added` event of an upload. Its id is derived from what was uploaded, so
/// repeating an upload is a duplicate.
fn upload_event(upload: Upload) -> Event {
    let Upload {
        id,
        content_id,
        sha256,
        size,
        mime,
        params,
    } = upload;
    let key = format!(
        "{:x}",
        Sha256::digest(format!("{id}/{content_id}/{sha256}/{mime}"))
    );
    Event {
        // Hex digits after a fixed prefix always form a valid event id.
        event_id: EventId::parse(format!("upload-{}", &key[..40])).expect("valid event id"),
        interaction_id: id.clone(),
        timestamp: params
            .timestamp
            .unwrap_or_else(|| Timestamp::from_millis(chrono::Utc::now().timestamp_millis())),
        body: EventBody::ContentAdded(ContentAdded {
            content_id: Some(content_id.to_string()),
            kind: params.kind,
            mime: Some(mime.to_string()),
            name: params.name,
            text: None,
            data: None,
            size: Some(size),
            sha256: Some(sha256.to_string()),
        }),
    }
}

fn etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}

/// The bytes of a binary, with their Content-Type and an ETag (honours If-None-Match).
#[utoipa::path(get,
    path = "/api/v1/tenants/{tenant}/interactions/{interactionId}/content/{contentId}",
    tag = "content",
    params(ContentPath),
    responses(
        (status = 200, description = "The bytes, with their stored Content-Type"),
        (status = 304, description = "Not modified"),
        ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn get_content(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<ContentPath>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let (id, content_id) = parse_ids(path.interaction_id, path.content_id)?;
    let Some(content) = state
        .store
        .get_content(&tenant, &id, content_id.as_str())
        .await?
    else {
        return Err(ApiError::not_found(format!(
            "interaction {id} has no content {content_id}"
        )));
    };
    let tag = etag(&content.sha256);
    let cache = [
        (ETAG, tag.clone()),
        (
            CACHE_CONTROL,
            "private, max-age=0, must-revalidate".to_string(),
        ),
    ];
    if headers
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, [(CONTENT_TYPE, content.mime)], content.bytes).into_response())
}
