//! JSON Web Tokens: verifying them (HS256 with the shared secret; RS256/ES256 with public
//! keys from PEM files or a JWKS file), and issuing HS256 ones (`interlog token`).
//!
//! Claims: `tenants` (array) or `tenant` (string); `scope` (space-separated) or `scp`
//! (array); `exp` (required); `nbf` and `iat` are honoured with 60 s of clock skew; `iss` and
//! `aud` are checked when configured; `sub` names the caller.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use interlog_core::TenantId;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::verified::{Verified, Window, LEEWAY};
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

/// How tokens are verified beyond the HS256 secret.
#[derive(Clone, Debug, Default)]
pub struct JwtOptions {
    /// PEM files with RSA (RS256) or P-256 (ES256) public keys.
    pub public_key_files: Vec<std::path::PathBuf>,
    /// A JWKS file; tokens name their key with `kid`.
    pub jwks_file: Option<std::path::PathBuf>,
    /// Required `iss`, when set.
    pub issuer: Option<String>,
    /// Required `aud`, when set.
    pub audience: Option<String>,
}

/// Why the verification keys could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read {path}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} holds no RSA or P-256 public key in PEM form")]
    Pem { path: String },
    #[error("{path} is not a JWKS document: {reason}")]
    Jwks { path: String, reason: String },
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
    #[error("tokens signed with {0:?} are not accepted here")]
    Algorithm(Algorithm),
    #[error("no configured key matches the token (kid {0:?})")]
    UnknownKey(Option<String>),
    #[error("the token has no {0} claim")]
    MissingClaim(String),
    #[error("the token's issuer is not accepted")]
    Issuer,
    #[error("the token's audience is not accepted")]
    Audience,
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
    agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    exp: i64,
    /// Set on issued tokens when the server checks it, so that they verify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    /// A string or an array on the wire; set on issued tokens when the server checks it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aud: Option<serde_json::Value>,
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

/// The keys tokens are verified (and HS256 ones issued) with.
pub struct JwtKeys {
    hs256: DecodingKey,
    encoding: EncodingKey,
    /// RS256 and ES256 keys from PEM files, tried in order.
    public_keys: Vec<(Algorithm, DecodingKey)>,
    jwks: Option<JwkSet>,
    issuer: Option<String>,
    audience: Option<String>,
    /// Tokens that verified, for their next requests.
    verified: Verified,
}

impl JwtKeys {
    /// HS256 only.
    pub fn new(secret: &JwtSecret) -> Self {
        Self {
            hs256: DecodingKey::from_secret(&secret.0),
            encoding: EncodingKey::from_secret(&secret.0),
            public_keys: Vec::new(),
            jwks: None,
            issuer: None,
            audience: None,
            verified: Verified::default(),
        }
    }

    /// HS256 plus the public keys and checks of `options`.
    pub fn with_options(secret: &JwtSecret, options: &JwtOptions) -> Result<Self, KeyFileError> {
        let mut keys = Self::new(secret);
        for path in &options.public_key_files {
            keys.public_keys.push(read_pem(path)?);
        }
        if let Some(path) = &options.jwks_file {
            let text = read(path)?;
            let jwks = serde_json::from_str(&text).map_err(|e| KeyFileError::Jwks {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            keys.jwks = Some(jwks);
        }
        keys.issuer.clone_from(&options.issuer);
        keys.audience.clone_from(&options.audience);
        Ok(keys)
    }

    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.set_required_spec_claims(&["exp"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY as u64;
        match &self.audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
        }
        validation
    }

    /// The keys that may have signed a token with this header.
    fn candidates(&self, header: &Header) -> Result<Vec<DecodingKey>, TokenError> {
        match header.alg {
            Algorithm::HS256 => Ok(vec![self.hs256.clone()]),
            alg @ (Algorithm::RS256 | Algorithm::ES256) => {
                let from_jwks = header.kid.as_deref().and_then(|kid| {
                    let jwk = self.jwks.as_ref()?.find(kid)?;
                    DecodingKey::from_jwk(jwk).ok()
                });
                let keys: Vec<DecodingKey> = match from_jwks {
                    Some(key) => vec![key],
                    None => self
                        .public_keys
                        .iter()
                        .filter(|(a, _)| *a == alg)
                        .map(|(_, k)| k.clone())
                        .collect(),
                };
                if keys.is_empty() {
                    return Err(TokenError::UnknownKey(header.kid.clone()));
                }
                Ok(keys)
            }
            other => Err(TokenError::Algorithm(other)),
        }
    }

    pub fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        self.verify_at(token, chrono::Utc::now().timestamp())
    }

    /// [`JwtKeys::verify`] at `now` (seconds since the epoch) for a token verified before
    /// (`verified.rs`); a new token is checked in full, on the clock.
    fn verify_at(&self, token: &str, now: i64) -> Result<Principal, TokenError> {
        if let Some(known) = self.verified.get(token, now) {
            return known;
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let validation = self.validation(header.alg);
        let mut last = TokenError::BadSignature;
        for key in self.candidates(&header)? {
            match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
                Ok(data) => {
                    let window = Window {
                        not_before: data.claims.nbf,
                        expires: data.claims.exp,
                    };
                    let principal = principal(data.claims)?;
                    self.verified.put(token, &principal, window);
                    return Ok(principal);
                }
                Err(e) => last = token_error(e.kind()),
            }
            if !matches!(last, TokenError::BadSignature) {
                break;
            }
        }
        Err(last)
    }

    /// Signs an HS256 token for `spec`, valid from now.
    pub fn issue(&self, spec: &TokenSpec) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: Some(spec.subject.clone()),
            tenants: Some(spec.tenants.iter().map(ToString::to_string).collect()),
            tenant: None,
            scope: Some(
                spec.scopes
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            scp: None,
            agent_id: None,
            iat: Some(now),
            nbf: None,
            exp: now + spec.ttl_seconds,
            iss: self.issuer.clone(),
            aud: self.audience.clone().map(serde_json::Value::String),
        };
        // HS256 signing of serializable claims cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing")
    }
}

fn token_error(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidAlgorithm => TokenError::Algorithm(Algorithm::HS256),
        ErrorKind::MissingRequiredClaim(claim) => TokenError::MissingClaim(claim.clone()),
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAudience => TokenError::Audience,
        _ => TokenError::Malformed,
    }
}

fn principal(claims: Claims) -> Result<Principal, TokenError> {
    let names = claims.tenants.into_iter().flatten().chain(claims.tenant);
    let tenants = names
        .map(|name| TenantId::parse(name.clone()).map_err(|_| TokenError::InvalidTenant(name)))
        .collect::<Result<Vec<_>, _>>()?;
    if tenants.is_empty() {
        return Err(TokenError::NoTenant);
    }
    let scope_names = claims
        .scope
        .iter()
        .flat_map(|s| s.split_whitespace().map(str::to_owned));
    let scopes: BTreeSet<Scope> = scope_names
        .chain(claims.scp.into_iter().flatten())
        .filter_map(|s| Scope::from_claim(&s))
        .collect();
    let agent_id = claims.agent_id.or_else(|| claims.sub.clone());
    Ok(Principal {
        subject: claims.sub,
        tenants,
        scopes,
        agent_id,
    })
}

fn read(path: &Path) -> Result<String, KeyFileError> {
    std::fs::read_to_string(path).map_err(|source| KeyFileError::Read {
        path: path.display().to_string(),
        source,
    })
}

fn read_pem(path: &Path) -> Result<(Algorithm, DecodingKey), KeyFileError> {
    let pem = read(path)?;
    if let Ok(key) = DecodingKey::from_rsa_pem(pem.as_bytes()) {
        return Ok((Algorithm::RS256, key));
    }
    if let Ok(key) = DecodingKey::from_ec_pem(pem.as_bytes()) {
        return Ok((Algorithm::ES256, key));
    }
    Err(KeyFileError::Pem {
        path: path.display().to_string(),
    })
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
        let keys = JwtKeys::new(&JwtSecret::new("s3cret"));
        let principal = keys.verify(&keys.issue(&spec(60))).unwrap();
        assert_eq!(principal.tenants[0].as_str(), "acme");
        assert_eq!(
            principal.scopes.iter().copied().collect::<Vec<_>>(),
            [Scope::Read]
        );
        assert_eq!(principal.subject.as_deref(), Some("tester"));
    }

    #[test]
    fn refusals_say_why() {
        let keys = JwtKeys::new(&JwtSecret::new("s3cret"));
        let other = JwtKeys::new(&JwtSecret::new("other"));
        assert!(matches!(
            keys.verify(&keys.issue(&spec(-3600))),
            Err(TokenError::Expired)
        ));
        assert!(matches!(
            keys.verify(&other.issue(&spec(60))),
            Err(TokenError::BadSignature)
        ));
        assert!(matches!(
            keys.verify("not.a.token"),
            Err(TokenError::Malformed)
        ));
    }

    #[test]
    fn a_token_verified_before_is_refused_once_its_time_is_over() {
        let keys = JwtKeys::new(&JwtSecret::new("s3cret"));
        let token = keys.issue(&spec(600));
        let now = chrono::Utc::now().timestamp();
        let first = keys.verify_at(&token, now).unwrap();
        assert_eq!(keys.verify_at(&token, now + 600).unwrap(), first);
        assert!(matches!(
            keys.verify_at(&token, now + 600 + LEEWAY + 5),
            Err(TokenError::Expired)
        ));
        // A forgery of a kept token's claims is checked in full, not found.
        let (head, _) = token.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", "A".repeat(43));
        assert!(matches!(
            keys.verify_at(&forged, now),
            Err(TokenError::BadSignature)
        ));
    }

    #[test]
    fn vendor_scope_names_count_as_read() {
        for name in [
            "interactions:read",
            "interactions-public:read",
            "INTERACTIONS_API_READ_ALL",
        ] {
            assert_eq!(Scope::from_claim(name), Some(Scope::Read));
        }
        assert_eq!(Scope::from_claim("interactions:delete"), None);
    }
}
