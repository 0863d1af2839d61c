//! X-Platform's errors: authentication failures are 401 with the documented JSON body and
//! the reason in an `Unauthenticated-Reason` header; every other error is plain text.

use serde_json::json;

use crate::error::is_server_error;
use crate::VendorError;

/// 401 with the documented body and `reason` in `Unauthenticated-Reason`.
pub fn unauthenticated(reason: impl Into<String>) -> VendorError {
    let body = json!({"code": "0x7000000", "message": "Request is unauthorized, missing or wrong credentials",
        "moreInfoUrl": "http://support.uniphore.com"});
    VendorError::json(401, body).with_header("unauthenticated-reason", reason)
}

/// Any other error: `message` as plain text.
pub fn text(status: u16, message: impl Into<String>) -> VendorError {
    VendorError::text(status, message)
}

/// A native error: 401 as [`unauthenticated`], server errors as a bare `exception`, others
/// with their message.
pub fn from_native(status: u16, message: &str, _field: Option<&str>) -> VendorError {
    match status {
        401 => unauthenticated(message),
        s if is_server_error(s) => text(s, "exception"),
        s => text(s, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorBody;

    #[test]
    fn only_authentication_failures_are_json() {
        let error = from_native(401, "missing Tenant-Id header", None);
        assert_eq!(
            error.headers,
            [(
                "unauthenticated-reason",
                "missing Tenant-Id header".to_string()
            )]
        );
        assert!(matches!(error.body, ErrorBody::Json(_)));
        assert_eq!(
            from_native(500, "disk on fire", None).body,
            ErrorBody::Text("exception".into())
        );
    }
}
