//! The OpenAPI 3.1 document of the native API, generated from the handlers' annotations,
//! served at `/openapi.json` with a browsable page at `/docs` (assets embedded in the
//! binary, so it works offline).

use axum::Router;
use interlog_core::query::Order;
use interlog_core::record::{BinaryKind, ChannelType, Direction, Status};
use interlog_core::{EventBody, Timestamp};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_swagger_ui::SwaggerUi;

use crate::api;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Interlog",
        description = "Interaction history for contact centers: events in, records and statistics out. \
                       Every /api route needs `Authorization: Bearer <JWT>`; errors are \
                       `{code, message, fields}`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    paths(
        api::health::healthz,
        api::events::ingest_events,
        api::lists::list_interactions,
        api::interactions::get_interaction,
        api::interactions::list_interaction_events,
        api::content::put_content,
        api::content::get_content,
        api::lists::list_customer_interactions,
        api::agents::list_agent_interactions,
        api::lookup::lookup_interaction,
        api::admin::create_key,
        api::admin::list_keys,
        api::admin::revoke_key,
    ),
    components(schemas(EventDoc)),
    modifiers(&BearerAuth),
    tags(
        (name = "events", description = "Ingesting lifecycle events"),
        (name = "interactions", description = "Records, lists and search"),
        (name = "content", description = "Binary content of interactions"),
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

/// The document and the `/docs` page, as routes.
pub(crate) fn routes() -> Router<AppState> {
    SwaggerUi::new("/docs")
        .url("/openapi.json", ApiDoc::openapi())
        .into()
}

/// One event as posted: the envelope plus the fields of its `type`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Event)]
pub struct EventDoc {
    /// Idempotency key, unique per tenant: 1–128 of `[A-Za-z0-9._:-]`.
    event_id: String,
    /// Required, except on `interaction-imported`, whose record carries it.
    interaction_id: Option<String>,
    timestamp: Timestamp,
    #[serde(flatten)]
    body: EventBody,
}

/// Filters and paging of the interaction lists.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: `api::params` parses these strictly
pub(crate) struct ListParams {
    /// Started at or after this instant (RFC 3339, any offset).
    from: Option<Timestamp>,
    /// Started before this instant.
    to: Option<Timestamp>,
    /// The customer's id (or address); not on the customer route.
    customer: Option<String>,
    /// Interactions this agent was allocated to.
    agent: Option<String>,
    /// Interactions that entered this queue.
    queue: Option<String>,
    channel: Option<ChannelType>,
    direction: Option<Direction>,
    status: Option<Status>,
    /// Only interactions with (true) or without (false) flags.
    flagged: Option<bool>,
    /// Full-text search over transcript messages, notes and subject; every word must occur.
    q: Option<String>,
    /// By start time; default desc (newest first).
    order: Option<Order>,
    /// Page size, 1 to 1000; default 50.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    /// The `nextCursor` of the previous page.
    cursor: Option<String>,
    /// `messages` adds the transcript to each item.
    include: Option<String>,
}

/// Filters and paging of an agent's interactions.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only
pub(crate) struct AgentParams {
    /// `true` keeps only the allocations the agent is still connected to.
    active: Option<bool>,
    channel: Option<ChannelType>,
    /// Page size, 1 to 1000; default 50.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    cursor: Option<String>,
    /// `messages` adds the transcript to each item.
    include: Option<String>,
}

/// The caller key to look up: give exactly one.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only
pub(crate) struct LookupParams {
    dtmf: Option<String>,
    #[param(rename = "callReturnNumber")]
    call_return_number: Option<String>,
    #[param(rename = "clickToCallCallerId")]
    click_to_call_caller_id: Option<String>,
    /// A phone number allocated to the interaction (DNIS allocation).
    phone: Option<String>,
    #[param(rename = "historySearchId")]
    history_search_id: Option<String>,
}

/// How an upload is described.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only
pub(crate) struct UploadParams {
    /// Default attachment.
    kind: Option<BinaryKind>,
    /// A file name to keep with the content.
    name: Option<String>,
    /// When the content was added (RFC 3339); default now.
    timestamp: Option<Timestamp>,
}
