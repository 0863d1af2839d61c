//! Peak resident memory (server and client: they share this process), per figure and per
//! phase, and through the whole of each backend's run.
//!
//! Linux keeps a process's peak (`VmHWM`) and lets the process start it again from its
//! present size (`/proc/self/clear_refs`). [`mark`] reads the peak since the last mark,
//! adds it to the run's, and starts a new one: so each span between two marks has a peak
//! of its own, and the run's covers every span, the gaps between measurements included.
//! Elsewhere than Linux nothing is measured (`None`).

use std::sync::atomic::{AtomicU64, Ordering};

/// The largest peak since [`begin_run`], in bytes.
static RUN_PEAK: AtomicU64 = AtomicU64::new(0);

/// Starts a backend's run: its peak counts from now, not the previous backend's.
pub(super) fn begin_run() {
    mark();
    RUN_PEAK.store(0, Ordering::Relaxed);
}

/// The peak since the last mark (the run's peak takes it in), and a new span from now.
pub(super) fn mark() -> Option<u64> {
    let peak = peak()?;
    RUN_PEAK.fetch_max(peak, Ordering::Relaxed);
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    Some(peak)
}

/// The peak of the whole run so far (a span not yet marked is marked now).
pub(super) fn run_peak() -> Option<u64> {
    mark()?;
    Some(RUN_PEAK.load(Ordering::Relaxed))
}

/// In MiB, for the tables.
pub(super) fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// The process's peak resident set since it started, or since the last reset.
fn peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib = line.split_whitespace().nth(1)?.parse::<u64>().ok()?;
    Some(kib * 1024)
}
