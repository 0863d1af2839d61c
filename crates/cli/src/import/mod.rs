//! `interlog import`: load a vendor's export into the log as `interaction-imported` events,
//! streamed (`read.rs`), in batches, with a progress bar over the file's bytes and a summary.

mod formats;
mod read;

use std::io::Read;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use interlog_core::{Event, TenantId};
use interlog_store::{Appended, Store};

use crate::common::{DataArgs, DatabaseArgs};

/// Import interactions exported from another system. Each becomes one
/// `interaction-imported` event, so imports go through the same log and projection as
/// everything else; importing the same file twice changes nothing. Files are read a record
/// at a time (NDJSON keeps memory flat however large the file); a bad record is reported
/// with its place and reason, and the rest goes on.
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

    /// Read and check the whole file and say what an import would do, writing nothing.
    #[arg(long)]
    dry_run: bool,

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
    /// Amazon Connect contact records (CTRs): NDJSON, concatenated JSON as Kinesis Data
    /// Firehose writes them, or an array. The newest `LastUpdateTimestamp` of a contact wins.
    AmazonConnect,
    /// Asterisk's Channel Event Logging as CSV with a header row (psql's `\copy (SELECT *
    /// FROM cel ORDER BY id) TO 'cel.csv' CSV HEADER`): a call per `linkedid`.
    AsteriskCel,
    /// Genesys Cloud conversation details (`{"conversations": [...]}` pages of the analytics
    /// API, or bare conversations), one interaction per conversation.
    GenesysCloud,
    /// Asterisk's (or FreePBX's) queue log, `epoch|callid|queuename|agent|event|data...`:
    /// each line about a call becomes the canonical events it means.
    AsteriskQueueLog,
    /// Interlog's own canonical records, as `interlog export --format ndjson` writes them
    /// (one per line, or an array).
    Native,
}

/// After importing this many interactions, refresh the planner's statistics (PostgreSQL).
const ANALYZE_AFTER: u64 = 10_000;

/// Events appended per transaction.
const BATCH: usize = 500;

/// Refusals kept for the summary (the rest are counted).
const REASONS_KEPT: usize = 1000;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct Summary {
    /// Records read.
    pub read: u64,
    /// Stored now (a dry run: valid, would be stored unless already there).
    pub new: u64,
    /// Already imported before.
    pub duplicates: u64,
    pub rejected: u64,
    /// Records about no interaction (a queue log's agent and queue events, an empty page).
    pub skipped: u64,
    /// Where and why, for the first refusals.
    pub reasons: Vec<String>,
}

impl Summary {
    fn reject(&mut self, place: &str, reason: &str) {
        self.rejected += 1;
        if self.reasons.len() < REASONS_KEPT {
            self.reasons.push(format!("{place}: {reason}"));
        }
    }
}

/// Reads `input` as `format` and appends its events in batches (unless `store` is `None`:
/// a dry run), advancing `progress` by the bytes read: the work of `interlog import`, also
/// timed by `interlog bench`.
pub async fn import<'a>(
    store: Option<&dyn Store>,
    format: Format,
    tenant: &'a TenantId,
    input: impl Read + 'a,
    progress: &ProgressBar,
) -> anyhow::Result<Summary> {
    let (input, read) = read::Counted::new(input);
    let position = || read.load(std::sync::atomic::Ordering::Relaxed);
    let mut summary = Summary::default();
    let mut batch = Vec::with_capacity(BATCH);
    for item in formats::records_of(format, tenant, input) {
        summary.read += 1;
        let events = match item.value {
            Ok(events) => events,
            Err(reason) => {
                summary.reject(&item.place, &reason);
                continue;
            }
        };
        if events.is_empty() {
            summary.skipped += 1;
        }
        for event in events {
            match event {
                Ok(event) => batch.push(event),
                Err(reason) => summary.reject(&item.place, &reason),
            }
        }
        if batch.len() >= BATCH {
            append(store, tenant, &mut batch, &mut summary).await?;
            progress.set_position(position());
        }
    }
    append(store, tenant, &mut batch, &mut summary).await?;
    progress.set_position(position());
    Ok(summary)
}

/// Appends and empties `batch`, counting what was new.
async fn append(
    store: Option<&dyn Store>,
    tenant: &TenantId,
    batch: &mut Vec<Event>,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let Some(store) = store else {
        summary.new += batch.len() as u64;
        batch.clear();
        return Ok(());
    };
    if batch.is_empty() {
        return Ok(());
    }
    let outcome = (store.append_events(tenant, batch).await)
        .context("cannot store the imported interactions")?;
    let new = outcome.iter().filter(|o| **o == Appended::New).count() as u64;
    summary.new += new;
    summary.duplicates += outcome.len() as u64 - new;
    batch.clear();
    Ok(())
}

/// A bar over the file's bytes (a spinner for stdin).
fn byte_bar(size: Option<u64>) -> ProgressBar {
    let Some(size) = size else {
        return ProgressBar::new_spinner();
    };
    let template =
        "{spinner} importing [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)";
    ProgressBar::new(size).with_style(
        ProgressStyle::with_template(template)
            .expect("a valid template")
            .progress_chars("=> "),
    )
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let (input, size): (Box<dyn Read>, Option<u64>) = if args.file.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot read {}", args.file.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (
            Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
            size,
        )
    };
    let store = match args.dry_run {
        true => None,
        false => Some(args.database.open(&args.data.data_dir).await?),
    };
    let progress = byte_bar(size);
    let summary = import(
        store.as_deref(),
        args.format,
        &args.tenant,
        input,
        &progress,
    )
    .await?;
    progress.finish_and_clear();
    if let Some(store) = &store {
        (store.fold_pending().await).context("cannot fold the report rollups' changes")?;
        if summary.new >= ANALYZE_AFTER {
            (store.refresh_statistics().await)
                .context("cannot refresh the planner's statistics")?;
        }
    }
    if summary.read == 0 {
        bail!("{} holds no records", args.file.display());
    }
    print_summary(&summary, args.format, &args.tenant, args.dry_run);
    Ok(())
}

fn print_summary(summary: &Summary, format: Format, tenant: &TenantId, dry_run: bool) {
    let Summary {
        read,
        new,
        duplicates,
        rejected,
        skipped,
        reasons,
    } = summary;
    if dry_run {
        println!("dry run, nothing written: read {read} records for {tenant}: {new} valid, {rejected} rejected, {skipped} about no interaction");
    } else {
        let (what, count) = match format {
            Format::AsteriskQueueLog => ("events", new + duplicates),
            _ => ("interactions", new + duplicates),
        };
        println!("imported {count} {what} into {tenant}: {new} new, {duplicates} already imported, {rejected} rejected ({read} records read, {skipped} about no interaction)");
    }
    for reason in reasons.iter().take(20) {
        println!("  rejected {reason}");
    }
    if *rejected > 20 {
        println!("  ... and {} more", rejected - 20);
    }
}
