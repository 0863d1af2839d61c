//! `interlog keys`: create, list and revoke API keys, directly in the database.

use std::sync::Arc;

use anyhow::{bail, Context};
use interlog_core::TenantId;
use interlog_server::api_keys::{parse_scopes, KeyView};
use interlog_server::auth::keys;
use interlog_store::Store;

use crate::common::{DataArgs, DatabaseArgs};

/// Manage API keys (id + secret; HTTP Basic, `Authorization: Token`, or X-Platform's
/// Application-Key). Secrets are stored only as salted hashes and shown once, at creation.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a key and print its id and secret (the secret cannot be shown again).
    Create {
        /// The tenant the key acts for.
        #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
        tenant: TenantId,
        /// A scope to grant (interactions:read, interactions:write, interactions:reveal, admin);
        /// repeat for several.
        #[arg(long = "scope", required = true, value_name = "SCOPE")]
        scopes: Vec<String>,
        /// A name to remember the key by.
        #[arg(long)]
        name: Option<String>,
        /// Print JSON instead of `id:` and `secret:` lines.
        #[arg(long)]
        json: bool,
    },
    /// List a tenant's keys (without secrets).
    List {
        #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
        tenant: TenantId,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key; it stops working at once.
    Revoke {
        /// The key's id (`key_...`).
        id: String,
    },
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.database.open(&args.data.data_dir).await?;
    match args.command {
        Command::Create {
            tenant,
            scopes,
            name,
            json,
        } => create(store, tenant, &scopes, name, json).await,
        Command::List { tenant, json } => list(store, &tenant, json).await,
        Command::Revoke { id } => revoke(store, &id).await,
    }
}

async fn create(
    store: Arc<dyn Store>,
    tenant: TenantId,
    scopes: &[String],
    name: Option<String>,
    json: bool,
) -> anyhow::Result<()> {
    let scopes = parse_scopes(scopes).map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
    let key = keys::generate(tenant, &scopes, name, chrono::Utc::now().timestamp_millis());
    store
        .create_api_key(&key.record)
        .await
        .context("cannot store the key")?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&KeyView::new(key.record, Some(key.secret)))?
        );
    } else {
        println!("id: {}", key.record.key_id);
        println!("secret: {}", key.secret);
    }
    Ok(())
}

async fn list(store: Arc<dyn Store>, tenant: &TenantId, json: bool) -> anyhow::Result<()> {
    let keys: Vec<KeyView> = store
        .list_api_keys(tenant)
        .await?
        .into_iter()
        .map(|k| KeyView::new(k, None))
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&keys)?);
        return Ok(());
    }
    for key in keys {
        let state = key
            .revoked_at
            .map_or("live".to_string(), |t| format!("revoked {t}"));
        let name = key.name.as_deref().unwrap_or("-");
        println!(
            "{}  {}  {}  {}  created {}",
            key.id,
            name,
            key.scopes.join(","),
            state,
            key.created_at
        );
    }
    Ok(())
}

async fn revoke(store: Arc<dyn Store>, id: &str) -> anyhow::Result<()> {
    let Some(key) = store.find_api_key(id).await? else {
        bail!("no key {id}");
    };
    if !store.revoke_api_key(&key.tenant, id).await? {
        bail!("key {id} was already revoked");
    }
    println!("revoked {id}");
    Ok(())
}
