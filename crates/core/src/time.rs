//! Millisecond timestamps and durations.
//!
//! Everything Interlog computes is exact to the millisecond: instants are kept as integer
//! milliseconds since the Unix epoch and durations as integer milliseconds, so 94.244 s is
//! stored as 94244 and never drifts through floating-point arithmetic. Input is RFC 3339 with
//! any offset; digits below the millisecond are truncated. Output is UTC with exactly three
//! fractional digits (`2017-12-07T19:22:07.638Z`), as the vendors render it.

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Why a string is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an RFC 3339 timestamp such as 2017-12-07T19:20:33.394Z, got {0:?}")]
pub struct TimestampError(String);

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn parse(raw: &str) -> Result<Self, TimestampError> {
        let parsed = DateTime::parse_from_rfc3339(raw).map_err(|_| TimestampError(raw.into()))?;
        Ok(Self(parsed.timestamp_millis()))
    }

    /// The time from `earlier` to `self` (negative when `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> Seconds {
        Seconds::from_millis(self.0 - earlier.0)
    }

    fn to_datetime(self) -> DateTime<Utc> {
        // Every i64 millisecond count that parse() can produce is in chrono's range; the
        // fallback only guards values built by hand with from_millis.
        DateTime::from_timestamp_millis(self.0).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// RFC 3339 in UTC with the given number of fractional digits (0, 3 or 6), for dialects
    /// that render seconds (Vonage) or microseconds (Talkdesk).
    pub fn format(self, fraction_digits: u8) -> String {
        let format = match fraction_digits {
            0 => SecondsFormat::Secs,
            6 => SecondsFormat::Micros,
            _ => SecondsFormat::Millis,
        };
        self.to_datetime().to_rfc3339_opts(format, true)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(3))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Timestamp::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A duration in milliseconds, serialized as seconds with millisecond precision (94.244).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seconds(i64);

impl Seconds {
    pub const ZERO: Seconds = Seconds(0);

    pub fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub fn from_secs(s: i64) -> Self {
        Self(s * 1000)
    }

    /// [`Seconds::from_secs`] for constants.
    pub const fn from_secs_const(s: i64) -> Self {
        Self(s * 1000)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds, rounded to the nearest (for dialects that count in seconds).
    pub fn whole_seconds(self) -> i64 {
        (self.0 + 500).div_euclid(1000)
    }
}

impl std::ops::Add for Seconds {
    type Output = Seconds;
    fn add(self, rhs: Seconds) -> Seconds {
        Seconds(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Seconds {
    type Output = Seconds;
    fn sub(self, rhs: Seconds) -> Seconds {
        Seconds(self.0 - rhs.0)
    }
}

impl std::iter::Sum for Seconds {
    fn sum<I: Iterator<Item = Seconds>>(iter: I) -> Seconds {
        Seconds(iter.map(|s| s.0).sum())
    }
}

impl Serialize for Seconds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Whole seconds render as integers (20, not 20.0), as JavaScript-based vendor APIs do.
        // Otherwise integer milliseconds divided once: the shortest decimal that round-trips
        // is exactly the millisecond figure (94244 -> 94.244).
        if self.0 % 1000 == 0 {
            s.serialize_i64(self.0 / 1000)
        } else {
            s.serialize_f64(self.0 as f64 / 1000.0)
        }
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let secs = f64::deserialize(d)?;
        if !secs.is_finite() || secs.abs() > 1e12 {
            return Err(serde::de::Error::custom(
                "expected a finite number of seconds",
            ));
        }
        Ok(Seconds((secs * 1000.0).round() as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_milliseconds_and_normalise_offsets_to_utc() {
        let t = Timestamp::parse("2017-12-07T21:22:07.638+02:00").unwrap();
        assert_eq!(t.to_string(), "2017-12-07T19:22:07.638Z");
        assert_eq!(t.format(6), "2017-12-07T19:22:07.638000Z");
        assert_eq!(t.format(0), "2017-12-07T19:22:07Z");
        assert_eq!(
            Timestamp::parse("2017-12-07T19:22:07Z")
                .unwrap()
                .to_string(),
            "2017-12-07T19:22:07.000Z"
        );
    }

    #[test]
    fn sub_millisecond_digits_are_truncated() {
        let t = Timestamp::parse("2017-12-07T19:22:07.638999Z").unwrap();
        assert_eq!(t.to_string(), "2017-12-07T19:22:07.638Z");
    }

    #[test]
    fn invalid_timestamps_are_rejected_with_the_input_quoted() {
        let err = Timestamp::parse("2017-12-07 19:22").unwrap_err();
        assert!(err.to_string().contains("\"2017-12-07 19:22\""));
        assert!(
            Timestamp::parse("2017-12-07T19:22:07").is_err(),
            "an offset is required"
        );
    }

    #[test]
    fn durations_serialize_as_exact_seconds() {
        let a = Timestamp::parse("2017-12-07T19:20:33.394Z").unwrap();
        let b = Timestamp::parse("2017-12-07T19:22:07.638Z").unwrap();
        assert_eq!(serde_json::to_string(&b.since(a)).unwrap(), "94.244");
        assert_eq!(
            serde_json::to_string(&Seconds::from_millis(173)).unwrap(),
            "0.173"
        );
        assert_eq!(
            serde_json::to_string(&Seconds::from_secs(20)).unwrap(),
            "20"
        );
        assert_eq!(
            serde_json::to_string(&Seconds::from_millis(-1500)).unwrap(),
            "-1.5"
        );
        assert_eq!(
            serde_json::from_str::<Seconds>("93.993").unwrap(),
            Seconds::from_millis(93993)
        );
        assert_eq!(Seconds::from_millis(971_600).whole_seconds(), 972);
    }
}

#[cfg(feature = "openapi")]
mod schema {
    //! OpenAPI schemas: instants are RFC 3339 strings, durations are numbers of seconds.

    use std::borrow::Cow;

    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
    use utoipa::openapi::RefOr;

    use super::{Seconds, Timestamp};

    impl utoipa::PartialSchema for Timestamp {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                .description(Some("RFC 3339; UTC with milliseconds on output"))
                .examples([serde_json::json!("2017-12-07T19:20:33.394Z")])
                .into()
        }
    }

    impl utoipa::ToSchema for Timestamp {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Timestamp")
        }
    }

    impl utoipa::PartialSchema for Seconds {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(-1e12))
                .maximum(Some(1e12))
                .description(Some("seconds, exact to the millisecond"))
                .examples([serde_json::json!(94.244)])
                .into()
        }
    }

    impl utoipa::ToSchema for Seconds {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Seconds")
        }
    }
}
