//! `interlog report`: an interval report read from the data directory's rollups (what
//! `GET /api/v1/tenants/{t}/reports/intervals` answers), as a table, CSV or JSON; and
//! `interlog reproject`: re-project a tenant from its log, rebuilding its rollups.

use anyhow::Context;
use interlog_core::query::InteractionQuery;
use interlog_core::report::{Dimension, Metric, Rendered, Report, ReportParams, ReportRequest};
use interlog_core::settings::TimeZone;
use interlog_core::{TenantId, Timestamp};

use crate::common::{bar, parse_tenant, parse_timestamp, DataArgs, DatabaseArgs};
use crate::tenants;

/// Interval statistics per queue, agent, channel or direction, on the tenant's wall clock:
/// offered, answered, abandoned, service level, speed of answer, handle time and the rest
/// (README, "Reports", defines each). Read from the rollups, so it is as fast on a million
/// interactions as on ten.
///
/// Example: interlog report --tenant acme --from 2026-11-02T00:00:00Z
///   --to 2026-11-03T00:00:00Z --interval PT1H --group-by queue
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant.
    #[arg(long, value_parser = parse_tenant, value_name = "TENANT")]
    tenant: TenantId,
    /// The first interval is the one holding this instant (RFC 3339).
    #[arg(long, value_parser = parse_timestamp)]
    from: Timestamp,
    /// The last interval is the one holding the instant before this (RFC 3339).
    #[arg(long, value_parser = parse_timestamp)]
    to: Timestamp,
    /// PT15M, PT30M, PT1H, P1D, P7D or P1M.
    #[arg(long, default_value = "P1D")]
    interval: String,
    /// Comma-separated: any of queue, agent, channel, direction, endReason (not with agent).
    #[arg(long, value_name = "DIMENSIONS")]
    group_by: Option<String>,
    /// The IANA zone intervals follow; default the tenant's timeZone setting.
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
    /// Only this queue.
    #[arg(long)]
    queue: Option<String>,
    /// Only this agent's own work.
    #[arg(long)]
    agent: Option<String>,
    /// Only this channel (voice, chat, email, ...).
    #[arg(long)]
    channel: Option<String>,
    /// Only this direction (inbound, outbound, internal).
    #[arg(long)]
    direction: Option<String>,
    /// Only interactions that ended with this reason (the `ended` metric only).
    #[arg(long)]
    end_reason: Option<String>,
    /// Comma-separated metric names. Default: all for csv and json; for the table,
    /// offered, answered, abandoned, serviceLevel, averageSpeedOfAnswer, averageHandleTime.
    #[arg(long, value_name = "NAMES")]
    metrics: Option<String>,
    /// How to print the report.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Csv,
    Json,
}

/// The table's metrics when none are named.
const TABLE_METRICS: &str =
    "offered,answered,abandoned,serviceLevel,averageSpeedOfAnswer,averageHandleTime";

pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.database.open(&args.data.data_dir).await?;
    let zone = match &args.timezone {
        Some(name) => TimeZone::parse(name).map_err(|e| anyhow::anyhow!("--timezone: {e}"))?,
        None => tenants::effective(&store, &args.tenant).await?.time_zone,
    };
    let filters = [
        (Dimension::Queue, args.queue),
        (Dimension::Agent, args.agent),
        (Dimension::Channel, args.channel),
        (Dimension::Direction, args.direction),
        (Dimension::EndReason, args.end_reason),
    ];
    let default_metrics = matches!(args.format, Format::Table).then_some(TABLE_METRICS);
    let request = ReportRequest::from_params(ReportParams {
        from: Some(args.from),
        to: Some(args.to),
        interval: Some(&args.interval),
        zone,
        group_by: args.group_by.as_deref(),
        filters: (filters.into_iter())
            .filter_map(|(d, v)| v.map(|v| (d, v)))
            .collect(),
        metrics: args.metrics.as_deref().or(default_metrics),
    })
    .map_err(|e| anyhow::anyhow!("--{}: {}", flag(e.parameter), e.message))?;
    let report = (store.report(&args.tenant, &request).await).context("cannot read the rollups")?;
    match args.format {
        Format::Table => print!("{}", table(&request, &report)),
        Format::Csv => print!("{}", request.csv(&report)),
        Format::Json => {
            let rendered = Rendered {
                request: &request,
                report: &report,
            };
            println!("{}", serde_json::to_string_pretty(&rendered)?);
        }
    }
    Ok(())
}

/// The flag of a report parameter.
fn flag(parameter: &str) -> String {
    match parameter {
        "groupBy" => "group-by".into(),
        "endReason" => "end-reason".into(),
        other => other.to_string(),
    }
}

/// Aligned columns: the interval's start, the group, the metrics (`-` for none).
fn table(request: &ReportRequest, report: &Report) -> String {
    let mut header = vec!["interval".to_string()];
    header.extend(request.group.iter().map(|d| d.as_str().to_string()));
    header.extend(request.metrics.iter().map(|m| m.name.to_string()));
    let mut lines = vec![header];
    for row in &report.rows {
        let (start, _) = request.plan.interval(row.interval);
        let mut line = vec![request.local(start)];
        line.extend(
            row.group
                .iter()
                .map(|v| if v.is_empty() { "-".into() } else { v.clone() }),
        );
        line.extend(request.metrics.iter().map(|m| shown(m, &row.counts)));
        lines.push(line);
    }
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|i| {
            lines
                .iter()
                .map(|l| l[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = (line.iter().zip(&widths))
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn shown(metric: &Metric, counts: &interlog_core::report::Counts) -> String {
    match serde_json::to_string(&metric.value(counts)) {
        Ok(value) if value != "null" => value,
        _ => "-".into(),
    }
}

/// Re-project every interaction of a tenant from its event log: its records, index rows
/// and report rollups are written again, the rollups with the tenant's current settings.
/// Run it after changing slaThresholdSeconds or shortAbandonSeconds (which otherwise apply
/// to interactions as they next change), and once after upgrading from a version without
/// report rollups. Ingest may go on meanwhile; reports are incomplete until it is done.
#[derive(Debug, clap::Args)]
pub struct ReprojectArgs {
    /// The tenant.
    #[arg(long, value_parser = parse_tenant, value_name = "TENANT")]
    tenant: TenantId,

    #[command(flatten)]
    data: DataArgs,

    #[command(flatten)]
    database: DatabaseArgs,
}

pub async fn reproject(args: ReprojectArgs) -> anyhow::Result<()> {
    let store = args.database.open(&args.data.data_dir).await?;
    let total = (store.count_interactions(&args.tenant, &InteractionQuery::default())).await?;
    let progress = bar(total, "re-projecting");
    let done = store
        .reproject(&args.tenant, &|done| progress.set_position(done))
        .await
        .context("cannot re-project")?;
    progress.finish_and_clear();
    println!("re-projected {done} interactions of {}", args.tenant);
    Ok(())
}
