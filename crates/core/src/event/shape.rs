//! Where serde and JSON disagree about the shape of a value, the event parser takes JSON's
//! side.
//!
//! serde accepts a JSON array for a struct (its fields in order), so `"flow": ["a", "b"]`
//! would parse as `{"id": "a", "name": "b"}`. Interlog's API says objects are objects:
//! after parsing, every place where the parsed value is an object must have been given as
//! one. Only values that contain an array can differ, so the others skip the check.

use serde_json::{Number, Value};

/// Beyond this, an f64 no longer holds every integer exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// JSON does not tell `8383.0` from `8383` (JSON Schema's `integer` accepts both), but serde
/// does: a whole number written with a fraction becomes an integer, so that integer fields
/// accept it and number fields read the same value.
///
/// Answers whether `value` holds an array, the only values [`array_for_object`] can find
/// anything in, so that one walk over an event serves both.
pub(crate) fn whole_numbers_as_integers(value: &mut Value) -> bool {
    match value {
        Value::Number(number) => {
            let whole = number
                .as_f64()
                .filter(|f| number.is_f64() && f.fract() == 0.0 && f.abs() <= EXACT);
            if let Some(whole) = whole {
                *number = Number::from(whole as i64);
            }
            false
        }
        Value::Array(items) => {
            items.iter_mut().for_each(|item| {
                whole_numbers_as_integers(item);
            });
            true
        }
        Value::Object(object) => {
            // Every value is walked (no short cut: each may hold whole numbers).
            let mut arrays = false;
            for inner in object.values_mut() {
                arrays |= whole_numbers_as_integers(inner);
            }
            arrays
        }
        _ => false,
    }
}

/// The path of the first object that was given as an array, if any.
pub(super) fn array_for_object(given: &Value, parsed: &Value) -> Option<String> {
    let mut path = Vec::new();
    find(given, parsed, &mut path).then(|| path.join("."))
}

/// True when a mismatch was found; `path` then leads to it.
fn find(given: &Value, parsed: &Value, path: &mut Vec<String>) -> bool {
    match (given, parsed) {
        (Value::Array(_), Value::Object(_)) => true,
        (Value::Object(given), Value::Object(parsed)) => parsed.iter().any(|(key, inner)| {
            given.get(key).is_some_and(|g| {
                path.push(key.clone());
                let found = find(g, inner, path);
                if !found {
                    path.pop();
                }
                found
            })
        }),
        (Value::Array(given), Value::Array(parsed)) => {
            given.iter().zip(parsed).enumerate().any(|(index, (g, p))| {
                path.push(index.to_string());
                let found = find(g, p, path);
                if !found {
                    path.pop();
                }
                found
            })
        }
        _ => false,
    }
}

/// The JSON path of the first string or key (`.` for the value itself) that holds a NUL
/// character, if any; a key's own path names the object holding it, then the key escaped.
/// Allocates only for the path it finds (every event of every batch is walked).
pub(crate) fn nul_at(value: &Value) -> Option<String> {
    let inner = |at: String, path: String| match path.as_str() {
        "." => at,
        _ if path.starts_with('[') => format!("{at}{path}"),
        _ => format!("{at}.{path}"),
    };
    match value {
        Value::String(text) => text.contains('\0').then(|| ".".to_string()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let path = nul_at(item)?;
            Some(inner(format!("[{i}]"), path))
        }),
        Value::Object(object) => object.iter().find_map(|(key, item)| {
            let key_text = || key.escape_debug().to_string();
            if key.contains('\0') {
                return Some(key_text());
            }
            let path = nul_at(item)?;
            Some(inner(key_text(), path))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_array_given_for_an_object_is_found_by_its_path() {
        let given = json!({"record": {"flow": ["a", "b"], "notes": [{"text": "x"}]}});
        let parsed = json!({"record": {"flow": {"id": "a", "name": "b"},
                                       "notes": [{"text": "x"}]}});
        assert_eq!(
            array_for_object(&given, &parsed).as_deref(),
            Some("record.flow")
        );
        let given = json!({"record": {"notes": [["x"]]}});
        let parsed = json!({"record": {"notes": [{"text": "x"}]}});
        assert_eq!(
            array_for_object(&given, &parsed).as_deref(),
            Some("record.notes.0")
        );
    }

    #[test]
    fn whole_numbers_become_integers_and_fractions_stay() {
        let mut value = json!({"size": 8383.0, "csat": 4.5, "nested": [{"n": -2.0}], "big": 1e300});
        assert!(whole_numbers_as_integers(&mut value), "it holds an array");
        assert!(!whole_numbers_as_integers(&mut json!({"a": {"b": 1.5}})));
        assert_eq!(
            value,
            json!({"size": 8383, "csat": 4.5, "nested": [{"n": -2}], "big": 1e300})
        );
        assert!(value["size"].is_u64());
    }

    #[test]
    fn objects_given_as_objects_pass() {
        let given = json!({"notes": [{"text": "x"}], "tags": ["a"]});
        assert_eq!(array_for_object(&given, &given), None);
        assert_eq!(array_for_object(&json!({"a": 1}), &json!([1])), None);
    }
}
