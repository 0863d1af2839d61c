//! Records served as the store keeps them: the body is the stored JSON text, not a record
//! parsed and serialized again (which cost most of a read).

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use interlog_core::query::{encode_cursor, Order, Page};

/// A JSON body served as stored.
pub(crate) struct StoredJson(pub String);

impl IntoResponse for StoredJson {
    fn into_response(self) -> Response {
        ([(CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// A page of stored items in the shape of [`ListResponse`](super::lists::ListResponse):
/// `{"items": [...], "nextCursor": ...}`.
pub(crate) fn stored_page(page: Page<String>, order: Order) -> StoredJson {
    let cursor = page.next.map(|position| encode_cursor(order, &position));
    // Sized for the whole body, so that it is never copied to grow (a page is ~200 KB).
    let items: usize = page.items.iter().map(|item| item.len() + 1).sum();
    let cursor_len = cursor.as_ref().map_or(4, String::len);
    let mut body = String::with_capacity(items + cursor_len + 32);
    body.push_str("{\"items\":[");
    for (n, item) in page.items.iter().enumerate() {
        if n > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str("],\"nextCursor\":");
    match cursor {
        // A cursor is URL-safe base64: nothing in it needs escaping.
        Some(cursor) => {
            body.push('"');
            body.push_str(&cursor);
            body.push('"');
        }
        None => body.push_str("null"),
    }
    body.push('}');
    StoredJson(body)
}
