//! The rollups a store keeps equal the records' own contributions, on every backend: after
//! generated interactions arrive in random orders and batches (late events re-project what
//! they touch, so contributions are subtracted and added many times), any tiling of the
//! period into intervals — every granularity, in zones with DST and with +05:45, grouped
//! and filtered every way — gives the report summed straight from the records. Totals equal
//! the records' statistics. Re-projecting the tenant after its SLA threshold changed gives
//! the report of the new threshold; with nothing changed, the same report.

use std::collections::BTreeMap;

use interlog_core::event::parse_event;
use interlog_core::record::QueueExitType;
use interlog_core::report::{
    Contribution, Dimension, Granularity, Measure, Metric, Plan, Report, ReportRequest, RollupRow,
    Thresholds, METRICS,
};
use interlog_core::settings::{TenantSettings, TimeZone};
use interlog_core::{project, Event, Interaction, Seconds, TenantId, Timestamp};
use interlog_store::postgres::PoolSettings;
use interlog_store::testing::PgSchema;
use interlog_store::Store;
use interlog_workload::{parse_log, Rng, Spec, Workload};
use serde_json::json;

/// 2026-10-24T00:00Z: the generated days span Paris's fall-back night (the 25th).
const START_MS: i64 = 1_792_800_000_000;

/// Generated interactions' events, delivered in random batches, some out of order; and
/// each interaction's record from its whole log.
fn workload() -> (Vec<Vec<Event>>, Vec<Interaction>) {
    let tenant = TenantId::parse("acme").unwrap();
    let spec = Spec {
        interactions: 300,
        seed: 11,
        days: 3,
        start_ms: START_MS,
    };
    let mut rng = Rng::new(5);
    let mut events = Vec::new();
    let mut records = Vec::new();
    for raw in Workload::new(spec) {
        let log = parse_log(raw);
        records.push(project(&tenant, &log[0].interaction_id, &log));
        events.extend(log);
    }
    for i in (1..events.len()).rev() {
        if rng.chance(0.3) {
            events.swap(i, rng.below(i as u64 + 1) as usize);
        }
    }
    let mut batches = Vec::new();
    while !events.is_empty() {
        let size = (1 + rng.below(60) as usize).min(events.len());
        batches.push(events.drain(..size).collect());
    }
    (batches, records)
}

/// The report a request gives when summed straight from the records' contributions.
fn expected(request: &ReportRequest, records: &[Interaction], thresholds: Thresholds) -> Report {
    let scan = request.scan(TimeZone::UTC);
    let mut rows = Vec::new();
    for record in records {
        let contribution = Contribution::of(record, thresholds);
        for (cell, counts) in contribution.cells() {
            let kept = (scan.filters.iter()).all(|(d, value)| d.of(cell) == value);
            // The agents' totals sum the queues, channels and directions that such a scan
            // neither groups nor filters by.
            if cell.rollup() == scan.rollup.source() && kept {
                rows.push(RollupRow {
                    bucket_ms: cell.bucket_ms,
                    group: scan.group.iter().map(|d| d.of(cell).to_string()).collect(),
                    counts: counts.only(&scan.measures),
                });
            }
        }
    }
    request.assemble(rows)
}

/// Dimensions to group by, and filters.
type Grouping = (&'static [Dimension], &'static [(Dimension, &'static str)]);

/// Every tiling and grouping the test compares.
fn requests() -> Vec<ReportRequest> {
    let (from, to) = (START_MS - 86_400_000, START_MS + 4 * 86_400_000);
    let tilings = [
        (Granularity::Minutes15, "UTC"),
        (Granularity::Minutes30, "Asia/Kolkata"),
        (Granularity::Hour, "Europe/Paris"),
        (Granularity::Day, "Asia/Kathmandu"),
        (Granularity::Day, "UTC"),
        (Granularity::Day, "America/New_York"),
        (Granularity::Week, "America/New_York"),
        (Granularity::Month, "UTC"),
    ];
    let groupings: [Grouping; 7] = [
        (&[], &[]),
        (&[Dimension::Queue], &[]),
        (&[Dimension::Agent], &[]),
        (&[Dimension::Agent, Dimension::Queue], &[]),
        (&[Dimension::EndReason, Dimension::Channel], &[]),
        (&[Dimension::Channel, Dimension::Direction], &[]),
        (&[Dimension::Queue], &[(Dimension::Channel, "voice")]),
    ];
    let mut requests = Vec::new();
    for (granularity, zone) in tilings {
        for (group, filters) in groupings {
            let zone = TimeZone::parse(zone).unwrap();
            let plan = Plan::new(
                Timestamp::from_millis(from),
                Timestamp::from_millis(to),
                granularity,
                zone,
            )
            .unwrap();
            let filters = (filters.iter()).map(|(d, v)| (*d, v.to_string())).collect();
            requests.push(ReportRequest::new(plan, group.to_vec(), filters));
        }
    }
    requests
}

async fn compare(store: &dyn Store, records: &[Interaction], thresholds: Thresholds) {
    let tenant = TenantId::parse("acme").unwrap();
    for request in requests() {
        let got = store.report(&tenant, &request).await.unwrap();
        let want = expected(&request, records, thresholds);
        assert_eq!(
            got,
            want,
            "{} in {} by {:?}",
            request.plan.granularity.as_str(),
            request.plan.zone,
            request.group
        );
    }
}

/// The whole period's totals, from a report by month.
async fn totals(store: &dyn Store) -> BTreeMap<&'static str, i64> {
    let tenant = TenantId::parse("acme").unwrap();
    let request = &requests()[requests().len() - 7];
    let mut sums = BTreeMap::new();
    for row in store.report(&tenant, request).await.unwrap().rows {
        for measure in Measure::ALL {
            let sum: &mut i64 = sums.entry(measure.column()).or_default();
            match measure.is_maximum() {
                true => *sum = (*sum).max(row.counts.get(*measure)),
                false => *sum += row.counts.get(*measure),
            }
        }
    }
    sums
}

async fn story(store: &dyn Store) {
    let tenant = TenantId::parse("acme").unwrap();
    let (batches, records) = workload();
    for batch in &batches {
        store.append_events(&tenant, batch).await.unwrap();
    }
    // Read beside the changes still pending, then from the rollups alone.
    compare(store, &records, Thresholds::default()).await;
    store.fold_pending().await.unwrap();
    compare(store, &records, Thresholds::default()).await;

    let sums = totals(store).await;
    let stat = |f: fn(&Interaction) -> i64| records.iter().map(f).sum::<i64>();
    assert_eq!(
        sums["handle_ms"],
        stat(|r| r.statistics.handle_time.millis())
    );
    assert_eq!(sums["talk_ms"], stat(|r| r.statistics.talk_time.millis()));
    assert_eq!(sums["hold_ms"], stat(|r| r.statistics.hold_time.millis()));
    assert_eq!(sums["queue_ms"], stat(|r| r.statistics.queue_time.millis()));
    assert_eq!(sums["offered"], stat(|r| r.statistics.queue_entries.into()));
    assert_eq!(sums["transfers"], stat(|r| r.statistics.transfers.into()));
    assert_eq!(sums["started"], records.len() as i64);
    let ivr = |r: &Interaction| r.statistics.ivr_time.map_or(0, Seconds::millis);
    assert_eq!(sums["ivr_ms"], stat(ivr));
    assert!(sums["answered"] > 0 && sums["abandoned"] > 0 && sums["holds"] > 0);
    let answered = (records.iter().flat_map(|r| &r.queues))
        .filter(|q| q.queue_exit_type == Some(QueueExitType::Success))
        .filter_map(|q| q.queue_time.map(Seconds::millis));
    assert_eq!(sums["longest_answer_ms"], answered.max().unwrap());

    // A new zone and threshold: day rows stay in UTC until the rollups are rebuilt.
    let strict = TenantSettings {
        sla_threshold_seconds: 5,
        time_zone: TimeZone::parse("America/New_York").unwrap(),
        ..TenantSettings::default()
    };
    store.put_tenant_settings(&tenant, &strict).await.unwrap();
    assert_eq!(store.day_zone(&tenant).await.unwrap(), TimeZone::UTC);
    let done = store.reproject(&tenant, &|_| {}).await.unwrap();
    assert_eq!(done, records.len() as u64);
    assert_eq!(store.day_zone(&tenant).await.unwrap(), strict.time_zone);
    compare(store, &records, Thresholds::from(&strict)).await;
    assert!(totals(store).await["answered_in_sla"] < sums["answered_in_sla"]);

    let other = TenantId::parse("other").unwrap();
    let request = &requests()[0];
    assert!(store
        .rollups(&other, &request.scan(TimeZone::UTC))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(METRICS.len(), 36);
}

/// A call answered after 15 s, of customer `cust-x`.
fn answered_call() -> Vec<Event> {
    let at = |s: &str| format!("2026-10-24T09:00:{s}.000Z");
    let events = [
        (
            "interaction-started",
            "00",
            json!({"channelType": "voice", "direction": "inbound",
            "customer": {"id": "cust-x"}}),
        ),
        ("queue-entered", "05", json!({"queueId": "support"})),
        (
            "agent-allocated",
            "20",
            json!({"agentId": "alice", "queueId": "support"}),
        ),
        ("interaction-ended", "50", json!({})),
    ];
    (events.into_iter().enumerate())
        .map(|(n, (kind, second, mut fields))| {
            fields["eventId"] = json!(format!("x-{n}"));
            fields["type"] = json!(kind);
            fields["interactionId"] = json!("call-x");
            fields["timestamp"] = json!(at(second));
            parse_event(fields).unwrap()
        })
        .collect()
}

/// An erasure right after an answer (its change likely still pending) leaves no answer
/// behind: the pending change that keeps it is folded before the erasure forgets it.
async fn erased_before_folding(store: &dyn Store) {
    let tenant = TenantId::parse("erased").unwrap();
    let plan = Plan::new(
        Timestamp::from_millis(START_MS),
        Timestamp::from_millis(START_MS + 86_400_000),
        Granularity::Day,
        TimeZone::UTC,
    )
    .unwrap();
    let mut request = ReportRequest::new(plan, Vec::new(), Vec::new());
    request.metrics = ["answered", "maxSpeedOfAnswer"]
        .map(|name| Metric::named(name).unwrap())
        .to_vec();
    let counts = || async { store.report(&tenant, &request).await.unwrap().rows[0].counts };

    store
        .append_events(&tenant, &answered_call())
        .await
        .unwrap();
    let answered = counts().await;
    assert_eq!(answered.get(Measure::Answered), 1);
    assert_eq!(answered.get(Measure::LongestAnswerMs), 15_000);
    store
        .erase_customer(&tenant, "cust-x", "test")
        .await
        .unwrap();
    store.fold_pending().await.unwrap();
    assert!(counts().await.is_zero(), "{:?}", counts().await);
}

#[tokio::test]
async fn sqlite_rollups_equal_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = interlog_store::sqlite::open(&dir.path().join("interlog.db"))
        .await
        .unwrap();
    story(&store).await;
    erased_before_folding(&store).await;
}

/// The store's folder moves pending changes into the rollups by itself, about every second
/// (on SQLite, on a connection of its own): its answers kept and its stale longest waits
/// recomputed, as a fold on request does.
#[tokio::test]
async fn sqlite_pending_changes_are_folded_without_being_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("interlog.db");
    let store = interlog_store::sqlite::open(&path).await.unwrap();
    let tenant = TenantId::parse("acme").unwrap();
    let store: &dyn Store = &store;
    let url = format!("sqlite://{}?mode=ro", path.display());
    let db = sqlx::SqlitePool::connect(&url).await.unwrap();
    let scalar = |sql: &str| {
        let (sql, db) = (sql.to_string(), db.clone());
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let folded = || async {
        let mut waited = 0;
        while scalar("SELECT COUNT(*) FROM report_pending").await > 0 {
            assert!(waited < 100, "no fold within 10 s");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
    };
    // The call's events but the first: its answer sits in a cell without a channel.
    let mut events = answered_call();
    let started = events.remove(0);
    store.append_events(&tenant, &events).await.unwrap();
    // The append's change waits (unless the folder's first round came already).
    assert!(scalar("SELECT COUNT(*) FROM report_pending").await <= 1);
    folded().await;
    let longest = |channel: &str| {
        format!(
            "SELECT COALESCE(MAX(longest_answer_ms), 0) FROM report_totals \
             WHERE channel {channel} 'voice'"
        )
    };
    assert_eq!(
        scalar(&longest("<>")).await,
        15_000,
        "folded into the rollups"
    );
    // The first event late: the answer moves to the voice cells, and the cells it left
    // are recomputed (stale) to none.
    store.append_events(&tenant, &[started]).await.unwrap();
    folded().await;
    assert_eq!(scalar(&longest("=")).await, 15_000);
    assert_eq!(scalar(&longest("<>")).await, 0, "the cells it left");
}

#[tokio::test]
async fn postgres_rollups_equal_the_records() {
    let schema = PgSchema::create().await;
    let store = interlog_store::open(&schema.url, &PoolSettings::default())
        .await
        .unwrap();
    story(store.as_ref()).await;
    erased_before_folding(store.as_ref()).await;
    schema.drop().await;
}
