//! Timing `import` of CxEngage documents: the workload exported the way a vendor's export
//! would hold it, to files, then imported from them as `interlog import` does (reading a
//! record at a time); only the import is timed.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use interlog_core::TenantId;
use interlog_dialects::cxengage;
use interlog_store::Store;
use interlog_workload::{project_log, Workload};

use super::backend::Rate;
use crate::import::Format;

/// Documents per file the harness imports.
const IMPORT_FILE: usize = 10_000;

/// Imports every interaction of `workload`, rendered as CxEngage documents for `tenant`, into
/// `import_tenant`, a file of [`IMPORT_FILE`] documents at a time (written in `scratch`,
/// removed after); the rate counts the interactions imported (one event each).
pub(super) async fn time_import(
    store: &dyn Store,
    scratch: &Path,
    tenant: &TenantId,
    import_tenant: &TenantId,
    mut workload: Workload,
) -> anyhow::Result<Rate> {
    let mut import = Rate {
        events: 0,
        seconds: 0.0,
    };
    let path = scratch.join("import.ndjson");
    while write_cxengage_file(&path, tenant, &mut workload, IMPORT_FILE)? {
        let began = Instant::now();
        let hidden = indicatif::ProgressBar::hidden();
        let file = (std::fs::File::open(&path))
            .with_context(|| format!("cannot read {}", path.display()))?;
        let outcome = crate::import::import(
            Some(store),
            Format::Cxengage,
            import_tenant,
            std::io::BufReader::with_capacity(1 << 20, file),
            &hidden,
        )
        .await?;
        import.seconds += began.elapsed().as_secs_f64();
        import.events += outcome.new;
        anyhow::ensure!(
            outcome.rejected == 0,
            "import refused {} documents: {:?}",
            outcome.rejected,
            outcome.reasons.first()
        );
    }
    let _ = std::fs::remove_file(&path);
    Ok(import)
}

/// Writes the next `count` interactions of `workload` to `path` as CxEngage documents, one
/// per line, the way an export would hold them; false when the workload is done.
fn write_cxengage_file(
    path: &Path,
    tenant: &TenantId,
    workload: &mut Workload,
    count: usize,
) -> anyhow::Result<bool> {
    let cannot = || format!("cannot write {}", path.display());
    let mut out = BufWriter::new(std::fs::File::create(path).with_context(cannot)?);
    let mut written = false;
    for raw in workload.take(count) {
        let record = project_log(tenant, raw);
        let document = cxengage::render::render_interaction(&record, false);
        serde_json::to_writer(&mut out, &document).with_context(cannot)?;
        out.write_all(b"\n").with_context(cannot)?;
        written = true;
    }
    out.flush().with_context(cannot)?;
    Ok(written)
}
