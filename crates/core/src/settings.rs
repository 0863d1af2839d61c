//! A tenant's settings: the configuration its reports are computed with (the time zone that
//! decides where a day begins, the service-level threshold, what counts as a short abandon).
//!
//! Two shapes: [`TenantSettings`], the effective settings (every field, defaults filled in),
//! and [`SettingsUpdate`], a partial change that [`TenantSettings::merged`] applies (absent
//! fields keep their value). [`SettingsUpdate::parse`] is the one way JSON becomes an update,
//! with errors that name the field; stored settings are read back through it too, so a
//! field added later reads as its default from rows written before it existed.
//!
//! These are the tenant's configuration, not personal data.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::projection::DEFAULT_SLA_THRESHOLD;
pub use crate::redact::{CustomerField, Redaction, RedactionPattern, MAX_REDACTION_PATTERNS};

/// `slaThresholdSeconds` when none is set: the projection's threshold for a queue entry
/// whose event names none, so reports and records agree by default.
pub const DEFAULT_SLA_THRESHOLD_SECONDS: u32 = (DEFAULT_SLA_THRESHOLD.millis() / 1000) as u32;

/// `shortAbandonSeconds` when none is set.
pub const DEFAULT_SHORT_ABANDON_SECONDS: u32 = 5;

/// An IANA time zone (`Europe/Paris`, `UTC`), by its exact name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(chrono_tz::Tz);

impl TimeZone {
    pub const UTC: TimeZone = TimeZone(chrono_tz::Tz::UTC);

    /// The zone with this IANA name (case-sensitive, as the database spells it).
    pub fn parse(name: &str) -> Result<Self, String> {
        name.parse::<chrono_tz::Tz>().map(Self).map_err(|_| {
            format!("{name:?} is not an IANA time zone name (such as Europe/Paris or UTC)")
        })
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The zone, for computing local times.
    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        Self::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        TimeZone::parse(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for TimeZone {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "An IANA time zone name, exactly as the database spells it",
            ))
            // The whole list: a name outside it is refused, and the document says so.
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .examples([serde_json::json!("Europe/Paris")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for TimeZone {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("TimeZone")
    }
}

/// A tenant's effective settings: every field, defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TenantSettings {
    /// The IANA time zone reports use for days and hours (default `UTC`).
    pub time_zone: TimeZone,
    /// Seconds in queue within which an answer or abandon meets the service level
    /// (default 20, the projection's threshold when a queue entry names none).
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uint32", minimum = 1, maximum = 4294967295_u32)
    )]
    pub sla_threshold_seconds: u32,
    /// Abandons within this many seconds are short abandons (default 5).
    pub short_abandon_seconds: u32,
    /// Interactions that ended more than this many days ago are deleted with everything
    /// derived from them; 0 (the default) keeps them forever.
    #[cfg_attr(feature = "openapi", schema(maximum = 36500))]
    pub retention_days: u32,
    /// `off` (the default), `redact` or `redact-and-keep-original`: cards, security codes,
    /// SSNs, IBANs, e-mail addresses, phone numbers and `redactionPatterns` are replaced by
    /// tokens before anything is stored; with `redact-and-keep-original` the original is also
    /// kept, encrypted, for callers with the `interactions:reveal` scope.
    pub redaction: Redaction,
    /// The tenant's own patterns, applied when `redaction` is on.
    pub redaction_patterns: Vec<RedactionPattern>,
    /// Customer fields replaced whole when `redaction` is on: `name` (`[NAME]`) and
    /// `address` (`[ADDRESS]`); none by default.
    pub redaction_customer_fields: Vec<CustomerField>,
}

/// The longest retention one can ask for: a hundred years.
pub const MAX_RETENTION_DAYS: u32 = 36_500;

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            time_zone: TimeZone::UTC,
            sla_threshold_seconds: DEFAULT_SLA_THRESHOLD_SECONDS,
            short_abandon_seconds: DEFAULT_SHORT_ABANDON_SECONDS,
            retention_days: 0,
            redaction: Redaction::Off,
            redaction_patterns: Vec::new(),
            redaction_customer_fields: Vec::new(),
        }
    }
}

impl TenantSettings {
    /// These settings with the update's fields replaced; absent fields keep their value.
    pub fn merged(&self, update: &SettingsUpdate) -> TenantSettings {
        TenantSettings {
            time_zone: update.time_zone.unwrap_or(self.time_zone),
            sla_threshold_seconds: update
                .sla_threshold_seconds
                .unwrap_or(self.sla_threshold_seconds),
            short_abandon_seconds: update
                .short_abandon_seconds
                .unwrap_or(self.short_abandon_seconds),
            retention_days: update.retention_days.unwrap_or(self.retention_days),
            redaction: update.redaction.unwrap_or(self.redaction),
            redaction_patterns: (update.redaction_patterns.clone())
                .unwrap_or_else(|| self.redaction_patterns.clone()),
            redaction_customer_fields: (update.redaction_customer_fields.clone())
                .unwrap_or_else(|| self.redaction_customer_fields.clone()),
        }
    }

    /// Settings read back from their stored JSON (the defaults for any field it lacks).
    pub fn from_json(value: Value) -> Result<TenantSettings, SettingsError> {
        Ok(TenantSettings::default().merged(&SettingsUpdate::parse(value)?))
    }
}

/// A change to a tenant's settings: any subset of the fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsUpdate {
    // null is refused (leave a field out to keep it), so no field is nullable.
    /// An IANA time zone name, such as `Europe/Paris`.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub time_zone: Option<TimeZone>,
    /// A whole number of seconds, at least 1.
    #[cfg_attr(
        feature = "openapi",
        schema(
            nullable = false,
            format = "uint32",
            minimum = 1,
            maximum = 4294967295_u32
        )
    )]
    pub sla_threshold_seconds: Option<u32>,
    /// A whole number of seconds, 0 or more.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub short_abandon_seconds: Option<u32>,
    /// Days after its end an interaction is kept, 1 to 36500; 0 keeps them forever.
    #[cfg_attr(feature = "openapi", schema(nullable = false, maximum = 36500))]
    pub retention_days: Option<u32>,
    /// `off`, `redact` or `redact-and-keep-original`.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub redaction: Option<Redaction>,
    /// At most 20 `{"name", "regex"}` patterns; replaces the list.
    #[cfg_attr(feature = "openapi", schema(nullable = false, max_items = 20))]
    pub redaction_patterns: Option<Vec<RedactionPattern>>,
    /// Customer fields to redact: `name`, `address` (a field named twice counts once);
    /// replaces the list.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub redaction_customer_fields: Option<Vec<CustomerField>>,
}

/// Why a JSON value is not a valid settings update: the field at fault and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SettingsError {
    /// The field at fault; `.` for the whole body.
    pub field: String,
    pub message: String,
}

impl SettingsError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl SettingsUpdate {
    /// Parses and validates an update: a JSON object of known fields, none of them null.
    pub fn parse(mut value: Value) -> Result<SettingsUpdate, SettingsError> {
        let Value::Object(fields) = &value else {
            return Err(SettingsError::new(".", "settings must be a JSON object"));
        };
        if let Some((name, _)) = fields.iter().find(|(_, v)| v.is_null()) {
            return Err(SettingsError::new(
                name.as_str(),
                "must not be null; leave the field out to keep its value",
            ));
        }
        crate::event::shape::whole_numbers_as_integers(&mut value);
        let mut update: SettingsUpdate = serde_path_to_error::deserialize(value).map_err(|e| {
            let message = e.inner().to_string();
            // serde reports an unknown field at the object's path; name the field itself.
            let unknown = message
                .strip_prefix("unknown field `")
                .and_then(|m| m.split('`').next());
            SettingsError::new(unknown.map_or(e.path().to_string(), str::to_owned), message)
        })?;
        if update
            .retention_days
            .is_some_and(|days| days > MAX_RETENTION_DAYS)
        {
            return Err(SettingsError::new(
                "retentionDays",
                format!("must be at most {MAX_RETENTION_DAYS} days (0 keeps forever)"),
            ));
        }
        update.check_redaction()?;
        if let Some(fields) = &mut update.redaction_customer_fields {
            fields.sort();
            fields.dedup();
        }
        if update.sla_threshold_seconds == Some(0) {
            return Err(SettingsError::new(
                "slaThresholdSeconds",
                "must be at least 1 second",
            ));
        }
        Ok(update)
    }

    /// The redaction patterns' own rules: their number, names and regexes.
    fn check_redaction(&self) -> Result<(), SettingsError> {
        let patterns = self.redaction_patterns.as_deref().unwrap_or_default();
        if patterns.len() > MAX_REDACTION_PATTERNS {
            return Err(SettingsError::new(
                "redactionPatterns",
                format!("at most {MAX_REDACTION_PATTERNS} patterns"),
            ));
        }
        for (n, pattern) in patterns.iter().enumerate() {
            pattern.check().map_err(|(part, message)| {
                SettingsError::new(format!("redactionPatterns[{n}].{part}"), message)
            })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(value: Value) -> SettingsError {
        SettingsUpdate::parse(value).expect_err("refused")
    }

    #[test]
    fn the_defaults_are_utc_the_projections_sla_threshold_and_five_seconds() {
        let defaults = serde_json::to_value(TenantSettings::default()).unwrap();
        assert_eq!(
            defaults,
            json!({"timeZone": "UTC", "slaThresholdSeconds": 20, "shortAbandonSeconds": 5,
                "retentionDays": 0, "redaction": "off", "redactionPatterns": [],
                "redactionCustomerFields": []})
        );
        assert_eq!(
            i64::from(DEFAULT_SLA_THRESHOLD_SECONDS) * 1000,
            DEFAULT_SLA_THRESHOLD.millis()
        );
    }

    #[test]
    fn a_partial_update_keeps_the_other_fields() {
        let current = TenantSettings::default().merged(
            &SettingsUpdate::parse(json!({"timeZone": "Europe/Paris", "slaThresholdSeconds": 30}))
                .unwrap(),
        );
        let update = SettingsUpdate::parse(json!({"shortAbandonSeconds": 0})).unwrap();
        let merged = current.merged(&update);
        assert_eq!(merged.time_zone.name(), "Europe/Paris");
        assert_eq!(merged.sla_threshold_seconds, 30);
        assert_eq!(merged.short_abandon_seconds, 0);
        assert_eq!(current.merged(&SettingsUpdate::default()), current);
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let error = refused(json!({"timeZone": "UTC", "slaThreshold": 20}));
        assert_eq!(error.field, "slaThreshold");
        assert!(error.message.contains("slaThresholdSeconds"), "{error}");
    }

    #[test]
    fn zones_must_be_exact_iana_names() {
        for zone in ["Mars/Olympus", "europe/paris", "", "CEST"] {
            assert_eq!(
                refused(json!({ "timeZone": zone })).field,
                "timeZone",
                "{zone}"
            );
        }
        assert_eq!(refused(json!({"timeZone": 1})).field, "timeZone");
        let paris = SettingsUpdate::parse(json!({"timeZone": "Europe/Paris"})).unwrap();
        assert_eq!(paris.time_zone.unwrap().to_string(), "Europe/Paris");
    }

    #[test]
    fn the_sla_threshold_is_positive_and_short_abandons_not_negative() {
        for sla in [json!(0), json!(-5), json!(2.5), json!("20")] {
            let error = refused(json!({ "slaThresholdSeconds": sla }));
            assert_eq!(error.field, "slaThresholdSeconds", "{sla}");
        }
        let error = refused(json!({"shortAbandonSeconds": -1}));
        assert_eq!(error.field, "shortAbandonSeconds");
        let whole = SettingsUpdate::parse(json!({"slaThresholdSeconds": 30.0})).unwrap();
        assert_eq!(whole.sla_threshold_seconds, Some(30));
    }

    #[test]
    fn nulls_and_non_objects_are_refused() {
        assert_eq!(refused(json!({"timeZone": null})).field, "timeZone");
        assert_eq!(refused(json!(["UTC"])).field, ".");
    }

    #[test]
    fn stored_settings_read_back_with_defaults_for_missing_fields() {
        let stored = TenantSettings::from_json(json!({"timeZone": "Asia/Tokyo"})).unwrap();
        assert_eq!(stored.time_zone.name(), "Asia/Tokyo");
        assert_eq!(stored.sla_threshold_seconds, DEFAULT_SLA_THRESHOLD_SECONDS);
        let round = serde_json::to_value(&stored).unwrap();
        assert_eq!(TenantSettings::from_json(round).unwrap(), stored);
    }
}
