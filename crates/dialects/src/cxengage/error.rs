//! CxEngage's error body: `{"code": <status>, "error": <reason phrase>, "message": <what is
//! wrong>}`, for every status.

use serde_json::json;

use crate::VendorError;

/// An error with `status` and `message`.
pub fn error(status: u16, message: impl Into<String>) -> VendorError {
    let message = message.into();
    VendorError::json(
        status,
        json!({"code": status, "error": reason(status), "message": message}),
    )
}

/// 400 with `message`.
pub fn bad_request(message: impl Into<String>) -> VendorError {
    error(400, message)
}

/// 404 with `message`.
pub fn not_found(message: impl Into<String>) -> VendorError {
    error(404, message)
}

/// A native error as CxEngage clients get it: its status and message.
pub fn from_native(status: u16, message: &str, _field: Option<&str>) -> VendorError {
    error(status, message)
}

/// The standard reason phrase of the statuses Interlog answers with (`Error` otherwise).
pub fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorBody;

    #[test]
    fn the_body_carries_the_status_and_its_reason() {
        let error = from_native(429, "slow down", Some("ignored"));
        assert_eq!(error.status, 429);
        assert_eq!(
            error.body,
            ErrorBody::Json(
                json!({"code": 429, "error": "Too Many Requests", "message": "slow down"})
            )
        );
        assert!(error.headers.is_empty());
    }
}
