//! What every dialect's errors share: the vendor's error answer as a value
//! ([`VendorError`]), which the server turns into an HTTP response without knowing the
//! vendor, and [`ImportError`], why an importer refused a record.

use serde_json::Value;

/// An error answer in a vendor's shape: status, body and the extra headers the vendor
/// sends. Each vendor's `error.rs` builds these; the server only writes them out.
#[derive(Clone, Debug, PartialEq)]
pub struct VendorError {
    /// The HTTP status code.
    pub status: u16,
    pub body: ErrorBody,
    /// Headers beyond the body's content type (lower-case names).
    pub headers: Vec<(&'static str, String)>,
}

/// The body of a vendor's error answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ErrorBody {
    /// `application/json`.
    Json(Value),
    /// `text/plain; charset=utf-8`.
    Text(String),
}

impl VendorError {
    /// A JSON body and no extra headers.
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            body: ErrorBody::Json(body),
            headers: Vec::new(),
        }
    }

    /// A plain-text body and no extra headers.
    pub fn text(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::Text(message.into()),
            headers: Vec::new(),
        }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// Whether `status` is a server error (5xx), whose details vendors' bodies never carry.
pub(crate) fn is_server_error(status: u16) -> bool {
    (500..600).contains(&status)
}

/// Why a vendor record cannot be imported: the field at fault and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ImportError {
    pub field: String,
    pub message: String,
}

impl ImportError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same error, its field named within `path` (`messages[1]` + `participant`).
    pub fn within(self, path: &str) -> Self {
        Self {
            field: format!("{path}.{}", self.field),
            message: self.message,
        }
    }
}
