//! `POST /api/v1/tenants/{tenant}/events`: ingest a batch of events.
//!
//! The body is a JSON array of events (a single object is taken as a batch of one), or
//! NDJSON with `Content-Type: application/x-ndjson`. Each event is validated on its own:
//! valid events are stored even when others are rejected, and every rejection names its
//! index and field. The answer comes only after the valid events are committed: 200, or
//! 422 (same body) when every event of the batch was rejected and nothing was stored.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use interlog_core::{parse_new_event, Event, TenantId};
use interlog_store::Appended;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::openapi::EventDoc;
use crate::state::AppState;

/// The answer to an ingested batch.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    accepted: usize,
    duplicates: usize,
    rejected: Vec<Rejection>,
}

/// One event of the batch that was not stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rejection {
    /// Position in the batch (0-based; for NDJSON, among the non-blank lines).
    pub(crate) index: usize,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) field: Option<String>,
}

/// Ingest a batch of events: a JSON array (or one object), or NDJSON with
/// `Content-Type: application/x-ndjson`. Valid events are stored even when others are
/// rejected; the answer comes after they are committed. A repeated eventId is a duplicate.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant}/events", tag = "events",
    params(TenantPath),
    request_body(content = Vec<EventDoc>,
        description = "The events (or the same as NDJSON lines)"),
    responses(
        (status = 200, body = IngestResponse,
            description = "What was accepted, what was a duplicate, what was rejected and why"),
        (status = 422, body = IngestResponse,
            description = "Every event of the batch was rejected (each by index); nothing was stored"),
        ApiError),
    security(("bearer" = ["interactions:write"])))]
pub(crate) async fn ingest_events(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<IngestResponse>), ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Write)?;
    let body = body.map_err(|rejection| body_error(&state, rejection))?;
    let values = parse_batch(body_format(&headers)?, &body)?;

    let mut events: Vec<Event> = Vec::with_capacity(values.len());
    let mut rejected = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        let event = value.and_then(|v| {
            parse_new_event(v)
                .map_err(|e| rejection(index, "invalid_event", e.to_string(), Some(e.field)))
        });
        match event {
            Ok(event) => events.push(event),
            Err(r) => rejected.push(r),
        }
    }
    store_batch(&state, &tenant, "http", events, rejected).await
}

/// Appends `events` and answers what was stored, duplicated and `rejected`: 200, or 422
/// when nothing could be stored (so that a sender never mistakes it for a delivery).
pub(crate) async fn store_batch(
    state: &AppState,
    tenant: &TenantId,
    source: &'static str,
    events: Vec<Event>,
    rejected: Vec<Rejection>,
) -> Result<(StatusCode, Json<IngestResponse>), ApiError> {
    let outcome = state.store.append_events(tenant, &events).await?;
    let accepted = outcome.iter().filter(|o| **o == Appended::New).count();
    let duplicates = outcome.len() - accepted;
    tracing::info!(tenant = %tenant, source, accepted, duplicates, rejected = rejected.len(), "events ingested");
    crate::telemetry::events(source, accepted, duplicates, rejected.len());
    let status = if events.is_empty() && !rejected.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let answer = IngestResponse {
        accepted,
        duplicates,
        rejected,
    };
    Ok((status, Json(answer)))
}

/// A body that could not be read: too large (413), or otherwise unreadable (400).
pub(crate) fn body_error(state: &AppState, rejection: BytesRejection) -> ApiError {
    match rejection {
        BytesRejection::FailedToBufferBody(_) => {
            ApiError::payload_too_large(state.limits.max_body_bytes)
        }
        other => ApiError::bad_request(other.body_text()),
    }
}

pub(crate) fn rejection(
    index: usize,
    code: &'static str,
    message: String,
    field: Option<String>,
) -> Rejection {
    Rejection {
        index,
        code,
        message,
        field,
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum BodyFormat {
    Json,
    Ndjson,
}

pub(crate) fn body_format(headers: &HeaderMap) -> Result<BodyFormat, ApiError> {
    let Some(value) = headers.get(CONTENT_TYPE) else {
        return Ok(BodyFormat::Json);
    };
    let value = value.to_str().unwrap_or_default();
    let mime = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Ok(BodyFormat::Json),
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonlines" => Ok(BodyFormat::Ndjson),
        m if m.ends_with("+json") => Ok(BodyFormat::Json),
        _ => Err(ApiError::unsupported_media_type(format!(
            "Content-Type {value:?} is not accepted: send application/json or application/x-ndjson"
        ))),
    }
}

/// Splits the body into one JSON value per event. A body that is not JSON (or NDJSON) at all
/// is a 400; in NDJSON, a line that is not JSON is that event's rejection.
pub(crate) fn parse_batch(
    format: BodyFormat,
    body: &[u8],
) -> Result<Vec<Result<Value, Rejection>>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the body is empty: send a JSON array of events",
        ));
    }
    match format {
        BodyFormat::Json => match serde_json::from_slice(body) {
            Ok(Value::Array(items)) => Ok(items.into_iter().map(Ok).collect()),
            Ok(object @ Value::Object(_)) => Ok(vec![Ok(object)]),
            Ok(_) => Err(ApiError::bad_request("expected a JSON array of events")),
            Err(e) => Err(ApiError::bad_request(format!(
                "the body is not valid JSON: {e}"
            ))),
        },
        BodyFormat::Ndjson => {
            let lines = body
                .split(|b| *b == b'\n')
                .enumerate()
                .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace));
            let values: Vec<Result<Value, Rejection>> = lines
                .enumerate()
                .map(|(index, (line_number, line))| {
                    serde_json::from_slice(line).map_err(|e| {
                        let message = format!("line {} is not valid JSON: {e}", line_number + 1);
                        rejection(index, "invalid_json", message, None)
                    })
                })
                .collect();
            if values.iter().all(Result::is_err) {
                return Err(ApiError::bad_request(
                    "the body is not NDJSON: no line is a JSON value",
                ));
            }
            Ok(values)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_lines_are_events_and_bad_lines_are_rejections() {
        let body = b"{\"a\":1}\n\n not json\n{\"b\":2}\n";
        let values = parse_batch(BodyFormat::Ndjson, body).unwrap();
        assert_eq!(values.len(), 3);
        let bad = values[1].as_ref().unwrap_err();
        assert_eq!(bad.index, 1);
        assert!(bad.message.starts_with("line 3 "), "{}", bad.message);
    }

    #[test]
    fn bodies_that_are_not_json_at_all_are_refused() {
        for (format, body) in [
            (BodyFormat::Json, &b"{oops"[..]),
            (BodyFormat::Json, b"42"),
            (BodyFormat::Json, b"  "),
            (BodyFormat::Ndjson, b"hello\nworld"),
        ] {
            assert!(
                parse_batch(format, body).is_err(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
