//! Identifier newtypes, parsed once at the edge so inner code never re-validates a string.
//!
//! Two rules exist. Keys that appear in URLs and in storage keys of our own making (tenant,
//! interaction, event) are "strict": 1–128 characters of `[A-Za-z0-9._:-]`. Identifiers that
//! come from the outside world and are only ever data (agents, customers) are "lenient": 1–256
//! characters, no control characters, because platforms use phone numbers, e-mail addresses
//! and other free forms there.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters long (got {len})")]
    TooLong { max: usize, len: usize },
    #[error("contains {found:?}; only letters, digits and . _ : - are allowed")]
    StrictCharacter { found: char },
    #[error("contains a control character")]
    ControlCharacter,
}

fn check_strict(s: &str) -> Result<(), IdError> {
    check_length(s, 128)?;
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
    {
        Some(found) => Err(IdError::StrictCharacter { found }),
        None => Ok(()),
    }
}

fn check_lenient(s: &str) -> Result<(), IdError> {
    check_length(s, 256)?;
    if s.chars().any(char::is_control) {
        return Err(IdError::ControlCharacter);
    }
    Ok(())
}

fn check_length(s: &str, max: usize) -> Result<(), IdError> {
    let len = s.chars().count();
    if len == 0 {
        Err(IdError::Empty)
    } else if len > max {
        Err(IdError::TooLong { max, len })
    } else {
        Ok(())
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $check:ident, $schema:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        /// The schema states the same rule as `parse`.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                schemas::$schema()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            /// Validates `raw` and wraps it.
            pub fn parse(raw: impl Into<String>) -> Result<Self, IdError> {
                let raw = raw.into();
                $check(&raw)?;
                Ok(Self(raw))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A tenant (an account of the service); every stored row is keyed by it first.
    TenantId, check_strict, strict
);
id_type!(
    /// An interaction; generated as a UUID when a client has none to give.
    InteractionId, check_strict, strict
);
id_type!(
    /// An event's idempotency key, unique per tenant.
    EventId, check_strict, strict
);
id_type!(
    /// A binary's id within its interaction (a photo, an attachment).
    ContentId, check_strict, strict
);
id_type!(
    /// An agent as the platform identifies it.
    AgentId, check_lenient, lenient
);
id_type!(
    /// A customer as the platform identifies it (an id, or an address such as a phone number).
    CustomerId, check_lenient, lenient
);

/// The two rules as JSON Schema, for the OpenAPI documents.
#[cfg(feature = "openapi")]
pub mod schemas {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    /// The strict rule (`check_strict`).
    pub const STRICT_PATTERN: &str = "^[A-Za-z0-9._:-]{1,128}$";
    /// The lenient rule (`check_lenient`): no control character (Unicode category Cc).
    pub const LENIENT_PATTERN: &str = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";

    pub fn strict() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(128))
            .pattern(Some(STRICT_PATTERN))
            .into()
    }

    pub fn lenient() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(256))
            .pattern(Some(LENIENT_PATTERN))
            .into()
    }
}

impl InteractionId {
    /// A fresh random id, for interactions whose source gives none.
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_ids_accept_uuids_and_reject_spaces_and_slashes() {
        assert!(InteractionId::parse("b2109780-db83-11e7-9709-c2b07aa3bee9").is_ok());
        assert!(TenantId::parse("acme.prod:eu_1").is_ok());
        assert_eq!(
            TenantId::parse("a/b"),
            Err(IdError::StrictCharacter { found: '/' })
        );
        assert_eq!(EventId::parse(""), Err(IdError::Empty));
        assert_eq!(
            EventId::parse("x".repeat(129)),
            Err(IdError::TooLong { max: 128, len: 129 })
        );
    }

    #[test]
    fn lenient_ids_accept_phone_numbers_but_not_control_characters() {
        assert!(CustomerId::parse("+1 506 555 2222").is_ok());
        assert!(AgentId::parse("jane@example.com").is_ok());
        assert_eq!(AgentId::parse("a\nb"), Err(IdError::ControlCharacter));
    }
}
