//! No NUL characters (U+0000) in a request's path or query: PostgreSQL's text cannot hold
//! one (binding it fails the statement), so a filter naming one would otherwise be a 500 on
//! PostgreSQL and a search for something no store can hold on SQLite. Refused at the door,
//! for every route alike, with a 400 that names the parameter, in the vendor's shape under
//! a dialect's base path. (Events with one are refused by
//! `interlog_core::parse_new_event`.)

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

use interlog_core::NUL_REFUSED;

use crate::error::ApiError;

/// The middleware.
pub(crate) async fn refuse(request: Request, next: Next) -> Response {
    let uri = request.uri();
    match holding_nul(uri.path(), uri.query()) {
        Some(name) => {
            crate::dialects::refuse(uri.path(), ApiError::invalid_parameter(&name, NUL_REFUSED))
        }
        None => next.run(request).await,
    }
}

/// The parameter (or `path`) whose value holds a NUL: an escaped `%00`, since a raw one
/// cannot be in a URI.
fn holding_nul(path: &str, query: Option<&str>) -> Option<String> {
    let escaped = |text: &str| {
        text.as_bytes()
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"%00"))
    };
    if escaped(path) {
        return Some("path".into());
    }
    let query = query.filter(|q| escaped(q))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let named = pairs.into_iter().find_map(|(name, value)| {
        (name.contains('\0') || value.contains('\0')).then(|| name.replace('\0', "\\0"))
    });
    Some(named.unwrap_or_else(|| "query".into()))
}

#[cfg(test)]
mod tests {
    use super::holding_nul;

    #[test]
    fn a_nul_is_found_in_the_path_or_named_by_its_parameter() {
        assert_eq!(holding_nul("/a/b", Some("queue=a%20b&q=x")), None);
        assert_eq!(holding_nul("/a/b", None), None);
        assert_eq!(holding_nul("/a/b%00", None).as_deref(), Some("path"));
        assert_eq!(
            holding_nul("/a", Some("from=x&queue=a%00b")).as_deref(),
            Some("queue")
        );
        assert_eq!(
            holding_nul("/a", Some("qu%00eue=1")).as_deref(),
            Some("qu\\0eue")
        );
        // `%2500` is a percent sign and "00", not a NUL.
        assert_eq!(holding_nul("/a", Some("queue=%2500")), None);
    }
}
