//! Reporting: a markdown summary and table per backend on stdout, and the JSON of every run
//! in the `--out` file.

use anyhow::Context;
use serde_json::{json, Value};

use super::backend::{Memory, Run};
use super::load::Figure;
use super::memory::mib;
use super::Args;

/// Prints each run and writes the JSON of them all to `args.out`.
pub(super) fn report(args: &Args, runs: &[Run]) -> anyhow::Result<()> {
    let mut results = Vec::new();
    for run in runs {
        print_summary(args, run);
        let rows = print_table(run);
        results.push(json!({
            "backend": run.backend, "ingest": run.ingest.json(), "import": run.import.json(),
            "storeLookupsPerSecond": run.store_lookups_per_second, "sweptWhileMeasured": run.swept, "bytesPerInteraction": run.bytes_per_interaction,
            "peakRssBytes": run.memory.whole_run, "peakRssByPhaseBytes": memory_json(&run.memory), "foldSeconds": run.fold_seconds, "analyzeSeconds": run.analyze_seconds, "endpoints": rows,
            "longInteraction": run.long.iter().map(|n| n.json()).collect::<Vec<_>>(),
        }));
    }
    let results =
        json!({"interactions": args.interactions, "durationMs": args.duration_ms, "runs": results});
    std::fs::write(&args.out, serde_json::to_string_pretty(&results)?)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("JSON: {}", args.out.display());
    Ok(())
}

/// The run's heading and its whole-run figures, one line each.
fn print_summary(args: &Args, run: &Run) {
    println!(
        "## Interlog benchmark: {} interactions, {}\n",
        args.interactions, run.backend
    );
    println!(
        "Ingest over HTTP: {} events in {:.1} s = **{:.0} events/s**",
        run.ingest.events,
        run.ingest.seconds,
        run.ingest.per_second()
    );
    println!(
        "Ingest through `import` (CxEngage documents, one event each): {} in {:.1} s = **{:.0} interactions/s**",
        run.import.events, run.import.seconds, run.import.per_second()
    );
    println!(
        "Report changes still pending after the load folded in {:.2} s",
        run.fold_seconds
    );
    if run.analyze_seconds >= 0.05 {
        println!(
            "Planner statistics refreshed after the load (ANALYZE) in {:.1} s",
            run.analyze_seconds
        );
    }
    println!(
        "Raw store point lookups (no HTTP): {:.0}/s",
        run.store_lookups_per_second
    );
    println!(
        "On disk (tables and indexes): {:.0} bytes per interaction",
        run.bytes_per_interaction
    );
    println!(
        "Retention swept {} expired interactions while `{}` was measured",
        run.swept,
        super::sweep::WHILE_SWEEPING
    );
    for nth in &run.long {
        println!(
            "The {}th message of one conversation, POSTed alone: {:.2} ms (median of the {} before it)",
            nth.n, nth.median_ms, super::live::WINDOW
        );
    }
    print_memory(run);
}

/// Peak RSS through the whole run, by phase, and the figure that reached the most.
fn print_memory(run: &Run) {
    let Some(whole) = run.memory.whole_run else {
        return; // not measured: not Linux
    };
    let figures = run.figures.iter().filter_map(|f| Some((f.peak_rss?, f)));
    let largest = (figures.max_by_key(|(peak, _)| *peak)).map_or(String::new(), |(p, f)| {
        let (endpoint, connections) = (f.endpoint, f.connections);
        format!(
            ", the largest figure {:.0} (`{endpoint}` at {connections})",
            mib(p)
        )
    });
    println!(
        "Peak RSS through the whole run (server and client): **{:.0} MiB**; by phase, MiB: load {}, long conversation {}, import {}{largest}",
        mib(whole),
        mib_cell(run.memory.load),
        mib_cell(run.memory.long_conversation),
        mib_cell(run.memory.import),
    );
}

/// A peak in MiB for the tables, or `-` where none was measured.
fn mib_cell(peak: Option<u64>) -> String {
    peak.map_or("-".into(), |p| format!("{:.0}", mib(p)))
}

/// The peaks of the phases, for the JSON.
fn memory_json(memory: &Memory) -> Value {
    json!({"load": memory.load, "longConversation": memory.long_conversation, "import": memory.import})
}

/// The table of the run's figures, each beside the floor and the store's lookups; returns
/// the same rows as JSON.
fn print_table(run: &Run) -> Vec<Value> {
    let floor = |c: usize| {
        run.figures
            .iter()
            .find(|f| f.endpoint.ends_with("(floor)") && f.connections == c)
            .map_or(0.0, |f| f.requests_per_second)
    };
    println!("\n| endpoint | conns | req/s | vs /healthz | vs store lookups | p50 ms | p99 ms | errors | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for f in &run.figures {
        let ratio = if floor(f.connections) > 0.0 {
            f.requests_per_second / floor(f.connections)
        } else {
            0.0
        };
        let to_store = f.requests_per_second / run.store_lookups_per_second.max(f64::EPSILON);
        print_row(f, ratio, to_store);
        rows.push(json!({"endpoint": f.endpoint, "connections": f.connections, "requestsPerSecond": f.requests_per_second,
            "ratioToFloor": ratio, "ratioToStoreLookups": to_store, "p50Ms": f.p50_ms, "p99Ms": f.p99_ms, "errors": f.errors, "peakRssBytes": f.peak_rss}));
    }
    println!();
    rows
}

/// One figure as a row of the table.
fn print_row(f: &Figure, ratio: f64, to_store: f64) {
    println!(
        "| {} | {} | {:.0} | {:.0}% | {:.0}% | {:.2} | {:.2} | {} | {} |",
        f.endpoint,
        f.connections,
        f.requests_per_second,
        ratio * 100.0,
        to_store * 100.0,
        f.p50_ms,
        f.p99_ms,
        f.errors,
        mib_cell(f.peak_rss)
    );
}
