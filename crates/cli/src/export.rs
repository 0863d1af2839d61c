//! `interlog export`: a tenant's interactions in a window, as NDJSON or CSV, to a file or
//! stdout, a page at a time (`interlog_store::export`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::ValueEnum;
use interlog_core::{TenantId, Timestamp};
use interlog_store::export::{Export, ExportFormat};

use crate::common::{bar, parse_tenant, parse_timestamp, DataArgs, DatabaseArgs};

/// Export a tenant's interactions, oldest first: NDJSON (one canonical record per line,
/// transcript included; `interlog import --format native` reads it back) or CSV (one row
/// per interaction with ids, times, channel, direction, customer, queues, agents,
/// disposition, end reason, statistics and flags; the README lists the columns). Memory
/// stays flat at any size. Uploaded binaries (photos) are not in an export: `interlog
/// backup` keeps them.
///
/// Example: interlog export --tenant acme --from 2026-10-01T00:00:00Z
///   --to 2026-11-01T00:00:00Z --format csv --out october.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant.
    #[arg(long, value_parser = parse_tenant, value_name = "TENANT")]
    tenant: TenantId,
    /// Interactions that started at or after this instant (RFC 3339); default: the first.
    #[arg(long, value_parser = parse_timestamp)]
    from: Option<Timestamp>,
    /// Interactions that started before this instant (RFC 3339); default: all.
    #[arg(long, value_parser = parse_timestamp)]
    to: Option<Timestamp>,
    #[arg(long, value_enum, default_value = "ndjson")]
    format: Format,
    /// The file to write (replaced only once the export is complete); default stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

/// A store error as an IO error, so one `?` carries both out of the writing loop.
fn other(e: interlog_store::StoreError) -> std::io::Error {
    std::io::Error::other(e)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One canonical record (JSON) per line.
    Ndjson,
    /// RFC 4180 CSV, one row per interaction, formulas neutralised.
    Csv,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        anyhow::ensure!(to > from, "--to must be later than --from");
    }
    let format = match args.format {
        Format::Ndjson => ExportFormat::Ndjson,
        Format::Csv => ExportFormat::Csv,
    };
    let store = args.database.open(&args.data.data_dir).await?;
    let mut export = Export::new(args.tenant.clone(), args.from, args.to, format);
    let total = store
        .count_interactions(&args.tenant, export.query())
        .await?;
    // A file is written beside its final name and renamed when complete, so a failed
    // export never leaves a truncated file that looks whole.
    let partial = args.out.as_ref().map(|out| out.with_extension("partial"));
    let mut writer: BufWriter<Box<dyn Write>> = BufWriter::new(match &partial {
        Some(path) => Box::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    });
    let progress = bar(total, "exporting");
    let mut exported = 0;
    let written: std::io::Result<()> = async {
        while let Some(chunk) = export.next_chunk(store.as_ref()).await.map_err(other)? {
            writer.write_all(chunk.text.as_bytes())?;
            exported += chunk.interactions;
            progress.inc(chunk.interactions as u64);
        }
        writer.flush()
    }
    .await;
    drop(writer);
    match written {
        // A reader that has seen enough (`| head`) is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && partial.is_none() => return Ok(()),
        Err(e) => {
            if let Some(partial) = &partial {
                let _ = std::fs::remove_file(partial);
            }
            return Err(e).context("the export stopped part-way");
        }
        Ok(()) => {}
    }
    progress.finish_and_clear();
    if let (Some(partial), Some(out)) = (partial, &args.out) {
        std::fs::rename(&partial, out)
            .with_context(|| format!("cannot move the export to {}", out.display()))?;
        eprintln!(
            "exported {exported} interactions of {} to {}",
            args.tenant,
            out.display()
        );
    }
    Ok(())
}
