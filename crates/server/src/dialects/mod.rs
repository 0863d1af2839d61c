//! Vendor dialects over HTTP: each vendor's routes and handlers, over the same store queries
//! as the native API. What the vendor's JSON looks like (records rendered, exports imported,
//! error bodies) is `interlog_dialects`, pure; this module parses requests, authorizes, reads
//! the store and writes the answer. A dialect never computes a statistic and never talks SQL.
//!
//! Each vendor's routes are registered once, with their documentation (utoipa-axum's
//! `routes!`), and served with their own OpenAPI document at `{base}/openapi.json`, whose
//! paths are relative to the vendor's base path (the document's server), so that a client
//! generated for the vendor's API works against Interlog. [`documented`] does this.
//!
//! Every dialect answers errors in its vendor's shape through one wrapper,
//! [`DialectError`]: handlers take the principal as `Result<Principal, ApiError>`, and `?`
//! maps native and store errors with the vendor's `error::from_native`.

mod cxengage;
mod genesys;
mod oauth;
mod talkdesk;
mod twilio;
mod vonage;
mod xplatform;

use std::collections::BTreeMap;
use std::marker::PhantomData;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use interlog_core::record::Interaction;
use interlog_core::{InteractionId, TenantId};
use interlog_dialects::{ErrorBody, VendorError};
use interlog_store::StoreError;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, ObjectBuilder, RefOr, ResponseBuilder, Server, Type,
};
use utoipa::IntoResponses;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// The vendors' routes, each vendor with its document.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(vonage::routes())
        .merge(talkdesk::routes())
        .merge(cxengage::routes())
        .merge(genesys::routes())
        .merge(xplatform::routes())
        .merge(twilio::routes())
}

/// An error answered in one vendor's shape.
type Answer = fn(ApiError) -> Response;

/// Where each vendor's routes are, for answering what is not there in its shape.
const BASES: &[(&str, Answer)] = &[
    ("/compat/cxengage/", in_shape_of::<cxengage::CxEngage>),
    ("/compat/talkdesk/", in_shape_of::<talkdesk::Talkdesk>),
    ("/compat/genesys-ucs/", in_shape_of::<genesys::Genesys>),
    ("/compat/vonage/", in_shape_of::<vonage::Vonage>),
    ("/compat/xplatform/", in_shape_of::<xplatform::XPlatform>),
];

fn in_shape_of<V: Vendor>(error: ApiError) -> Response {
    DialectError::<V>::from(error).into_response()
}

/// `error` (an unknown route or method) answered in the shape of the vendor whose base path
/// `path` is under, or in the native shape elsewhere.
pub(crate) fn refuse(path: &str, error: ApiError) -> Response {
    match BASES.iter().find(|(base, _)| path.starts_with(base)) {
        Some((_, answer)) => answer(error),
        None => error.into_response(),
    }
}

/// What a vendor's document says about the vendor as a whole.
pub(crate) struct DialectDoc {
    /// The base path every route of the vendor is under (the document's server).
    pub base: &'static str,
    pub title: &'static str,
    /// The vendor's API as Interlog serves it: what is there, Interlog's choices.
    pub description: &'static str,
    /// How the vendor's clients authenticate, by the names the routes' `security` uses.
    pub security: &'static [(&'static str, Credential)],
}

/// A credential a vendor's clients send.
#[derive(Clone, Copy)]
pub(crate) enum Credential {
    /// `Authorization: Bearer <token>`: an Interlog JWT.
    Bearer,
    /// `Authorization: Basic base64(keyId:secret)`: an Interlog API key.
    Basic,
    /// A header that carries an API key's secret (or `Authorization: Token <...>`).
    Header(&'static str),
}

impl Credential {
    fn scheme(self) -> SecurityScheme {
        match self {
            Credential::Bearer => {
                let mut http = Http::new(HttpAuthScheme::Bearer);
                http.bearer_format = Some("JWT".into());
                SecurityScheme::Http(http)
            }
            Credential::Basic => SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
            Credential::Header(name) => {
                SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(name)))
            }
        }
    }
}

/// Serves `routes` and, at `{base}/openapi.json`, their document: paths relative to
/// `base`, which is the document's one server.
pub(crate) fn documented(doc: &DialectDoc, routes: OpenApiRouter<AppState>) -> Router<AppState> {
    let (router, mut document) = routes.split_for_parts();
    document.info = InfoBuilder::new()
        .title(doc.title)
        .description(Some(doc.description))
        .version(env!("CARGO_PKG_VERSION"))
        .build();
    document.servers = Some(vec![Server::new(doc.base)]);
    let paths = std::mem::take(&mut document.paths.paths);
    document.paths.paths = paths
        .into_iter()
        .map(|(path, item)| {
            (
                path.strip_prefix(doc.base).unwrap_or(&path).to_string(),
                item,
            )
        })
        .collect();
    let components = document.components.get_or_insert_with(Default::default);
    for (name, credential) in doc.security {
        components.add_security_scheme(*name, credential.scheme());
    }
    let body = document.to_json().expect("a document serializes");
    let serve = move || {
        let body = body.clone();
        async move { ([(CONTENT_TYPE, "application/json")], body) }
    };
    router.route(&format!("{}/openapi.json", doc.base), get(serve))
}

/// A vendor, as far as errors go: how it answers a native error.
pub(crate) trait Vendor {
    /// The vendor's `interlog_dialects::<vendor>::error::from_native`.
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError;
}

/// An error answered in vendor `V`'s shape: built from the vendor's own errors, or mapped
/// from native and store errors by `V::FROM_NATIVE`, so that `?` works on either.
pub(crate) struct DialectError<V>(VendorError, PhantomData<fn() -> V>);

impl<V> From<VendorError> for DialectError<V> {
    fn from(error: VendorError) -> Self {
        Self(error, PhantomData)
    }
}

impl<V: Vendor> From<ApiError> for DialectError<V> {
    fn from(error: ApiError) -> Self {
        let mut vendor = V::FROM_NATIVE(error.status().as_u16(), error.message(), error.field());
        if let Some(seconds) = error.retry_after() {
            vendor.headers.push(("retry-after", seconds.to_string()));
        }
        vendor.into()
    }
}

impl<V: Vendor> From<StoreError> for DialectError<V> {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

/// A vendor's error answers, documented once: the shape is shown by an example built by
/// the vendor's own mapping (`V::FROM_NATIVE`), so the document cannot drift from it.
impl<V: Vendor> IntoResponses for DialectError<V> {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let error = |status: u16, description: &str| {
            let VendorError { body, .. } = V::FROM_NATIVE(status, description, None);
            let content = match body {
                ErrorBody::Json(example) => (
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                        .example(Some(example)),
                ),
                ErrorBody::Text(example) => (
                    "text/plain",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .example(Some(example.into())),
                ),
            };
            ResponseBuilder::new()
                .description(description)
                .content(content.0, content.1.build())
                .build()
                .into()
        };
        BTreeMap::from([
            (
                "4XX".to_string(),
                error(
                    400,
                    "Bad input, credentials, or nothing there, in the vendor's shape",
                ),
            ),
            (
                "5XX".to_string(),
                error(503, "Server or database unavailable, in the vendor's shape"),
            ),
        ])
    }
}

impl<V> IntoResponse for DialectError<V> {
    fn into_response(self) -> Response {
        let VendorError {
            status,
            body,
            headers,
        } = self.0;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match body {
            ErrorBody::Json(body) => (status, Json(body)).into_response(),
            ErrorBody::Text(text) => {
                (status, [(CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
            }
        };
        for (name, value) in headers {
            // Header values must be visible ASCII; one that is not is left out.
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// A query string as the dialects take it: pairs, or why it could not be parsed.
pub(crate) type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Hands each query parameter to `take`, which says whether the endpoint has it. A
/// parameter it does not have is ignored (and logged at debug), as the vendors' services
/// ignore what they do not know; a bad value of a known one is `take`'s error, and a
/// malformed query string is `malformed`'s.
pub(crate) fn each_parameter<E>(
    query: RawQuery,
    malformed: impl FnOnce(QueryRejection) -> E,
    mut take: impl FnMut(&str, String) -> Result<bool, E>,
) -> Result<(), E> {
    let Query(pairs) = query.map_err(malformed)?;
    for (name, value) in pairs {
        if !take(&name, value)? {
            tracing::debug!(parameter = %name, "ignored: not a parameter of this route");
        }
    }
    Ok(())
}

/// The tenant `name`, for reading, once the credential checks out.
pub(crate) fn authorize_read<V: Vendor>(
    principal: Result<Principal, ApiError>,
    name: &str,
) -> Result<TenantId, DialectError<V>> {
    Ok(principal?.authorize(name, Scope::Read)?)
}

/// The tenant a request reads: the one it names, else the credential's only one;
/// `ambiguous` answers a request that names none with a credential that grants several.
pub(crate) fn authorize_named_or_only<V: Vendor>(
    principal: &Principal,
    named: Option<&str>,
    ambiguous: impl FnOnce() -> VendorError,
) -> Result<TenantId, DialectError<V>> {
    let name = match (named, &principal.tenants[..]) {
        (Some(name), _) => name,
        (None, [only]) => only.as_str(),
        (None, _) => return Err(ambiguous().into()),
    };
    Ok(principal.authorize(name, Scope::Read)?)
}

/// The interaction `id` names in `tenant`; `missing` answers an id that is malformed or
/// unknown.
pub(crate) async fn read_interaction<V: Vendor>(
    state: &AppState,
    tenant: &TenantId,
    id: &str,
    missing: impl Fn() -> VendorError,
) -> Result<Interaction, DialectError<V>> {
    let id = InteractionId::parse(id).map_err(|_| missing())?;
    let record = state.store.get_interaction(tenant, &id).await?;
    Ok(record.ok_or_else(missing)?)
}

/// The base URL for absolute links: the configured public URL, else the request's
/// `Host` (with `X-Forwarded-Proto` when a proxy sets it).
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.clone();
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header(HOST.as_str()).unwrap_or("localhost");
    let scheme = header("x-forwarded-proto").unwrap_or("http");
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use interlog_dialects::cxengage::error::reason;

    use super::*;

    #[test]
    fn cxengage_reasons_are_the_http_reasons() {
        for status in 100..600 {
            let http = StatusCode::from_u16(status).unwrap();
            let ours = reason(status);
            assert!(
                ours == "Error" || Some(ours) == http.canonical_reason(),
                "{status}: {ours}"
            );
        }
        // Every status a native error can have is named.
        for status in [400, 401, 403, 404, 405, 409, 413, 415, 429, 500, 503] {
            assert_ne!(reason(status), "Error", "{status}");
        }
    }
}
