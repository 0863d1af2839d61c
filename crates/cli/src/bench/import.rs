//! Timing `import` of CxEngage documents: the workload exported the way a vendor's export
//! would hold it, then imported as `interlog import` does; only the import is timed.

use std::time::Instant;

use interlog_core::TenantId;
use interlog_dialects::cxengage;
use interlog_store::Store;
use interlog_workload::{project_log, Workload};

use super::backend::Rate;
use crate::import::Format;

/// Documents per file the harness imports.
const IMPORT_FILE: usize = 10_000;

/// Imports every interaction of `workload`, rendered as CxEngage documents for `tenant`, into
/// `import_tenant`, a file of [`IMPORT_FILE`] documents at a time; the rate counts the
/// interactions imported (one event each).
pub(super) async fn time_import(
    store: &dyn Store,
    tenant: &TenantId,
    import_tenant: &TenantId,
    mut workload: Workload,
) -> anyhow::Result<Rate> {
    let mut import = Rate {
        events: 0,
        seconds: 0.0,
    };
    loop {
        let file = cxengage_file(tenant, &mut workload, IMPORT_FILE);
        if file.is_empty() {
            break;
        }
        let began = Instant::now();
        let hidden = indicatif::ProgressBar::hidden();
        let outcome = crate::import::import(
            Some(store),
            Format::Cxengage,
            import_tenant,
            file.as_bytes(),
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
    Ok(import)
}

/// The next `count` interactions of `workload` as CxEngage documents, one per line, the way
/// an export would hold them (empty when the workload is done).
fn cxengage_file(tenant: &TenantId, workload: &mut Workload, count: usize) -> String {
    let mut out = String::new();
    for raw in workload.take(count) {
        let record = project_log(tenant, raw);
        out.push_str(&cxengage::render::render_interaction(&record, false).to_string());
        out.push('\n');
    }
    out
}
