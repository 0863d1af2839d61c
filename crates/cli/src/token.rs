//! `interlog token`: print a JWT signed with the server's secret.

use anyhow::Context;
use interlog_core::TenantId;
use interlog_server::auth::{secret, JwtKeys, Scope, TokenSpec};

use crate::common::{DataArgs, SecretArgs};

/// Print a JWT (HS256) for calling the API, signed with the same secret `serve` uses.
///
/// Only the token is printed, so `TOKEN=$(interlog token --tenant acme)` works.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant the token grants; repeat for several.
    #[arg(long, required = true, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
    tenant: Vec<TenantId>,

    /// A scope to grant (interactions:read, interactions:write, interactions:reveal, admin);
    /// repeat for several.
    #[arg(long, value_parser = parse_scope, default_values = ["interactions:read", "interactions:write"], value_name = "SCOPE")]
    scope: Vec<Scope>,

    /// Seconds until the token expires.
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(i64).range(1..), value_name = "SECONDS")]
    ttl: i64,

    /// The token's subject (`sub`).
    #[arg(long, default_value = "interlog-cli")]
    subject: String,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    secret: SecretArgs,
}

fn parse_scope(raw: &str) -> Result<Scope, String> {
    Scope::from_claim(raw)
        .ok_or_else(|| "expected interactions:read, interactions:write or admin".into())
}

/// A read+write token for `tenant`, signed with the data directory's secret (an hour).
pub fn mint(data_dir: &std::path::Path, tenant: &TenantId) -> anyhow::Result<String> {
    let secret = secret::load_or_create(data_dir)
        .with_context(|| format!("cannot read the secret in {}", data_dir.display()))?;
    let spec = TokenSpec {
        subject: "interlog-cli".into(),
        tenants: vec![tenant.clone()],
        scopes: vec![Scope::Read, Scope::Write],
        ttl_seconds: 3600,
    };
    Ok(JwtKeys::new(&secret).issue(&spec))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let secret = match args.secret.secret() {
        Some(secret) => secret,
        None => secret::load_or_create(&args.data.data_dir).with_context(|| {
            format!(
                "cannot read or create the secret in {}",
                args.data.data_dir.display()
            )
        })?,
    };
    let spec = TokenSpec {
        subject: args.subject,
        tenants: args.tenant,
        scopes: args.scope,
        ttl_seconds: args.ttl,
    };
    println!("{}", JwtKeys::new(&secret).issue(&spec));
    Ok(())
}
