//! Who is calling, and what they may do.
//!
//! One extractor, [`Principal`], turns the request's credentials into {subject, tenants,
//! scopes} and applies the per-principal rate limit; handlers then ask it for the tenant and
//! scope they need with [`Principal::authorize`]. No handler reads credentials itself.
//!
//! Credentials accepted:
//! - `Authorization: Bearer <JWT>` (HS256, RS256, ES256; see [`jwt`]);
//! - `Authorization: Basic base64(<key id>:<secret>)`, an API key (CxEngage's convention);
//! - `Authorization: Token <secret or JWT>` (CxEngage's SDK);
//! - `Application-Key: <secret>` (X-Platform's header);
//! - `User-Id: base64(<key id>)` with `User-Password: base64(<secret>)` (X-Platform's
//!   access-token headers).
//!
//! Tenancy: a route naming a tenant the principal lacks is 403; within a tenant, another
//! tenant's interaction is simply not there (404), because every store call is scoped to
//! the authorized tenant.

pub mod exchange;
pub mod jwt;
pub mod keys;
pub mod rate;
pub mod secret;
mod verified;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use interlog_core::TenantId;
use interlog_store::Store;

pub use jwt::{JwtKeys, JwtOptions, JwtSecret, TokenSpec};
pub use rate::RateLimit;

use crate::error::ApiError;
use crate::state::AppState;

/// What a credential permits. The document names each by `Scope::name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, utoipa::ToSchema)]
pub enum Scope {
    /// `interactions:read`; the vendor names `interactions-public:read` (Talkdesk) and
    /// `INTERACTIONS_API_READ_ALL` (CxEngage) count as this too.
    #[schema(rename = "interactions:read")]
    Read,
    /// `interactions:write`: ingest events, upload content.
    #[schema(rename = "interactions:write")]
    Write,
    /// `admin`: manage API keys.
    #[schema(rename = "admin")]
    Admin,
    /// `interactions:reveal`: read the originals a `redact-and-keep-original` tenant keeps
    /// (`?reveal=true`). Not implied by `admin`: who may see card numbers is its own choice.
    #[schema(rename = "interactions:reveal")]
    Reveal,
}

impl Scope {
    /// The scope a token's or key's scope string grants, if Interlog knows it.
    pub fn from_claim(name: &str) -> Option<Scope> {
        match name {
            "interactions:read" | "interactions-public:read" | "INTERACTIONS_API_READ_ALL" => {
                Some(Scope::Read)
            }
            "interactions:write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            "interactions:reveal" => Some(Scope::Reveal),
            _ => None,
        }
    }

    /// Interlog's own name for the scope.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Read => "interactions:read",
            Scope::Write => "interactions:write",
            Scope::Admin => "admin",
            Scope::Reveal => "interactions:reveal",
        }
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub subject: Option<String>,
    pub tenants: Vec<TenantId>,
    pub scopes: BTreeSet<Scope>,
    /// The agent the caller is, for "my interactions" routes: the token's `agent_id`
    /// claim, else its `sub`.
    pub agent_id: Option<String>,
}

impl Principal {
    /// The tenant named by a route, if this principal may act on it with `scope`.
    pub fn authorize(&self, tenant: &str, scope: Scope) -> Result<TenantId, ApiError> {
        let Some(tenant) = self.tenants.iter().find(|t| t.as_str() == tenant) else {
            return Err(ApiError::forbidden(format!(
                "the credential does not grant access to tenant {tenant:?}"
            )));
        };
        if !self.scopes.contains(&scope) {
            return Err(ApiError::forbidden(format!(
                "this operation needs the scope {}",
                scope.name()
            )));
        }
        Ok(tenant.clone())
    }

    /// Who the caller is, for the rate limit and receipts: the subject (a token's, or an
    /// API key's id), else the tenants it may act for.
    pub(crate) fn caller(&self) -> String {
        self.subject.clone().unwrap_or_else(|| {
            let tenants: Vec<&str> = self.tenants.iter().map(TenantId::as_str).collect();
            format!("tenants:{}", tenants.join(","))
        })
    }
}

/// A credential as sent, before it is checked.
enum Credential<'a> {
    Jwt(&'a str),
    Key { id: Option<String>, secret: String },
}

const HOW: &str = "send Authorization: Bearer <token>, Basic <key id:secret> or Token <secret>";

/// The credential a request carries: the Authorization header first, then X-Platform's
/// User-Id/User-Password pair, then its Application-Key.
fn credential(headers: &HeaderMap) -> Result<Credential<'_>, ApiError> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        return authorization(value);
    }
    if let (Some(user), Some(password)) = (headers.get("user-id"), headers.get("user-password")) {
        return user_id_and_password(user, password);
    }
    if let Some(value) = headers.get("application-key") {
        return application_key(value);
    }
    Err(ApiError::unauthorized(format!(
        "missing credentials: {HOW}"
    )))
}

/// `Authorization: Bearer <JWT>`, `Token <JWT or secret>` or `Basic <key id:secret>`.
fn authorization(value: &HeaderValue) -> Result<Credential<'_>, ApiError> {
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    let rest = rest.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => Ok(Credential::Jwt(rest)),
        "token" if rest.matches('.').count() == 2 => Ok(Credential::Jwt(rest)),
        "token" => Ok(Credential::Key {
            id: None,
            secret: rest.to_string(),
        }),
        "basic" => basic(rest),
        _ => Err(ApiError::unauthorized(format!(
            "unsupported Authorization scheme: {HOW}"
        ))),
    }
}

/// HTTP Basic credentials: base64 of `<key id>:<secret>`.
fn basic(encoded: &str) -> Result<Credential<'static>, ApiError> {
    let decoded = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let (id, secret) = decoded
        .as_deref()
        .and_then(|d| d.split_once(':'))
        .ok_or_else(|| ApiError::unauthorized("the Basic credentials are malformed"))?;
    Ok(Credential::Key {
        id: Some(id.to_string()),
        secret: secret.to_string(),
    })
}

/// X-Platform's access-token headers: base64 of the key id and of its secret.
fn user_id_and_password(
    user: &HeaderValue,
    password: &HeaderValue,
) -> Result<Credential<'static>, ApiError> {
    let decode = |v: &HeaderValue| {
        v.to_str()
            .ok()
            .and_then(|s| STANDARD.decode(s.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
    };
    match (decode(user), decode(password)) {
        (Some(id), Some(secret)) => Ok(Credential::Key {
            id: Some(id),
            secret,
        }),
        _ => Err(ApiError::unauthorized(
            "User-Id and User-Password must be base64",
        )),
    }
}

/// X-Platform's `Application-Key: <secret>`.
fn application_key(value: &HeaderValue) -> Result<Credential<'static>, ApiError> {
    let secret = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("the Application-Key header is not valid text"))?;
    Ok(Credential::Key {
        id: None,
        secret: secret.trim().to_string(),
    })
}

/// Verifies credentials (tokens, API keys) and limits each principal's request rate.
pub struct Authenticator {
    /// Verifies tokens, and issues HS256 ones.
    pub jwt: JwtKeys,
    store: Arc<dyn Store>,
    limiter: rate::RateLimiter,
}

impl Authenticator {
    pub fn new(jwt: JwtKeys, store: Arc<dyn Store>, limit: RateLimit) -> Self {
        Self {
            jwt,
            store,
            limiter: rate::RateLimiter::new(limit),
        }
    }

    /// The principal behind the request's credentials.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Principal, ApiError> {
        let principal = match credential(headers)? {
            Credential::Jwt(token) => self
                .jwt
                .verify(token)
                .map_err(|e| ApiError::unauthorized(e.to_string()))?,
            Credential::Key { id, secret } => self.verify_key(id.as_deref(), &secret).await?,
        };
        self.limiter
            .check(&principal.caller())
            .map_err(ApiError::too_many_requests)?;
        Ok(principal)
    }

    async fn verify_key(&self, id: Option<&str>, secret: &str) -> Result<Principal, ApiError> {
        let unknown = || ApiError::unauthorized(keys::KeyError::Unknown.to_string());
        let named = keys::key_id_of(secret);
        let id = match (id, named) {
            (Some(given), Some(named)) if given != named => return Err(unknown()),
            (Some(given), _) => given,
            (None, Some(named)) => named,
            (None, None) => return Err(unknown()),
        };
        let record = self.store.find_api_key(id).await?.ok_or_else(unknown)?;
        keys::verify(&record, secret).map_err(|e| ApiError::unauthorized(e.to_string()))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = state.auth.authenticate(&parts.headers).await?;
        if let Some(caller) = parts.extensions.get::<crate::audit::Caller>() {
            let only = match principal.tenants.as_slice() {
                [tenant] => Some(tenant.to_string()),
                _ => None,
            };
            caller.set(principal.caller(), only);
        }
        Ok(principal)
    }
}
