//! A tenant's redaction settings: the mode and its own patterns.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

/// What redaction does to a tenant's events (`redaction` in its settings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Redaction {
    /// Events are stored as they arrive.
    #[default]
    Off,
    /// Only the redacted text is stored; the original never reaches the disk.
    Redact,
    /// The redacted text is stored and served; each changed event's original is kept too,
    /// encrypted at rest, for callers with the `interactions:reveal` scope.
    RedactAndKeepOriginal,
}

impl Redaction {
    /// Whether events are redacted (either mode but `off`).
    pub fn redacts(self) -> bool {
        self != Redaction::Off
    }
}

/// A customer field a policy may redact (`redactionCustomerFields`). The customer's id is
/// never redacted: it keys the history and erasure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum CustomerField {
    /// The customer's name, stored as `[NAME]`.
    Name,
    /// The phone number or address the customer used, stored as `[ADDRESS]`. Such
    /// interactions are then found by the customer's id only.
    Address,
}

/// A tenant's own pattern: matches become `[NAME]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RedactionPattern {
    /// 1 to 32 of `a-z 0-9 -`; the token is its upper case (`member` gives `[MEMBER]`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z0-9-]{1,32}$"))]
    pub name: String,
    /// A regular expression (Rust's `regex` syntax: no look-around, linear time) that does
    /// not match empty text.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub regex: String,
}

/// At most this many patterns per tenant.
pub const MAX_REDACTION_PATTERNS: usize = 20;

impl RedactionPattern {
    /// The compiled pattern; its size is bounded so that no pattern makes ingest slow.
    pub fn compile(&self) -> Result<Regex, String> {
        RegexBuilder::new(&self.regex)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| format!("is not a valid regular expression: {e}"))
    }

    /// Why the pattern is refused, naming the part (`name` or `regex`).
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let name_ok = (1..=32).contains(&self.name.len())
            && (self.name.bytes())
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            return Err(("name", "must be 1 to 32 of a-z, 0-9 and -".into()));
        }
        let regex = self.compile().map_err(|e| ("regex", e))?;
        if regex.is_match("") {
            return Err(("regex", "must not match empty text".into()));
        }
        Ok(())
    }
}
