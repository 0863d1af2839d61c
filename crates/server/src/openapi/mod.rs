//! The OpenAPI 3.1 document of the native API, built by the same registration as the router
//! (`api::routes`), served at `/openapi.json` with a browsable page at `/docs` (assets
//! embedded in the binary, so it works offline).

use axum::Router;
use interlog_core::{EventBody, EventId, InteractionId, Timestamp};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

mod refine;

use crate::api;
use crate::error::{ErrorBody, FieldError};
use crate::state::{AppState, Limits};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Interlog",
        description = "Interaction history for contact centers: events in, records and statistics out. \
                       Every /api route needs `Authorization: Bearer <JWT>`; errors are \
                       `{code, message, fields}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    components(schemas(EventDoc, ErrorBody, FieldError)),
    modifiers(&BearerAuth),
    tags(
        (name = "events", description = "Ingesting lifecycle events"),
        (name = "interactions", description = "Records, lists and search"),
        (name = "content", description = "Binary content of interactions"),
        (name = "reports", description = "Interval statistics from the rollups"),
        (name = "admin", description = "API keys"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The native routes and their document, from one registration (`api::routes`).
pub(crate) fn native(limits: &Limits) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api::routes(limits))
        .split_for_parts();
    (router, refine::refine(document))
}

/// The document and the `/docs` page, as routes.
pub(crate) fn routes(document: utoipa::openapi::OpenApi) -> Router<AppState> {
    SwaggerUi::new("/docs")
        .url("/openapi.json", document)
        .into()
}

/// One event as posted: the envelope plus the fields of its `type`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Event)]
pub struct EventDoc {
    /// Idempotency key, unique per tenant.
    #[schema(value_type = EventId, inline)]
    event_id: String,
    /// Required, except on `interaction-imported`, whose record carries it.
    #[schema(value_type = InteractionId, inline)]
    interaction_id: Option<String>,
    timestamp: Timestamp,
    #[serde(flatten)]
    body: EventBody,
}
