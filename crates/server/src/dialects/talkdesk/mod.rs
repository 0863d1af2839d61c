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

pub mod render;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use interlog_core::query::{decode_cursor, encode_cursor, InteractionQuery, Order};
use interlog_core::{TenantId, Timestamp};
use serde_json::{json, Value};

use super::base_url;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/compat/talkdesk/interactions", get(list_interactions))
        .route(
            "/compat/talkdesk/conversations/interactions",
            get(list_interactions),
        )
}

/// An error in Talkdesk's shape: `{code, message, description, fields: [{name, description}]}`.
#[derive(Debug)]
struct TalkdeskError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<(String, String)>,
}

impl TalkdeskError {
    fn parameter(name: &str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "invalid_parameters",
            message: "Invalid request parameters".into(),
            fields: vec![(name.into(), description.into())],
        }
    }
}

impl From<ApiError> for TalkdeskError {
    fn from(error: ApiError) -> Self {
        let code = match error.status() {
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
            s if s.is_server_error() => "internal_error",
            _ => "invalid_parameters",
        };
        let fields = error
            .field()
            .map(|f| vec![(f.to_string(), error.message().to_string())])
            .unwrap_or_default();
        Self {
            status: error.status(),
            code,
            message: error.message().to_string(),
            fields,
        }
    }
}

impl IntoResponse for TalkdeskError {
    fn into_response(self) -> Response {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|(name, description)| json!({"name": name, "description": description}))
            .collect();
        let description = fields
            .first()
            .map(|_| "See fields for the parameters at fault.");
        let mut body = json!({"code": self.code, "message": self.message, "fields": fields});
        if let Some(description) = description {
            body["description"] = json!(description);
        }
        (self.status, Json(body)).into_response()
    }
}

/// The query string, parsed: every parameter known, each at most once.
struct Request {
    account: Option<String>,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    per_page: u32,
    cursor: Option<String>,
}

fn parse(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Request, TalkdeskError> {
    let Query(pairs) = query.map_err(|e| TalkdeskError::parameter("query", e.body_text()))?;
    let mut request = Request {
        account: None,
        start: None,
        end: None,
        per_page: 50,
        cursor: None,
    };
    let mut seen: Vec<String> = Vec::new();
    for (name, value) in pairs {
        if seen.contains(&name) {
            return Err(TalkdeskError::parameter(&name, "is given more than once"));
        }
        let time = |v: &str| {
            Timestamp::parse(v).map_err(|e| TalkdeskError::parameter(&name, e.to_string()))
        };
        match name.as_str() {
            "account_id" => request.account = Some(value),
            "start_date" => request.start = Some(time(&value)?),
            "end_date" => request.end = Some(time(&value)?),
            "per_page" => {
                request.per_page = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        TalkdeskError::parameter(&name, "must be an integer from 1 to 1000")
                    })?;
            }
            "cursor" => request.cursor = Some(value),
            _ => {
                return Err(TalkdeskError::parameter(
                    &name,
                    "is not a parameter of this endpoint",
                ))
            }
        }
        seen.push(name);
    }
    Ok(request)
}

/// The window: at most seven days, end after start.
fn window(
    start: Option<Timestamp>,
    end: Option<Timestamp>,
    now: Timestamp,
) -> Result<(Timestamp, Timestamp), TalkdeskError> {
    let (start, end) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, Timestamp::from_millis(s.millis() + WEEK_MS)),
        (None, Some(e)) => (Timestamp::from_millis(e.millis() - WEEK_MS), e),
        (None, None) => (Timestamp::from_millis(now.millis() - WEEK_MS), now),
    };
    if end <= start {
        return Err(TalkdeskError::parameter(
            "end_date",
            "must be later than start_date",
        ));
    }
    if end.millis() - start.millis() > WEEK_MS {
        return Err(TalkdeskError::parameter(
            "end_date",
            "the window from start_date to end_date must not exceed seven days",
        ));
    }
    Ok((start, end))
}

/// The account: the token's only tenant, or the one `account_id` names.
fn account(principal: &Principal, requested: Option<&str>) -> Result<TenantId, TalkdeskError> {
    let name = match (requested, &principal.tenants[..]) {
        (Some(name), _) => name.to_string(),
        (None, [only]) => only.to_string(),
        (None, _) => {
            return Err(TalkdeskError::parameter(
                "account_id",
                "the token grants several accounts: name one",
            ))
        }
    };
    Ok(principal.authorize(&name, Scope::Read)?)
}

async fn list_interactions(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    uri: Uri,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, TalkdeskError> {
    let principal = principal?;
    let request = parse(query)?;
    let tenant = account(&principal, request.account.as_deref())?;
    let now = Timestamp::from_millis(chrono::Utc::now().timestamp_millis());
    let (start, end) = window(request.start, request.end, now)?;
    let after = request
        .cursor
        .as_deref()
        .map(|c| {
            decode_cursor(Order::Asc, c)
                .map_err(|e| TalkdeskError::parameter("cursor", e.to_string()))
        })
        .transpose()?;
    let query = InteractionQuery {
        from: Some(start),
        to: Some(end),
        order: Order::Asc,
        limit: request.per_page,
        after,
        ..InteractionQuery::default()
    };
    let page = state
        .store
        .list_interactions(&tenant, &query)
        .await
        .map_err(ApiError::from)?;

    let base = format!("{}{}", base_url(&state, &headers), uri.path());
    let self_href = match uri.query() {
        Some(q) => format!("{base}?{q}"),
        None => base.clone(),
    };
    // The next link pins the window, so "the last seven days" does not move while paging.
    let mut links = json!({"self": {"href": self_href}});
    if let Some(next) = &page.next {
        let mut params = vec![
            format!("start_date={}", start.format(6)),
            format!("end_date={}", end.format(6)),
        ];
        params.push(format!("per_page={}", request.per_page));
        if let Some(account) = &request.account {
            params.push(format!("account_id={account}"));
        }
        params.push(format!("cursor={}", encode_cursor(Order::Asc, next)));
        links["next"] = json!({"href": format!("{base}?{}", params.join("&"))});
    }
    let interactions: Vec<Value> = page.items.iter().map(render::render_interaction).collect();
    Ok(Json(
        json!({"_embedded": {"interactions": interactions}, "_links": links}),
    ))
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
