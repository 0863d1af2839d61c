//! The generated HS256 secret kept in the data directory, so that `interlog serve` and
//! `interlog token` agree without any configuration.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use super::JwtSecret;

/// The file holding the secret, inside the data directory.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("jwt-secret")
}

/// Reads the secret from the data directory, creating a random one (mode 0600) on first use.
pub fn load_or_create(data_dir: &Path) -> std::io::Result<JwtSecret> {
    std::fs::create_dir_all(data_dir)?;
    let path = path(data_dir);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            file.write_all(hex.as_bytes())?;
            file.sync_all()?;
            Ok(JwtSecret::new(hex))
        }
        // Someone (an earlier run, or a concurrent one) created it: use theirs.
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let text = std::fs::read_to_string(&path)?;
            Ok(JwtSecret::new(text.trim().as_bytes()))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_created_once_private_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path()).unwrap();
        let second = load_or_create(dir.path()).unwrap();
        assert_eq!(first.0, second.0);
        assert_eq!(first.0.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
