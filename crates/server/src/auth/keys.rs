//! API keys: an id and a secret, the secret stored only as a salted SHA-256 hash.
//!
//! The secret is `<id>.<43 characters of base64url>` (256 random bits), so a secret sent
//! alone (`Authorization: Token ...`, X-Platform's `Application-Key`) still names its key.
//! A slow password hash (argon2) protects low-entropy passwords; a 256-bit random secret
//! cannot be brute-forced from a SHA-256 hash, and the fast hash keeps a key check to a
//! microsecond instead of ~20 ms of CPU per request.

use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use interlog_core::TenantId;
use interlog_store::ApiKeyRecord;
use sha2::{Digest, Sha256};

use super::{Principal, Scope};

/// A key as created: the secret is shown once and never stored. `Debug` never prints it.
pub struct NewKey {
    pub record: ApiKeyRecord,
    pub secret: String,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("record", &self.record)
            .field("secret", &"***")
            .finish()
    }
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS random source failing is not something a server can carry on from.
    getrandom::fill(&mut bytes).expect("operating system randomness");
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(salt: &str, secret: &str) -> String {
    hex(&Sha256::new()
        .chain_update(salt.as_bytes())
        .chain_update(secret.as_bytes())
        .finalize())
}

/// Generates a key for `tenant` with `scopes`.
pub fn generate(tenant: TenantId, scopes: &[Scope], name: Option<String>, now_ms: i64) -> NewKey {
    let key_id = format!("key_{}", hex(&random_bytes::<8>()));
    let secret = format!("{key_id}.{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()));
    let salt = hex(&random_bytes::<16>());
    let record = ApiKeyRecord {
        hash: hash(&salt, &secret),
        key_id,
        tenant,
        name,
        scopes: scopes.iter().map(|s| s.name().to_string()).collect(),
        salt,
        created_ms: now_ms,
        revoked_ms: None,
    };
    NewKey { record, secret }
}

/// The key id a secret names, if it has the shape of one.
pub fn key_id_of(secret: &str) -> Option<&str> {
    let (id, random) = secret.split_once('.')?;
    (id.starts_with("key_") && !random.is_empty()).then_some(id)
}

/// Why a key was refused. The message is safe to show the caller.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("unknown API key or wrong secret")]
    Unknown,
    #[error("the API key has been revoked")]
    Revoked,
}

/// Checks `secret` against the stored key (in constant time) and yields its principal.
pub fn verify(record: &ApiKeyRecord, secret: &str) -> Result<Principal, KeyError> {
    let expected = record.hash.as_bytes();
    let actual = hash(&record.salt, secret);
    let same = expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(KeyError::Unknown);
    }
    if record.revoked_ms.is_some() {
        return Err(KeyError::Revoked);
    }
    let scopes: BTreeSet<Scope> = record
        .scopes
        .iter()
        .filter_map(|s| Scope::from_claim(s))
        .collect();
    let subject = Some(format!("key:{}", record.key_id));
    Ok(Principal {
        subject,
        tenants: vec![record.tenant.clone()],
        scopes,
        agent_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_verifies_only_with_its_secret_and_not_once_revoked() {
        let key = generate(TenantId::parse("acme").unwrap(), &[Scope::Read], None, 0);
        assert_eq!(key_id_of(&key.secret), Some(key.record.key_id.as_str()));
        assert!(!key.record.hash.contains(&key.secret) && key.record.hash.len() == 64);
        let principal = verify(&key.record, &key.secret).unwrap();
        assert_eq!(principal.tenants[0].as_str(), "acme");
        assert!(matches!(
            verify(&key.record, &format!("{}x", key.secret)),
            Err(KeyError::Unknown)
        ));
        let revoked = ApiKeyRecord {
            revoked_ms: Some(1),
            ..key.record.clone()
        };
        assert!(matches!(
            verify(&revoked, &key.secret),
            Err(KeyError::Revoked)
        ));
        let other = generate(TenantId::parse("acme").unwrap(), &[Scope::Read], None, 0);
        assert_ne!(other.record.salt, key.record.salt, "salted per key");
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let key = generate(TenantId::parse("acme").unwrap(), &[Scope::Read], None, 0);
        let shown = format!("{key:?}");
        assert!(!shown.contains(&key.secret), "{shown}");
        assert!(shown.contains(&key.record.key_id), "{shown}");
    }
}
