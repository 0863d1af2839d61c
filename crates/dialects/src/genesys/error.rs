//! Genesys UCS's error body: `{"message", "exception"}`, the exception being Context
//! Services' resource exception, as the 8.5 documentation shows.

use serde_json::json;

use crate::VendorError;

const EXCEPTION: &str =
    "com.genesyslab.gsg.services.contextservices.exceptions.ContextServicesExceptionResource";

/// An error with `status` and `message`.
pub fn error(status: u16, message: impl Into<String>) -> VendorError {
    let message = message.into();
    VendorError::json(status, json!({"message": message, "exception": EXCEPTION}))
}

/// 404: `{what} not found`.
pub fn not_found(what: &str) -> VendorError {
    error(404, format!("{what} not found"))
}

/// A native error as UCS clients get it: its status and message.
pub fn from_native(status: u16, message: &str, _field: Option<&str>) -> VendorError {
    error(status, message)
}
