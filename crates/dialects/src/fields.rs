//! Reading a vendor record's fields, with errors that name the field: shared by the
//! importers of flat JSON records (Amazon Connect, Genesys Cloud).

use interlog_core::Timestamp;
use serde_json::Value;

use crate::ImportError;

/// A string field; absent, null or empty is `None`.
pub(crate) fn text<'a>(v: &'a Value, field: &str) -> Result<Option<&'a str>, ImportError> {
    match v.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ImportError::new(field, "expected a string")),
    }
}

/// A timestamp field (RFC 3339); absent or null is `None`, an empty string is refused.
pub(crate) fn time(v: &Value, field: &str) -> Result<Option<Timestamp>, ImportError> {
    match v.get(field) {
        Some(Value::String(s)) if s.is_empty() => Err(ImportError::new(field, "is empty")),
        _ => (text(v, field)?)
            .map(|s| Timestamp::parse(s).map_err(|e| ImportError::new(field, e.to_string())))
            .transpose(),
    }
}
