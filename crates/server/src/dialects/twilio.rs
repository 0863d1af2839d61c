//! `POST /compat/twilio/taskrouter/{tenant}`: Twilio TaskRouter's event callbacks, live.
//! Set the Workspace's `EventCallbackUrl` to this URL. TaskRouter sends no credential of
//! ours: each request is authenticated by Twilio's signature (`X-Twilio-Signature`: the
//! base64 HMAC-SHA1, keyed by the account's auth token, of the URL followed by every POST
//! parameter's name and value, sorted by name), checked against the tenant's Twilio
//! integration (`PUT /api/v1/admin/tenants/{tenant}/integrations/twilio`), whose account
//! must also be the callback's `AccountSid`. What a callback means is
//! `interlog_dialects::twilio`.
//!
//! The URL signed is the one Twilio called: Interlog tries `--public-url` with the path,
//! then the request's `Host` (or `X-Forwarded-Host`) with `X-Forwarded-Proto`'s scheme,
//! else `https` and `http`. Answers: 204 (stored, or a callback about no task), 400 for a
//! callback that cannot be read (naming the parameter), 403 for any signature, account or
//! integration that does not hold (one refusal for all, so nothing is learnt of a tenant).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use interlog_core::{parse_new_event, TenantId};
use interlog_dialects::twilio::{parse_callback, Callback, Params};

use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/compat/twilio/taskrouter/{tenant}", post(callback))
}

/// The one refusal for a callback that is not proven to be the tenant's account's.
fn refused() -> ApiError {
    ApiError::forbidden("the request is not signed by the tenant's Twilio account")
}

async fn callback(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let tenant = TenantId::parse(tenant).map_err(|_| refused())?;
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not form-encoded: {e}")))?;
    let integration = state
        .store
        .integration(&tenant, "twilio")
        .await?
        .ok_or_else(refused)?;
    let token = integration["authToken"].as_str().ok_or_else(refused)?;
    let signature = (headers
        .get("x-twilio-signature")
        .and_then(|v| v.to_str().ok()))
    .ok_or_else(refused)?;
    let signed = urls(&state, &uri, &headers)
        .iter()
        .any(|url| verify(token, url, &params, signature));
    let account = params
        .iter()
        .find(|(k, _)| k == "AccountSid")
        .map(|(_, v)| v.as_str());
    if !signed || account != integration["accountSid"].as_str() {
        return Err(refused());
    }
    let callback = parse_callback(&Params(&params))
        .map_err(|e| ApiError::invalid_parameter(&e.field, e.message))?;
    if let Callback::Task(raw) = callback {
        let events = (raw.into_iter())
            .map(|e| {
                parse_new_event(e).map_err(|e| ApiError::invalid_parameter(&e.field, e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // TaskRouter reads no answer but the status: the count goes to the log and metrics.
        let _answer =
            crate::api::events::store_batch(&state, &tenant, "twilio", events, Vec::new()).await?;
    }
    // TaskRouter asks for 204 with a JSON content type.
    let mut answer = StatusCode::NO_CONTENT.into_response();
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(answer)
}

/// The URLs Twilio may have signed for this request.
fn urls(state: &AppState, uri: &Uri, headers: &HeaderMap) -> Vec<String> {
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let mut urls = Vec::new();
    if let Some(public) = &state.public_url {
        urls.push(format!("{public}{path}"));
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Some(host) = header("x-forwarded-host").or(header(HOST.as_str())) {
        let schemes = match header("x-forwarded-proto") {
            Some(scheme) => vec![scheme],
            None => vec!["https", "http"],
        };
        urls.extend(
            schemes
                .into_iter()
                .map(|scheme| format!("{scheme}://{host}{path}")),
        );
    }
    urls
}

/// Whether `signature` is Twilio's for `url` and `params` under `token`.
fn verify(token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature) else {
        return false;
    };
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, token.as_bytes());
    ring::hmac::verify(&key, signed_data(url, params).as_bytes(), &given).is_ok()
}

/// The URL followed by each parameter's name and value, sorted by name (then value).
fn signed_data(url: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut data = url.to_string();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twilio's published example of a signed request.
    #[test]
    fn verifies_twilios_example() {
        let params: Vec<(String, String)> = [
            ("CallSid", "CA1234567890ABCDE"),
            ("Caller", "+14158675309"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assert!(verify(
            "12345",
            url,
            &params,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert!(!verify(
            "12346",
            url,
            &params,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert!(!verify(
            "12345",
            "http://mycompany.com/myapp.php?foo=1&bar=2",
            &params,
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }
}
