//! The token endpoints of the dialects: an API key's id and secret exchanged for a
//! short-lived JWT that Interlog itself accepts, carrying the key's tenant and scopes.
//! Each vendor's handshake (CxEngage's `/tokens`, Talkdesk's and Vonage's OAuth 2 client
//! credentials) parses its own request and answers in its own shape around this.

use interlog_core::TenantId;

use super::{Authenticator, Scope, TokenSpec};
use crate::error::ApiError;

/// How long an issued token lives when the client does not say: one hour.
pub const DEFAULT_TTL_SECONDS: i64 = 3600;
/// The longest a client may ask for: one day.
pub const MAX_TTL_SECONDS: i64 = 24 * 3600;

/// A token issued for an API key.
#[derive(Debug)]
pub struct Issued {
    pub token: String,
    pub expires_in: i64,
    pub tenant: TenantId,
    pub scopes: Vec<Scope>,
}

impl Issued {
    /// The scopes as OAuth writes them: names separated by spaces.
    pub fn scope(&self) -> String {
        let names: Vec<&str> = self.scopes.iter().map(|s| s.name()).collect();
        names.join(" ")
    }
}

/// What a client asks for in exchange for a key.
#[derive(Debug, Default)]
pub struct TokenRequest<'a> {
    pub key_id: &'a str,
    pub secret: &'a str,
    /// The tenant to work in, when the client names one; it must be the key's.
    pub tenant: Option<&'a str>,
    /// Seconds the token lives: default one hour, at most a day, at least a second.
    pub ttl: Option<i64>,
    /// The scopes asked for (an OAuth `scope`); the token gets those of them the key has,
    /// or all the key's when none is asked for.
    pub scopes: Vec<Scope>,
}

impl Authenticator {
    /// Exchanges an API key's id and secret for a token. Every refusal of the credentials is
    /// the same 401, so that a caller learns nothing about which keys or tenants exist.
    /// Attempts count against the key id's rate.
    pub async fn exchange(&self, request: TokenRequest<'_>) -> Result<Issued, ApiError> {
        let TokenRequest {
            key_id,
            secret,
            tenant,
            ttl,
            scopes: asked,
        } = request;
        self.limiter
            .check(&format!("exchange:{key_id}"))
            .map_err(ApiError::too_many_requests)?;
        let refused = || ApiError::unauthorized("invalid client credentials");
        let principal = self
            .verify_key(Some(key_id), secret)
            .await
            .map_err(|error| {
                if error.status().is_server_error() {
                    error
                } else {
                    refused()
                }
            })?;
        let granted = match (tenant, &principal.tenants[..]) {
            (Some(named), tenants) => tenants.iter().find(|t| t.as_str() == named),
            (None, [only]) => Some(only),
            (None, _) => None,
        };
        let tenant = granted.cloned().ok_or_else(refused)?;
        let expires_in = ttl.unwrap_or(DEFAULT_TTL_SECONDS).clamp(1, MAX_TTL_SECONDS);
        let scopes: Vec<Scope> = principal
            .scopes
            .iter()
            .copied()
            .filter(|scope| asked.is_empty() || asked.contains(scope))
            .collect();
        if scopes.is_empty() {
            return Err(ApiError::forbidden(
                "the key has none of the scopes asked for",
            ));
        }
        let token = self.jwt.issue(&TokenSpec {
            subject: key_id.to_string(),
            tenants: vec![tenant.clone()],
            scopes: scopes.clone(),
            ttl_seconds: expires_in,
        });
        Ok(Issued {
            token,
            expires_in,
            tenant,
            scopes,
        })
    }
}
