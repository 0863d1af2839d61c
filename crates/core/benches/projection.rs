//! The pure cost of turning events into a record, per interaction, on a realistic
//! workload: parsing raw events (validation included) and the projection (fold + derive).
//!
//! `cargo bench -p interlog-core`; criterion reports interactions per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use interlog_core::{project, Event, TenantId};
use interlog_workload::{parse_log, Spec, Workload};
use serde_json::Value;

const INTERACTIONS: u64 = 1000;

fn workload() -> Vec<Vec<Value>> {
    Workload::new(Spec::bench_day(INTERACTIONS)).collect()
}

fn benches(c: &mut Criterion) {
    let tenant = TenantId::parse("bench").expect("a valid tenant");
    let raw = workload();
    let logs: Vec<Vec<Event>> = raw.iter().map(|events| parse_log(events.clone())).collect();
    let events: usize = logs.iter().map(Vec::len).sum();

    let mut group = c.benchmark_group("per interaction");
    group.throughput(Throughput::Elements(INTERACTIONS));
    group.bench_function("parse and validate its events", |b| {
        b.iter(|| {
            raw.iter()
                .map(|events| parse_log(black_box(events).clone()).len())
                .sum::<usize>()
        })
    });
    group.bench_function("project its events into the record", |b| {
        b.iter(|| {
            for log in &logs {
                black_box(project(&tenant, &log[0].interaction_id, black_box(log)));
            }
        })
    });
    group.finish();
    eprintln!(
        "({INTERACTIONS} interactions, {events} events: {:.1} events each)",
        events as f64 / INTERACTIONS as f64
    );
}

criterion_group! {
    name = projection;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(projection);
