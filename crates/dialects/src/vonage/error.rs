//! Vonage's error body: `{"message": "..."}`, with the fixed messages of an ASP.NET Web API
//! for authentication failures, unknown resources and server errors.

use serde_json::json;

use crate::error::is_server_error;
use crate::VendorError;

/// An error with `status` and `message`.
pub fn error(status: u16, message: impl Into<String>) -> VendorError {
    let message = message.into();
    VendorError::json(status, json!({"message": message}))
}

/// 400 with `message`.
pub fn bad_request(message: impl Into<String>) -> VendorError {
    error(400, message)
}

/// 404 with the vendor's fixed message.
pub fn not_found() -> VendorError {
    error(404, "The requested resource was not found.")
}

/// A native error with Vonage's fixed message where it has one.
pub fn from_native(status: u16, message: &str, _field: Option<&str>) -> VendorError {
    match status {
        401 if message.contains("expired") => {
            error(status, "The access token is invalid or has expired")
        }
        401 => error(status, "Authorization has been denied for this request."),
        404 => not_found(),
        s if is_server_error(s) => error(status, "An error has occurred."),
        _ => error(status, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorBody;

    #[test]
    fn authentication_and_server_errors_get_fixed_messages() {
        let message = |status, text| match from_native(status, text, None).body {
            ErrorBody::Json(body) => body["message"].clone(),
            ErrorBody::Text(_) => unreachable!("Vonage errors are JSON"),
        };
        assert_eq!(
            message(401, "token expired"),
            "The access token is invalid or has expired"
        );
        assert_eq!(
            message(401, "bad signature"),
            "Authorization has been denied for this request."
        );
        assert_eq!(message(503, "database busy"), "An error has occurred.");
        assert_eq!(message(403, "not yours"), "not yours");
    }
}
