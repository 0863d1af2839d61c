//! Query-string parameters, parsed strictly: an unknown or repeated parameter, or a value
//! that does not parse, is a 400 that names the parameter. No filter is ever silently
//! ignored.

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use axum::http::{header, HeaderMap};
use interlog_core::query::{decode_cursor, Order, Position, DEFAULT_LIMIT, MAX_LIMIT};
use interlog_core::Timestamp;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Refuses a window whose `to` is not later than its `from` (both given).
pub(crate) fn check_window(from: Option<Timestamp>, to: Option<Timestamp>) -> Result<(), ApiError> {
    match (from, to) {
        (Some(from), Some(to)) if to <= from => {
            Err(ApiError::invalid_parameter("to", "must be later than from"))
        }
        _ => Ok(()),
    }
}

/// Whether a route that answers JSON or CSV answers CSV: `format=csv`, or no `format` and
/// `Accept: text/csv`.
pub(crate) fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> bool {
    match format {
        Some(format) => format == "csv",
        None => (headers.get(header::ACCEPT))
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv")),
    }
}

/// The parameters of one request; each is taken at most once, and `finish` refuses the rest.
pub(crate) struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub(crate) fn new(
        query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    ) -> Result<Self, ApiError> {
        let Query(pairs) = query
            .map_err(|e| ApiError::bad_request(format!("the query string is malformed: {e}")))?;
        Ok(Self { pairs })
    }

    /// The raw value of `name`, if given (once).
    pub(crate) fn take(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let mut values = Vec::new();
        self.pairs.retain(|(key, value)| {
            let hit = key == name;
            if hit {
                values.push(value.clone());
            }
            !hit
        });
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(ApiError::invalid_parameter(name, "is given more than once")),
        }
    }

    /// `name`, parsed by `parse` (whose error describes what is wrong).
    pub(crate) fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ApiError> {
        match self.take(name)? {
            None => Ok(None),
            Some(raw) if raw.is_empty() => {
                Err(ApiError::invalid_parameter(name, "must not be empty"))
            }
            Some(raw) => parse(&raw)
                .map(Some)
                .map_err(|e| ApiError::invalid_parameter(name, e)),
        }
    }

    /// A value of a kebab-case enum, with the allowed values in the error.
    pub(crate) fn choice<T: DeserializeOwned>(
        &mut self,
        name: &str,
        allowed: &[&str],
    ) -> Result<Option<T>, ApiError> {
        self.parsed(name, |raw| {
            serde_json::from_value(serde_json::Value::String(raw.into()))
                .map_err(|_| format!("{raw:?} is not one of {}", allowed.join(", ")))
        })
    }

    /// `name` as given (refused when empty, as every parameter is).
    pub(crate) fn text(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        self.parsed(name, |raw| Ok(raw.to_string()))
    }

    pub(crate) fn timestamp(&mut self, name: &str) -> Result<Option<Timestamp>, ApiError> {
        self.parsed(name, |raw| Timestamp::parse(raw).map_err(|e| e.to_string()))
    }

    pub(crate) fn boolean(&mut self, name: &str) -> Result<Option<bool>, ApiError> {
        self.parsed(name, |raw| match raw {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(format!("{raw:?} is not true or false")),
        })
    }

    /// `limit`: 1..=max, `default` when absent.
    pub(crate) fn limit(&mut self, default: u32, max: u32) -> Result<u32, ApiError> {
        let limit = self.parsed("limit", |raw| {
            raw.parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| format!("must be an integer from 1 to {max}"))
        })?;
        Ok(limit.unwrap_or(default))
    }

    /// The native lists' `limit` (default 50, max 1000).
    pub(crate) fn page_limit(&mut self) -> Result<u32, ApiError> {
        self.limit(DEFAULT_LIMIT, MAX_LIMIT)
    }

    /// `cursor`, decoded for a listing in `order`.
    pub(crate) fn cursor(&mut self, order: Order) -> Result<Option<Position>, ApiError> {
        self.parsed("cursor", |raw| {
            decode_cursor(order, raw).map_err(|e| e.to_string())
        })
    }

    /// Refuses whatever was not taken.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        match self.pairs.first() {
            None => Ok(()),
            Some((name, _)) => Err(ApiError::invalid_parameter(
                name,
                "is not a parameter of this route",
            )),
        }
    }
}

pub(crate) const CHANNELS: &[&str] = &[
    "voice",
    "chat",
    "email",
    "sms",
    "messaging",
    "social",
    "video",
    "work-item",
];
pub(crate) const DIRECTIONS: &[&str] = &["inbound", "outbound", "internal"];
