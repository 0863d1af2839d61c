//! Talkdesk Conversations API "Retrieve all Interactions", wire-compatible, at
//! `GET /compat/talkdesk/interactions` (also `/compat/talkdesk/conversations/interactions`):
//! the account's interactions in a window of at most seven days, oldest first, with
//! `_links.next` to follow until it is absent.
//!
//! Interlog's choices where the vendor is silent: `start_date` and `end_date` (RFC 3339;
//! default the seven days ending now; either alone spans seven days from or to it),
//! `per_page` (default 50, max 1000), `cursor`, and `account_id` (required only when the
//! token grants several accounts). Error `code`s: `invalid_parameters`, `unauthorized`,
//! `forbidden`, `too_many_requests`, `internal_error`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use interlog_core::query::{decode_cursor, encode_cursor, InteractionQuery, Order};
use interlog_core::{TenantId, Timestamp};
use interlog_dialects::talkdesk::error::{self, parameter};
use interlog_dialects::talkdesk::render;
use interlog_dialects::time::parse_lenient;
use interlog_dialects::VendorError;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::oauth::{self, Grant, OAuthError, OAuthErrorBody, TokenAnswer};
use super::{
    authorize_named_or_only, base_url, documented, each_parameter, Credential, DialectDoc,
    DialectError, RawQuery, Vendor,
};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

const DOC: DialectDoc = DialectDoc {
    base: "/compat/talkdesk",
    title: "Interlog: Talkdesk Conversations API, Retrieve all Interactions",
    description: "The account's interactions in a window of at most seven days, oldest \
                  first, with `_links.next` to follow until it is absent; also at \
                  `/conversations/interactions`. Credentials: a bearer token.",
    security: &[
        ("bearer", Credential::Bearer),
        ("clientBasic", Credential::Basic),
    ],
};

/// OAuth 2 client credentials: an API key (`client_id`, `client_secret`) for a bearer token.
#[utoipa::path(post, path = "/compat/talkdesk/oauth/token",
    request_body(content = Grant, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, body = TokenAnswer, description = "The token"),
        (status = "4XX", body = OAuthErrorBody, description = "OAuth's error")),
    security((), ("clientBasic" = [])))]
async fn oauth_token(
    state: State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    oauth::token(state, uri, headers, body).await
}

pub(super) fn routes() -> Router<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(oauth_token))
        .routes(routes!(list_interactions))
        // The same listing under the Conversations API's own path.
        .route(
            "/compat/talkdesk/conversations/interactions",
            get(list_interactions),
        );
    documented(&DOC, routes)
}

pub(super) struct Talkdesk;

impl Vendor for Talkdesk {
    const FROM_NATIVE: fn(u16, &str, Option<&str>) -> VendorError = error::from_native;
}

type TalkdeskError = DialectError<Talkdesk>;

/// The query string, parsed: every parameter known, each at most once.
struct Request {
    account: Option<String>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    per_page: u32,
    /// 1 is the first page; later pages skip `(page - 1) * per_page` interactions.
    page: Option<u32>,
    cursor: Option<String>,
}

fn parse(query: RawQuery) -> Result<Request, VendorError> {
    let mut request = Request {
        account: None,
        start: None,
        end: None,
        per_page: 50,
        page: None,
        cursor: None,
    };
    let mut seen: Vec<String> = Vec::new();
    each_parameter(
        query,
        |e| parameter("query", e.body_text()),
        |name, value| {
            if seen.iter().any(|s| s == name) {
                return Err(parameter(name, "is given more than once"));
            }
            let known = request.take(name, value)?;
            seen.push(name.to_string());
            Ok(known)
        },
    )?;
    Ok(request)
}

impl Request {
    /// Takes one parameter; false when the endpoint has no such parameter.
    fn take(&mut self, name: &str, value: String) -> Result<bool, VendorError> {
        let time = |v: &str| parse_lenient(v).map_err(|e| parameter(name, e));
        match name {
            "account_id" => self.account = Some(value),
            "start_date" => self.start = Some(time(&value)?),
            "end_date" => self.end = Some(time(&value)?),
            "per_page" => {
                self.per_page = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| parameter(name, "must be an integer from 1 to 1000"))?;
            }
            "page" => {
                let page = value.parse().ok().filter(|n| *n >= 1);
                self.page = Some(page.ok_or_else(|| parameter(name, "must be an integer from 1"))?);
            }
            "cursor" => self.cursor = Some(value),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The window: at most seven days, end after start.
fn window(
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), VendorError> {
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, Timestamp::from_millis(s.millis() + WEEK_MS)),
        (None, Some(e)) => (Timestamp::from_millis(e.millis() - WEEK_MS), e),
        (None, None) => (Timestamp::from_millis(now.millis() - WEEK_MS), now),
    };
    if end <= start {
        return Err(parameter("end_date", "must be later than start_date"));
    }
    if end.millis() - start.millis() > WEEK_MS {
        return Err(parameter(
            "end_date",
            "the window from start_date to end_date must not exceed seven days",
        ));
    }
    Ok((start, end))
}

/// The account: the token's only tenant, or the one `account_id` names.
fn account(principal: &Principal, requested: Option<&str>) -> Result<TenantId, TalkdeskError> {
    authorize_named_or_only(principal, requested, || {
        parameter("account_id", "the token grants several accounts: name one")
    })
}

/// The account's interactions in a window of at most seven days, oldest first.
#[utoipa::path(get, path = "/compat/talkdesk/interactions",
    params(
        ("account_id" = Option<String>, Query,
            description = "The account; required only when the token grants several"),
        ("start_date" = Option<String>, Query, format = DateTime,
            description = "Window start (RFC 3339); default seven days before end_date"),
        ("end_date" = Option<String>, Query, format = DateTime,
            description = "Window end (RFC 3339); default now, or seven days after start_date"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 1000,
            description = "Page size; default 50"),
        ("page" = Option<u32>, Query, minimum = 1,
            description = "The page, from 1; `_links.next` continues from it"),
        ("cursor" = Option<String>, Query,
            description = "From the previous page's `_links.next`"),
    ),
    responses(
        (status = 200, body = Object,
            description = "`{_embedded: {interactions}, _links: {self, next?}}`"),
        TalkdeskError),
    security(("bearer" = [])))]
async fn list_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    uri: Uri,
    headers: HeaderMap,
    query: RawQuery,
) -> Result<Response, TalkdeskError> {
    let principal = principal?;
    let request = parse(query)?;
    let tenant = account(&principal, request.account.as_deref())?;
    let now = Timestamp::from_millis(chrono::Utc::now().timestamp_millis());
    let (start, end) = window(request.start, request.end, now)?;
    let after = request
        .cursor
        .as_deref()
        .map(|c| decode_cursor(Order::Asc, c).map_err(|e| parameter("cursor", e.to_string())))
        .transpose()?;
    let query = InteractionQuery {
        from: Some(start),
        to: Some(end),
        order: Order::Asc,
        limit: request.per_page,
        // A cursor continues a walk; a page number starts one further in.
        offset: match (&after, request.page) {
            (None, Some(page)) => u64::from(page - 1) * u64::from(request.per_page),
            _ => 0,
        },
        after,
        ..InteractionQuery::default()
    };
    let page = state.store.list_interactions(&tenant, &query).await?;
    let base = format!("{}{}", base_url(&state, &headers), uri.path());
    let next = page.next.as_ref().map(|next| {
        let cursor = encode_cursor(Order::Asc, next);
        next_href(&base, &request, (start, end), &cursor)
    });
    let interactions: Vec<_> = page.items.iter().map(render::interaction).collect();
    let listed = Listed {
        embedded: Embedded { interactions },
        links: links(&base, &uri, next),
    };
    let body = serde_json::to_string(&listed).map_err(|e| ApiError::internal(&e))?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// A page: `{"_embedded": {"interactions": [...]}, "_links": {...}}`, written from the
/// records without a `Value` for each.
#[derive(Serialize)]
struct Listed<'a> {
    #[serde(rename = "_embedded")]
    embedded: Embedded<'a>,
    #[serde(rename = "_links")]
    links: Value,
}

#[derive(Serialize)]
struct Embedded<'a> {
    interactions: Vec<render::TalkdeskInteraction<'a>>,
}

/// `self`, and `next` while there is a next page.
fn links(base: &str, uri: &Uri, next: Option<String>) -> Value {
    let self_href = match uri.query() {
        Some(q) => format!("{base}?{q}"),
        None => base.to_string(),
    };
    let mut links = json!({"self": {"href": self_href}});
    if let Some(next) = next {
        links["next"] = json!({ "href": next });
    }
    links
}

/// The next page's link. It pins the window, so "the last seven days" does not move while
/// paging.
fn next_href(
    base: &str,
    request: &Request,
    (start, end): (Timestamp, Timestamp),
    cursor: &str,
) -> String {
    let mut params = vec![
        format!("start_date={}", start.format(6)),
        format!("end_date={}", end.format(6)),
        format!("per_page={}", request.per_page),
    ];
    if let Some(account) = &request.account {
        params.push(format!("account_id={account}"));
    }
    params.push(format!("cursor={cursor}"));
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_default_to_seven_days_and_refuse_more() {
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let now = t("2024-05-08T00:00:00Z");
        assert_eq!(
            window(None, None, now).unwrap(),
            (t("2024-05-01T00:00:00Z"), now)
        );
        assert_eq!(
            window(Some(t("2024-05-01T00:00:00Z")), None, now)
                .unwrap()
                .1,
            t("2024-05-08T00:00:00Z")
        );
        assert!(window(
            Some(t("2024-05-01T00:00:00Z")),
            Some(t("2024-05-08T00:00:00.001Z")),
            now
        )
        .is_err());
        assert!(window(
            Some(t("2024-05-02T00:00:00Z")),
            Some(t("2024-05-01T00:00:00Z")),
            now
        )
        .is_err());
    }
}
