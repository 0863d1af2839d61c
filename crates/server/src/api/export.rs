//! `GET /api/v1/tenants/{tenant}/export`: every interaction that started in a window, oldest
//! first, streamed as NDJSON (canonical records) or CSV (one row each), a page at a time
//! (`interlog_store::export`), so a year of history costs the server one page of memory.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use interlog_core::Timestamp;
use interlog_store::export::{Export, ExportFormat};
use interlog_store::{Store, StoreError};
use utoipa::IntoParams;

use super::params::{check_window, wants_csv, Params};
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

// The parameters are read through `Params`; these structs document them.

/// The interaction export's window.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct ExportWindow {
    /// Interactions that started at or after this instant (RFC 3339); default: the first.
    from: Option<Timestamp>,
    /// Interactions that started before this instant (RFC 3339); default: now and later.
    to: Option<Timestamp>,
}

/// An export's format.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub(crate) struct ExportFormatParam {
    /// `ndjson` (default; `Accept: text/csv` picks CSV) or `csv`.
    #[param(pattern = "^(ndjson|csv)$")]
    format: Option<String>,
}

/// The format an export is asked for: `format` (`ndjson` or `csv`), else
/// `Accept: text/csv`, else NDJSON.
pub(crate) fn format(params: &mut Params, headers: &HeaderMap) -> Result<ExportFormat, ApiError> {
    let format = params.parsed("format", |raw| match raw {
        "ndjson" | "csv" => Ok(raw.to_string()),
        _ => Err(format!("{raw:?} is not ndjson or csv")),
    })?;
    Ok(match wants_csv(format.as_deref(), headers) {
        true => ExportFormat::Csv,
        false => ExportFormat::Ndjson,
    })
}

/// The headers of an export named `{stem}.{extension}`.
pub(crate) fn attachment(format: ExportFormat, stem: &str) -> [(header::HeaderName, String); 2] {
    let filename = format!("{stem}.{}", format.extension());
    [
        (header::CONTENT_TYPE, format.content_type().to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
    ]
}

/// Export interactions: those that started in [`from`, `to`), oldest first, as NDJSON
/// (one canonical record per line, transcript included; `interlog import --format native`
/// reads it back) or as CSV (one row per interaction; the README lists the columns; text
/// that a spreadsheet would run as a formula is prefixed with `'`). Streamed: should the
/// store fail part-way, the response is cut off without its final chunk, so a client never
/// takes a partial export for a whole one.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/export", tag = "interactions",
    params(TenantPath, ExportWindow, ExportFormatParam),
    responses(
        (status = 200, description = "The interactions, one per line (NDJSON) or row (CSV)",
            content((String = "application/x-ndjson"), (String = "text/csv"))),
        ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn export_interactions(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let (from, to) = (params.timestamp("from")?, params.timestamp("to")?);
    check_window(from, to)?;
    let format = format(&mut params, &headers)?;
    params.finish()?;
    let headers = attachment(format, &format!("{tenant}-interactions"));
    let export = Export::new(tenant, from, to, format);
    let body = Body::from_stream(chunks(export, state.store.clone()));
    Ok((headers, body).into_response())
}

/// The export's chunks as a stream; after an error it ends.
fn chunks(
    export: Export,
    store: Arc<dyn Store>,
) -> impl futures_util::Stream<Item = Result<Bytes, StoreError>> {
    futures_util::stream::unfold(Some((export, store)), |state| async move {
        let (mut export, store) = state?;
        match export.next_chunk(store.as_ref()).await {
            Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk.text)), Some((export, store)))),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "an export stopped part-way");
                Some((Err(e), None))
            }
        }
    })
}
