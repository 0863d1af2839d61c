//! Tokens verified before, kept by their text. A client sends the same token with every
//! request until it expires; checking its signature and decoding its claims again each
//! time was about a twelfth of a get by id's CPU. The keys never change while the process
//! runs, so a token that verified once verifies again while its time claims hold, and those
//! are checked at every use with the same clock skew as a full check. Only tokens that
//! verified are kept, so a caller cannot fill the cache with forgeries.

use std::collections::HashMap;
use std::sync::Mutex;

use super::jwt::TokenError;
use super::Principal;

/// Tokens kept at most; when full, the cache starts again (the tokens in use come back
/// at their next request).
const KEPT: usize = 4_096;

/// Seconds of clock skew allowed on `exp` and `nbf` (as the full check allows).
pub(super) const LEEWAY: i64 = 60;

/// When a token holds, from its claims.
#[derive(Clone, Copy, Debug)]
pub(super) struct Window {
    pub(super) not_before: Option<i64>,
    pub(super) expires: i64,
}

impl Window {
    /// Why the token does not hold at `now` (seconds since the epoch), if it does not.
    fn refusal(self, now: i64) -> Option<TokenError> {
        if self.expires < now - LEEWAY {
            return Some(TokenError::Expired);
        }
        (self.not_before? > now + LEEWAY).then_some(TokenError::NotYetValid)
    }
}

#[derive(Default)]
pub(super) struct Verified {
    tokens: Mutex<HashMap<String, (Principal, Window)>>,
}

impl Verified {
    /// The principal of a token verified before, or why it no longer holds at `now`;
    /// `None` for a token not kept.
    pub(super) fn get(&self, token: &str, now: i64) -> Option<Result<Principal, TokenError>> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        let (principal, window) = tokens.get(token)?;
        Some(match window.refusal(now) {
            Some(refusal) => Err(refusal),
            None => Ok(principal.clone()),
        })
    }

    /// Keeps a token that verified, with its principal.
    pub(super) fn put(&self, token: &str, principal: &Principal, window: Window) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= KEPT {
            tokens.clear();
        }
        tokens.insert(token.to_string(), (principal.clone(), window));
    }
}
