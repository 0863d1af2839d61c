//! Talkdesk's error body: `{code, message, fields: [{name, description}]}`, plus a
//! `description` pointing at `fields` when any field is named.

use serde_json::{json, Value};

use crate::error::is_server_error;
use crate::VendorError;

/// An error with a Talkdesk `code` and the fields at fault (name, description).
pub fn error(status: u16, code: &str, message: &str, fields: &[(&str, &str)]) -> VendorError {
    let fields: Vec<Value> = fields
        .iter()
        .map(|(name, description)| json!({"name": name, "description": description}))
        .collect();
    let mut body = json!({"code": code, "message": message, "fields": fields});
    if !fields.is_empty() {
        body["description"] = json!("See fields for the parameters at fault.");
    }
    VendorError::json(status, body)
}

/// 400 `invalid_parameters` naming one parameter.
pub fn parameter(name: &str, description: impl Into<String>) -> VendorError {
    let description = description.into();
    error(
        400,
        "invalid_parameters",
        "Invalid request parameters",
        &[(name, &description)],
    )
}

/// A native error with Talkdesk's code for its status; a field at fault is named in
/// `fields` with the message as its description.
pub fn from_native(status: u16, message: &str, field: Option<&str>) -> VendorError {
    let code = match status {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        429 => "too_many_requests",
        s if is_server_error(s) => "internal_error",
        _ => "invalid_parameters",
    };
    let fields: Vec<(&str, &str)> = field.map(|f| (f, message)).into_iter().collect();
    error(status, code, message, &fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorBody;

    #[test]
    fn a_named_field_brings_a_description() {
        assert_eq!(
            parameter("per_page", "too big").body,
            ErrorBody::Json(
                json!({"code": "invalid_parameters", "message": "Invalid request parameters",
                "fields": [{"name": "per_page", "description": "too big"}],
                "description": "See fields for the parameters at fault."})
            )
        );
        assert_eq!(
            from_native(403, "no", None).body,
            ErrorBody::Json(json!({"code": "forbidden", "message": "no", "fields": []}))
        );
    }
}
