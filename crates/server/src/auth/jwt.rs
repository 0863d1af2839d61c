//! HS256 JSON Web Tokens: verifying them into principals, and issuing them (`interlog token`).
//!
//! Claims: `tenants` (array) or `tenant` (string); `scope` (space-separated) or `scp`
//! (array); `exp` (required); `nbf` and `iat` are honoured with 60 s of clock skew; `sub`
//! names the caller.

use std::collections::BTreeSet;
use std::fmt;

use interlog_core::TenantId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{Principal, Scope};

/// The shared HS256 secret. `Debug` never prints it.
#[derive(Clone)]
pub struct JwtSecret(pub(super) Vec<u8>);

impl JwtSecret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }
}

impl fmt::Debug for JwtSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JwtSecret(<redacted>)")
    }
}

/// Why a token was refused. The message is safe to show the caller.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf is in the future)")]
    NotYetValid,
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token must be signed with HS256")]
    Algorithm,
    #[error("the token has no {0} claim")]
    MissingClaim(String),
    #[error("the token names an invalid tenant {0:?}")]
    InvalidTenant(String),
    #[error("the token grants no tenant: add a tenants or tenant claim")]
    NoTenant,
    #[error("the token is malformed")]
    Malformed,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenants: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scp: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    exp: i64,
}

/// What `interlog token` (and tests) ask for.
#[derive(Clone, Debug)]
pub struct TokenSpec {
    pub subject: String,
    pub tenants: Vec<TenantId>,
    pub scopes: Vec<Scope>,
    /// Seconds from now until expiry (negative gives an already-expired token).
    pub ttl_seconds: i64,
}

/// Verifies tokens into principals, and issues them.
pub struct Authenticator {
    decoding: DecodingKey,
    encoding: EncodingKey,
    validation: Validation,
}

impl Authenticator {
    pub fn new(secret: &JwtSecret) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        validation.validate_nbf = true;
        validation.leeway = 60;
        Self {
            decoding: DecodingKey::from_secret(&secret.0),
            encoding: EncodingKey::from_secret(&secret.0),
            validation,
        }
    }

    pub fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidSignature => TokenError::BadSignature,
                ErrorKind::InvalidAlgorithm => TokenError::Algorithm,
                ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(claim.clone()),
                _ => TokenError::Malformed,
            })?
            .claims;
        let names = claims.tenants.into_iter().flatten().chain(claims.tenant);
        let tenants = names
            .map(|name| TenantId::parse(name.clone()).map_err(|_| TokenError::InvalidTenant(name)))
            .collect::<Result<Vec<_>, _>>()?;
        if tenants.is_empty() {
            return Err(TokenError::NoTenant);
        }
        let scope_names = claims.scope.iter().flat_map(|s| s.split_whitespace().map(str::to_owned));
        let scopes: BTreeSet<Scope> =
            scope_names.chain(claims.scp.into_iter().flatten()).filter_map(|s| Scope::from_claim(&s)).collect();
        Ok(Principal { subject: claims.sub, tenants, scopes })
    }

    /// Signs a token for `spec`, valid from now.
    pub fn issue(&self, spec: &TokenSpec) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: Some(spec.subject.clone()),
            tenants: Some(spec.tenants.iter().map(ToString::to_string).collect()),
            tenant: None,
            scope: Some(spec.scopes.iter().map(|s| s.name()).collect::<Vec<_>>().join(" ")),
            scp: None,
            iat: Some(now),
            exp: now + spec.ttl_seconds,
        };
        // HS256 signing of serializable claims cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(ttl_seconds: i64) -> TokenSpec {
        TokenSpec {
            subject: "tester".into(),
            tenants: vec![TenantId::parse("acme").unwrap()],
            scopes: vec![Scope::Read],
            ttl_seconds,
        }
    }

    #[test]
    fn issued_tokens_verify_into_their_principal() {
        let auth = Authenticator::new(&JwtSecret::new("s3cret"));
        let principal = auth.verify(&auth.issue(&spec(60))).unwrap();
        assert_eq!(principal.tenants[0].as_str(), "acme");
        assert_eq!(principal.scopes.iter().copied().collect::<Vec<_>>(), [Scope::Read]);
        assert_eq!(principal.subject.as_deref(), Some("tester"));
    }

    #[test]
    fn refusals_say_why() {
        let auth = Authenticator::new(&JwtSecret::new("s3cret"));
        let other = Authenticator::new(&JwtSecret::new("other"));
        assert!(matches!(auth.verify(&auth.issue(&spec(-3600))), Err(TokenError::Expired)));
        assert!(matches!(auth.verify(&other.issue(&spec(60))), Err(TokenError::BadSignature)));
        assert!(matches!(auth.verify("not.a.token"), Err(TokenError::Malformed)));
    }

    #[test]
    fn vendor_scope_names_count_as_read() {
        for name in ["interactions:read", "interactions-public:read", "INTERACTIONS_API_READ_ALL"] {
            assert_eq!(Scope::from_claim(name), Some(Scope::Read));
        }
        assert_eq!(Scope::from_claim("interactions:delete"), None);
    }
}
