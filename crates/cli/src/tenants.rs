//! `interlog tenants`: show and change a tenant's settings, directly in the database (what
//! `GET`/`PUT /api/v1/admin/tenants/{tenant}/settings` do over HTTP).

use std::sync::Arc;

use anyhow::Context;
use interlog_core::settings::{SettingsUpdate, TenantSettings};
use interlog_core::TenantId;
use interlog_store::Store;
use serde_json::{Map, Value};

use crate::common::{DataArgs, DatabaseArgs};

/// Show or change a tenant's settings: the time zone its reports use, its service-level
/// threshold and what counts as a short abandon. A tenant that never set any has the
/// defaults: timeZone UTC, slaThresholdSeconds 20, shortAbandonSeconds 5.
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
    /// Print a tenant's effective settings (defaults for what was never set).
    Show {
        /// The tenant.
        #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
        tenant: TenantId,
        /// Print JSON instead of `name: value` lines.
        #[arg(long)]
        json: bool,
    },
    /// Change some of a tenant's settings (the others keep their value), then print them all.
    Set {
        /// The tenant.
        #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
        tenant: TenantId,
        #[command(flatten)]
        changes: Changes,
        /// Print JSON instead of `name: value` lines.
        #[arg(long)]
        json: bool,
    },
}

/// The settings to change: at least one.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = true)]
struct Changes {
    /// The IANA time zone reports use for days and hours, such as Europe/Paris or UTC.
    #[arg(long, value_name = "ZONE")]
    time_zone: Option<String>,
    /// Seconds in queue within which an answer or abandon meets the service level (1 or more).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    sla_threshold_seconds: Option<i64>,
    /// Abandons within this many seconds count as short abandons (0 or more).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    short_abandon_seconds: Option<i64>,
    /// Delete interactions this many days after they end (0 keeps them forever).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    retention_days: Option<i64>,
    /// `redact` replaces cards, security codes, SSNs, IBANs, e-mail addresses and phone
    /// numbers in new events by tokens before they are stored; `redact-and-keep-original`
    /// also keeps each original, encrypted, for the `interactions:reveal` scope; `off`
    /// stores them as sent.
    #[arg(long, value_name = "MODE")]
    redaction: Option<String>,
    /// Customer fields redaction replaces whole, comma-separated: `name`, `address`; an
    /// empty value redacts none.
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    redaction_customer_fields: Option<Vec<String>>,
}

impl Changes {
    /// The update, validated as the HTTP API validates it; errors name the flag.
    fn update(self) -> anyhow::Result<SettingsUpdate> {
        let mut fields = Map::new();
        if let Some(zone) = self.time_zone {
            fields.insert("timeZone".into(), zone.into());
        }
        if let Some(seconds) = self.sla_threshold_seconds {
            fields.insert("slaThresholdSeconds".into(), seconds.into());
        }
        if let Some(seconds) = self.short_abandon_seconds {
            fields.insert("shortAbandonSeconds".into(), seconds.into());
        }
        if let Some(days) = self.retention_days {
            fields.insert("retentionDays".into(), days.into());
        }
        if let Some(mode) = self.redaction {
            fields.insert("redaction".into(), mode.into());
        }
        if let Some(names) = self.redaction_customer_fields {
            let names = names.into_iter().filter(|n| !n.is_empty());
            fields.insert("redactionCustomerFields".into(), names.collect());
        }
        SettingsUpdate::parse(Value::Object(fields)).map_err(|e| {
            let flag = match e.field.as_str() {
                "timeZone" => "--time-zone",
                "slaThresholdSeconds" => "--sla-threshold-seconds",
                "shortAbandonSeconds" => "--short-abandon-seconds",
                "retentionDays" => "--retention-days",
                "redaction" => "--redaction",
                f if f.starts_with("redactionCustomerFields") => "--redaction-customer-fields",
                other => other,
            };
            anyhow::anyhow!("{flag}: {}", e.message)
        })
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.database.open(&args.data.data_dir).await?;
    match args.command {
        Command::Show { tenant, json } => print(&effective(&store, &tenant).await?, json),
        Command::Set {
            tenant,
            changes,
            json,
        } => {
            let update = changes.update()?;
            let settings = effective(&store, &tenant).await?.merged(&update);
            store
                .put_tenant_settings(&tenant, &settings)
                .await
                .context("cannot store the settings")?;
            print(&settings, json)
        }
    }
}

pub(crate) async fn effective(
    store: &Arc<dyn Store>,
    tenant: &TenantId,
) -> anyhow::Result<TenantSettings> {
    let stored = store
        .tenant_settings(tenant)
        .await
        .context("cannot read the settings")?;
    Ok(stored.unwrap_or_default())
}

fn print(settings: &TenantSettings, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(settings)?);
    } else {
        println!("timeZone: {}", settings.time_zone);
        println!("slaThresholdSeconds: {}", settings.sla_threshold_seconds);
        println!("shortAbandonSeconds: {}", settings.short_abandon_seconds);
        println!("retentionDays: {}", settings.retention_days);
        let redaction = serde_json::to_value(settings.redaction)?;
        println!("redaction: {}", redaction.as_str().unwrap_or_default());
        for pattern in &settings.redaction_patterns {
            println!("redactionPattern: {} = {}", pattern.name, pattern.regex);
        }
        let fields = serde_json::to_value(&settings.redaction_customer_fields)?;
        let names: Vec<&str> = (fields.as_array().into_iter().flatten())
            .filter_map(Value::as_str)
            .collect();
        if !names.is_empty() {
            println!("redactionCustomerFields: {}", names.join(","));
        }
    }
    Ok(())
}
