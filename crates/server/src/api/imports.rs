//! `POST /api/v1/tenants/{tenant}/import/amazon-connect`: Amazon Connect contact records,
//! live, for a relay of the contact-record stream (a Lambda or consumer of the Kinesis
//! stream, or a Kinesis Data Firehose transformation) that posts what it receives.
//!
//! The body: contact records as a JSON array, one object, NDJSON, or a Firehose delivery
//! request (`{"records": [{"data": "<base64>"}]}`, each `data` one or more records). Each
//! becomes an `interaction-imported` event as `interlog import --format amazon-connect`
//! makes it (the newest `LastUpdateTimestamp` of a contact wins); the answer is the
//! events route's: what was stored, what was already there, what was refused and why.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use interlog_core::event::InteractionImported;
use interlog_core::{AgentId, Timestamp};
use interlog_dialects::amazon_connect;
use serde_json::Value;
use utoipa::ToSchema;

use super::events::{
    body_error, body_format, parse_batch, rejection, store_batch, IngestResponse, Rejection,
};
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// Import Amazon Connect contact records (a JSON array, one object, NDJSON with
/// `Content-Type: application/x-ndjson`, or a Kinesis Data Firehose delivery request).
/// Valid records are stored even when others are refused (each by index and field); a
/// record already imported is a duplicate, and of a contact's updates the newest wins.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant}/import/amazon-connect", tag = "events",
    params(TenantPath),
    request_body(content = Vec<ContactRecordDoc>,
        description = "Contact records, as Amazon Connect writes them (the fields Interlog reads; others are ignored)"),
    responses(
        (status = 200, body = IngestResponse,
            description = "What was stored, what was already there, what was refused and why"),
        (status = 422, body = IngestResponse,
            description = "Every record was refused (each by index); nothing was stored"),
        ApiError),
    security(("bearer" = ["interactions:write"])))]
pub(crate) async fn import_amazon_connect(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<IngestResponse>), ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Write)?;
    let body = body.map_err(|rejection| body_error(&state, rejection))?;
    let values = firehose_records(parse_batch(body_format(&headers)?, &body)?)?;
    let (mut events, mut rejected) = (Vec::new(), Vec::new());
    for (index, value) in values.into_iter().enumerate() {
        let contact = value.and_then(|ctr| {
            amazon_connect::parse_contact(&tenant, &ctr)
                .map_err(|e| rejection(index, "invalid_record", e.to_string(), Some(e.field)))
        });
        match contact {
            Ok(c) => events.push(InteractionImported::event(&tenant, c.record, c.updated)),
            Err(r) => rejected.push(r),
        }
    }
    store_batch(&state, &tenant, "amazon-connect", events, rejected).await
}

type Values = Vec<Result<Value, Rejection>>;

/// A contact record, as documented by Amazon Connect: the fields Interlog reads and checks
/// (the others are kept or ignored as they come).
#[derive(ToSchema)]
#[schema(as = AmazonConnectContactRecord)]
#[allow(non_snake_case, dead_code)] // the vendor's field names; a document only
pub struct ContactRecordDoc {
    #[schema(pattern = "^[A-Za-z0-9._:-]{1,120}$")]
    ContactId: String,
    InitiationTimestamp: Timestamp,
    Channel: Option<ConnectChannel>,
    InitiationMethod: Option<String>,
    DisconnectTimestamp: Option<Timestamp>,
    LastUpdateTimestamp: Option<Timestamp>,
    TransferCompletedTimestamp: Option<Timestamp>,
    DisconnectReason: Option<String>,
    InitialContactId: Option<String>,
    PreviousContactId: Option<String>,
    NextContactId: Option<String>,
    CustomerEndpoint: Option<ConnectEndpoint>,
    SystemEndpoint: Option<ConnectEndpoint>,
    TransferredToEndpoint: Option<ConnectEndpoint>,
    #[schema(value_type = Option<Object>)]
    Attributes: Option<serde_json::Map<String, Value>>,
    Queue: Option<ConnectQueue>,
    Agent: Option<ConnectAgent>,
}

#[derive(ToSchema)]
#[allow(clippy::upper_case_acronyms, dead_code)]
enum ConnectChannel {
    VOICE,
    CHAT,
    TASK,
    EMAIL,
}

#[derive(ToSchema)]
#[allow(non_snake_case, dead_code)]
struct ConnectEndpoint {
    Address: Option<String>,
}

#[derive(ToSchema)]
#[allow(non_snake_case, dead_code)]
struct ConnectQueue {
    ARN: Option<String>,
    Name: Option<String>,
    EnqueueTimestamp: Option<Timestamp>,
    DequeueTimestamp: Option<Timestamp>,
}

#[derive(ToSchema)]
#[allow(non_snake_case, dead_code)]
struct ConnectAgent {
    #[schema(value_type = AgentId)]
    Username: String,
    ARN: Option<String>,
    ConnectedToAgentTimestamp: Option<Timestamp>,
    AfterContactWorkEndTimestamp: Option<Timestamp>,
}

/// A Firehose delivery request's records, decoded (each `data` may hold several contact
/// records, concatenated or one per line); any other body as it is.
fn firehose_records(values: Values) -> Result<Values, ApiError> {
    let [Ok(request)] = values.as_slice() else {
        return Ok(values);
    };
    let Some(records) = request.get("records").and_then(Value::as_array) else {
        return Ok(values);
    };
    let mut decoded = Vec::new();
    for (n, record) in records.iter().enumerate() {
        let data = (record.get("data").and_then(Value::as_str)).ok_or_else(|| {
            ApiError::invalid_parameter(&format!("records[{n}].data"), "is required")
        })?;
        let bytes = STANDARD.decode(data).map_err(|_| {
            ApiError::invalid_parameter(&format!("records[{n}].data"), "is not base64")
        })?;
        for value in serde_json::Deserializer::from_slice(&bytes).into_iter::<Value>() {
            let index = decoded.len();
            decoded.push(value.map_err(|e| {
                let message = format!("records[{n}].data is not JSON: {e}");
                rejection(index, "invalid_json", message, None)
            }));
        }
    }
    Ok(decoded)
}
