//! The key that seals the originals a `redact-and-keep-original` tenant keeps: AES-256-GCM
//! (ring), a random 96-bit nonce per original, and the row it belongs to (tenant, event id)
//! as associated data, so a sealed original moved to another row or tenant does not open.
//!
//! The key is 32 random bytes written as 64 hex digits: `originals.key` in the data
//! directory (created on first start, mode 0600), or a file the operator names
//! (`INTERLOG_ORIGINALS_KEY_FILE`), which several servers over one PostgreSQL must share.
//! A sealed original reads `v1.<key id>.<base64 of nonce and ciphertext>`; the key id (the
//! first 8 hex digits of the key's SHA-256) names the key it needs, so a server with
//! another key says so instead of failing to decrypt.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// The key file's name in the data directory.
pub const KEY_FILE: &str = "originals.key";

/// The key that seals and opens kept originals.
pub struct OriginalsKey {
    key: LessSafeKey,
    /// The first 8 hex digits of the key's SHA-256.
    id: String,
}

impl std::fmt::Debug for OriginalsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginalsKey")
            .field("id", &self.id)
            .finish()
    }
}

/// Why a key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read or create the originals key {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the originals key {path} must hold 64 hex digits (e.g. `openssl rand -hex 32`)")]
    Malformed { path: PathBuf },
}

impl OriginalsKey {
    /// The key in `file`, or else in the data directory's `originals.key`, created with a
    /// random key (mode 0600) when it does not exist yet.
    pub fn load(data_dir: &Path, file: Option<&Path>) -> Result<Self, KeyError> {
        let path = file.map_or_else(|| data_dir.join(KEY_FILE), Path::to_path_buf);
        let io = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        if file.is_none() {
            std::fs::create_dir_all(data_dir).map_err(io)?;
            create_new(&path).map_err(io)?;
        }
        let text = std::fs::read_to_string(&path).map_err(io)?;
        Self::from_hex(text.trim()).ok_or(KeyError::Malformed { path })
    }

    /// The key 64 hex digits spell.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 {
            return None;
        }
        let bytes = (0..32)
            .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let id = Sha256::digest(&bytes)[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &bytes).ok()?);
        Some(Self { key, id })
    }

    /// The key's id, as sealed originals name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `plain` sealed for the row `row` names.
    pub(crate) fn seal(&self, row: &str, plain: &[u8]) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        (SystemRandom::new().fill(&mut nonce))
            .map_err(|_| StoreError::Config("no randomness for a nonce".into()))?;
        let mut sealed = plain.to_vec();
        let nonce_value = Nonce::assume_unique_for_key(nonce);
        (self
            .key
            .seal_in_place_append_tag(nonce_value, Aad::from(row), &mut sealed))
        .map_err(|_| StoreError::Config("an original could not be sealed".into()))?;
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        Ok(format!("v1.{}.{}", self.id, STANDARD.encode(bytes)))
    }

    /// The original `sealed` holds, for the row `row` names.
    pub(crate) fn open(&self, row: &str, sealed: &str) -> Result<Vec<u8>, StoreError> {
        let corrupt = || StoreError::Corrupt(format!("the kept original of {row} does not open"));
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(corrupt());
        };
        if id != self.id {
            return Err(StoreError::Config(format!(
                "the kept original of {row} was sealed with the originals key {id}, \
                 but this server has the key {}: give it the same key file",
                self.id
            )));
        }
        let mut bytes = STANDARD.decode(body).map_err(|_| corrupt())?;
        if bytes.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let nonce = Nonce::try_assume_unique_for_key(&bytes[..NONCE_LEN]).map_err(|_| corrupt())?;
        let plain = (self
            .key
            .open_in_place(nonce, Aad::from(row), &mut bytes[NONCE_LEN..]))
        .map_err(|_| corrupt())?;
        Ok(plain.to_vec())
    }
}

/// Creates `path` with a random key unless it exists (another run made it: that one is
/// kept).
fn create_new(path: &Path) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            let mut bytes = [0u8; 32];
            (SystemRandom::new().fill(&mut bytes))
                .map_err(|_| std::io::Error::other("no randomness for a key"))?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            file.write_all(format!("{hex}\n").as_bytes())?;
            file.sync_all()
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_original_opens_only_with_its_key_and_for_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let key = OriginalsKey::load(dir.path(), None).unwrap();
        let again = OriginalsKey::load(dir.path(), None).unwrap();
        assert_eq!(key.id(), again.id(), "the key is created once and kept");
        let sealed = key.seal("acme/e1", b"card 4111 1111 1111 1111").unwrap();
        assert!(!sealed.contains("4111"), "{sealed}");
        assert_ne!(
            sealed,
            key.seal("acme/e1", b"card 4111 1111 1111 1111").unwrap()
        );
        assert_eq!(
            again.open("acme/e1", &sealed).unwrap(),
            b"card 4111 1111 1111 1111"
        );
        assert!(matches!(
            key.open("other/e1", &sealed),
            Err(StoreError::Corrupt(_))
        ));
        let other = OriginalsKey::from_hex(&"ab".repeat(32)).unwrap();
        let Err(StoreError::Config(message)) = other.open("acme/e1", &sealed) else {
            panic!("another key must say so");
        };
        assert!(message.contains(key.id()), "{message}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let file = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap();
            assert_eq!(file.permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn a_named_key_file_must_exist_and_hold_64_hex_digits() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.key");
        assert!(matches!(
            OriginalsKey::load(dir.path(), Some(&missing)),
            Err(KeyError::Io { .. })
        ));
        let short = dir.path().join("short.key");
        std::fs::write(&short, "abcd\n").unwrap();
        assert!(matches!(
            OriginalsKey::load(dir.path(), Some(&short)),
            Err(KeyError::Malformed { .. })
        ));
    }
}
