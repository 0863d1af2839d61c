//! The pure cost of serving a record, per interaction: the native JSON from the stored
//! record (what a read does: parse the stored JSON, serialize the response). Records come
//! from a realistic workload's projection.
//!
//! `cargo bench -p interlog-server`; criterion reports interactions per second. (Each
//! dialect's renderer is `cargo bench -p interlog-dialects`.)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use interlog_core::{Interaction, TenantId};
use interlog_workload::{project_all, Spec};

const INTERACTIONS: u64 = 1000;

fn records() -> Vec<Interaction> {
    let tenant = TenantId::parse("bench").expect("a valid tenant");
    project_all(&tenant, Spec::bench_day(INTERACTIONS))
}

fn benches(c: &mut Criterion) {
    let records = records();
    let stored: Vec<String> = records
        .iter()
        .map(|r| serde_json::to_string(r).expect("records serialize"))
        .collect();
    let bytes: usize = stored.iter().map(String::len).sum();

    let mut group = c.benchmark_group("per interaction");
    group.throughput(Throughput::Elements(INTERACTIONS));
    group.bench_function("native: stored JSON to response bytes", |b| {
        b.iter(|| {
            for json in &stored {
                let record: Interaction =
                    serde_json::from_str(black_box(json)).expect("stored records parse");
                black_box(serde_json::to_vec(&record).expect("records serialize"));
            }
        })
    });
    group.finish();
    eprintln!(
        "({INTERACTIONS} records, {:.0} bytes of stored JSON each)",
        bytes as f64 / INTERACTIONS as f64
    );
}

criterion_group! {
    name = render;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(render);
