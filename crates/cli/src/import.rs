//! `interlog import`: load a vendor's export into the log as `interaction-imported` events.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::ValueEnum;
use interlog_core::event::InteractionImported;
use interlog_core::record::Interaction;
use interlog_core::{Event, EventBody, EventId, TenantId};
use interlog_dialects::{cxengage, genesys, talkdesk};
use interlog_store::{Appended, Store};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{bar, DataArgs, DatabaseArgs};

/// Import interactions exported from another system. Each becomes one
/// `interaction-imported` event, so imports go through the same log and projection as
/// everything else; importing the same file twice changes nothing.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The vendor format of the file.
    #[arg(long, value_enum)]
    format: Format,

    /// The tenant to import into.
    #[arg(long, value_parser = crate::common::parse_tenant, value_name = "TENANT")]
    tenant: TenantId,

    /// The file: a JSON document, an array of them, or NDJSON; `-` reads stdin.
    file: PathBuf,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// Talkdesk "Retrieve all Interactions" pages (`_embedded.interactions[]`).
    Talkdesk,
    /// CxEngage interaction documents (one, an array, a list envelope with `results`).
    Cxengage,
    /// Genesys UCS Interaction Resources (one, an array, or NDJSON).
    GenesysUcs,
    /// Interlog's own canonical records, as `interlog export --format ndjson` writes them
    /// (one per line, or an array).
    Native,
}

/// The JSON documents of a file: one value, the items of a top-level array, or NDJSON lines.
fn documents(text: &str) -> anyhow::Result<Vec<Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(value) => Ok(vec![value]),
        Err(_) => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| {
                serde_json::from_str(line).with_context(|| format!("line {} is not JSON", n + 1))
            })
            .collect(),
    }
}

/// The vendor records a document holds, each parsed or refused with a reason.
fn records(
    format: Format,
    tenant: &TenantId,
    document: &Value,
) -> Vec<Result<Interaction, String>> {
    match format {
        Format::Talkdesk => {
            let items = match document["_embedded"]["interactions"].as_array() {
                Some(items) => items.clone(),
                None => vec![document.clone()], // a bare interaction
            };
            items
                .iter()
                .map(|item| {
                    talkdesk::import::parse_interaction(tenant, item).map_err(|e| e.to_string())
                })
                .collect()
        }
        Format::Cxengage => {
            let items = match document["results"].as_array() {
                Some(items) => items.clone(),
                None => vec![document.clone()],
            };
            items
                .iter()
                .map(|item| {
                    cxengage::import::parse_interaction(tenant, item).map_err(|e| e.to_string())
                })
                .collect()
        }
        Format::GenesysUcs => {
            vec![genesys::import::parse_resource(tenant, document).map_err(|e| e.to_string())]
        }
        // The tenant is the one imported into, whichever the record names.
        Format::Native => vec![serde_json::from_value(document.clone()).map_err(|e| e.to_string())],
    }
}

/// The event that imports a record; its id is derived from the content, so a repeated
/// import is a duplicate and a changed record replaces the earlier import.
fn import_event(tenant: &TenantId, record: Interaction) -> Event {
    let json = serde_json::to_string(&record).unwrap_or_default();
    let digest = Sha256::digest(format!("{tenant}/{json}"));
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    Event {
        event_id: EventId::parse(format!("import-{hex}")).expect("hex event ids are valid"),
        interaction_id: record.interaction_id.clone(),
        timestamp: record.end_timestamp.unwrap_or(record.start_timestamp),
        body: EventBody::InteractionImported(InteractionImported {
            record: Box::new(record),
        }),
    }
}

/// After importing this many interactions, refresh the planner's statistics (PostgreSQL).
const ANALYZE_AFTER: usize = 10_000;

/// What an import did.
pub struct Imported {
    pub new: usize,
    pub duplicates: usize,
    /// Why each refused record was refused.
    pub rejected: Vec<String>,
}

/// Parses `text` as `format` and appends one `interaction-imported` event per record, with
/// a progress bar: the work of `interlog import`, also timed by `interlog bench`.
pub async fn import(
    store: &dyn Store,
    format: Format,
    tenant: &TenantId,
    text: &str,
) -> anyhow::Result<Imported> {
    let mut events = Vec::new();
    let mut rejected = Vec::new();
    for (n, document) in documents(text)?.iter().enumerate() {
        for (m, record) in records(format, tenant, document).into_iter().enumerate() {
            match record {
                Ok(record) => events.push(import_event(tenant, record)),
                Err(reason) => rejected.push(format!("document {n}, record {m}: {reason}")),
            }
        }
    }
    let progress = bar(events.len() as u64, "importing");
    let mut imported = Imported {
        new: 0,
        duplicates: 0,
        rejected,
    };
    for batch in events.chunks(500) {
        let outcome = store
            .append_events(tenant, batch)
            .await
            .context("cannot store the imported interactions")?;
        imported.new += outcome.iter().filter(|o| **o == Appended::New).count();
        imported.duplicates += outcome
            .iter()
            .filter(|o| **o == Appended::Duplicate)
            .count();
        progress.inc(batch.len() as u64);
    }
    progress.finish_and_clear();
    Ok(imported)
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let mut text = String::new();
    if args.file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text)?;
    } else {
        text = std::fs::read_to_string(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
    }
    let store = args.database.open(&args.data.data_dir).await?;
    let Imported {
        new,
        duplicates,
        rejected,
    } = import(store.as_ref(), args.format, &args.tenant, &text).await?;
    if new >= ANALYZE_AFTER {
        store
            .refresh_statistics()
            .await
            .context("cannot refresh the planner's statistics")?;
    }
    if new + duplicates == 0 && rejected.is_empty() {
        bail!("{} holds no interactions", args.file.display());
    }
    println!(
        "imported {} interactions into {}: {new} new, {duplicates} already imported, {} rejected",
        new + duplicates,
        args.tenant,
        rejected.len()
    );
    for reason in rejected.iter().take(20) {
        println!("  rejected {reason}");
    }
    if rejected.len() > 20 {
        println!("  ... and {} more", rejected.len() - 20);
    }
    Ok(())
}
