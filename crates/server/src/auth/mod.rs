//! Who is calling, and what they may do.
//!
//! One extractor, [`Principal`], turns the request's credentials into {subject, tenants,
//! scopes}; handlers then ask it for the tenant and scope they need with
//! [`Principal::authorize`]. No handler reads credentials itself.
//!
//! Tenancy: a route naming a tenant the principal lacks is 403; within a tenant, another
//! tenant's interaction is simply not there (404), because every store call is scoped to
//! the authorized tenant.

pub mod jwt;
pub mod secret;

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use interlog_core::TenantId;

pub use jwt::{Authenticator, JwtSecret, TokenSpec};

use crate::error::ApiError;
use crate::state::AppState;

/// What a credential permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// `interactions:read`; the vendor names `interactions-public:read` (Talkdesk) and
    /// `INTERACTIONS_API_READ_ALL` (CxEngage) count as this too.
    Read,
    /// `interactions:write`: ingest events.
    Write,
    /// `admin`: manage credentials.
    Admin,
}

impl Scope {
    /// The scope a token's scope string grants, if Interlog knows it.
    pub fn from_claim(name: &str) -> Option<Scope> {
        match name {
            "interactions:read" | "interactions-public:read" | "INTERACTIONS_API_READ_ALL" => Some(Scope::Read),
            "interactions:write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    /// Interlog's own name for the scope.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Read => "interactions:read",
            Scope::Write => "interactions:write",
            Scope::Admin => "admin",
        }
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub subject: Option<String>,
    pub tenants: Vec<TenantId>,
    pub scopes: BTreeSet<Scope>,
}

impl Principal {
    /// The tenant named by a route, if this principal may act on it with `scope`.
    pub fn authorize(&self, tenant: &str, scope: Scope) -> Result<TenantId, ApiError> {
        let Some(tenant) = self.tenants.iter().find(|t| t.as_str() == tenant) else {
            return Err(ApiError::forbidden(format!("the credential does not grant access to tenant {tenant:?}")));
        };
        if !self.scopes.contains(&scope) {
            return Err(ApiError::forbidden(format!("this operation needs the scope {}", scope.name())));
        }
        Ok(tenant.clone())
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| ApiError::unauthorized("missing credentials: send Authorization: Bearer <token>"))?;
        let header = header
            .to_str()
            .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
        let token = match header.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err(ApiError::unauthorized("unsupported Authorization scheme: send Authorization: Bearer <token>")),
        };
        state.auth.verify(token).map_err(|e| ApiError::unauthorized(e.to_string()))
    }
}
