//! The pure cost of each dialect's renderer, per interaction: the record to the vendor's JSON
//! bytes. Records come from a realistic workload's projection.
//!
//! `cargo bench -p interlog-dialects`; criterion reports interactions per second. (The
//! native read's cost is `cargo bench -p interlog-server`.)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use interlog_core::{Interaction, TenantId};
use interlog_dialects::{cxengage, genesys, talkdesk, xplatform};
use interlog_workload::{project_all, Spec};
use serde_json::Value;

const INTERACTIONS: u64 = 1000;

/// A dialect's renderer of one record.
type Render = fn(&Interaction) -> Value;

fn records() -> Vec<Interaction> {
    let tenant = TenantId::parse("bench").expect("a valid tenant");
    project_all(&tenant, Spec::bench_day(INTERACTIONS))
}

fn benches(c: &mut Criterion) {
    let records = records();
    let mut group = c.benchmark_group("per interaction");
    group.throughput(Throughput::Elements(INTERACTIONS));
    let dialects: [(&str, Render); 4] = [
        ("cxengage: render to bytes", |r| {
            cxengage::render::render_interaction(r, false)
        }),
        (
            "talkdesk: render to bytes",
            talkdesk::render::render_interaction,
        ),
        ("genesys-ucs: render to bytes", |r| {
            genesys::render::render_resource(r, "http://127.0.0.1:8080")
        }),
        ("x-platform: summary to bytes", xplatform::render::summary),
    ];
    for (name, render) in dialects {
        group.bench_function(name, |b| {
            b.iter(|| {
                for record in &records {
                    black_box(
                        serde_json::to_vec(&render(black_box(record))).expect("values serialize"),
                    );
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = render;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(render);
