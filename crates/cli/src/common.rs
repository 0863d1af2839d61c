//! Options shared by every command that works on a data directory.

use std::path::PathBuf;

use interlog_server::auth::JwtSecret;

#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// The data directory: the SQLite database and the generated JWT secret live here.
    #[arg(long = "data", env = "INTERLOG_DATA", default_value = "./interlog-data", value_name = "DIR")]
    pub data_dir: PathBuf,

    /// The HS256 secret that signs and verifies tokens. When unset, a random secret is
    /// created in the data directory (mode 0600) on first use and kept.
    #[arg(long, env = "INTERLOG_JWT_SECRET", hide_env_values = true, value_name = "SECRET")]
    pub jwt_secret: Option<String>,
}

impl DataArgs {
    pub fn secret(&self) -> Option<JwtSecret> {
        self.jwt_secret.as_ref().map(|s| JwtSecret::new(s.as_bytes()))
    }
}
