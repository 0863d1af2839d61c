//! Every list query and the agent view are served by an index: no query shape makes SQLite
//! scan a table.

use interlog_core::query::{AgentQuery, HookFilter, InteractionQuery, Order, Position};
use interlog_core::record::{ChannelType, Direction, Status};
use interlog_core::{AgentId, CustomerId, InteractionId, TenantId, Timestamp};
use interlog_store::sql::SearchDrive;

fn after() -> Option<Position> {
    Some(Position {
        millis: 1_700_000_000_000,
        interaction: InteractionId::parse("i").unwrap(),
        allocation: None,
    })
}

/// A plan is acceptable when no step scans a whole table or index: every step searches an
/// index (or the full-text index), or sorts/merges what searches found. It reads in the
/// index's order, unless a rare word's matches drive it (the rows are looked up by rowid,
/// and they are fewer than the store's bound for a rare word).
fn assert_indexed(plan: &[String], what: &str) {
    assert!(!plan.is_empty(), "{what}: no plan");
    let rare_drive = plan[0].starts_with("SEARCH i USING INTEGER PRIMARY KEY");
    for step in plan {
        let ok = step.starts_with("SEARCH")
            || step.contains("VIRTUAL TABLE INDEX")
            || step.starts_with("LIST SUBQUERY")
            || step.starts_with("CORRELATED SCALAR SUBQUERY")
            || step.starts_with("CORRELATED LIST SUBQUERY")
            || step.starts_with("USE TEMP B-TREE FOR");
        assert!(ok, "{what}: {step:?} in {plan:#?}");
        assert!(
            rare_drive || !step.starts_with("USE TEMP B-TREE FOR ORDER BY"),
            "{what}: sorts instead of reading in index order: {plan:#?}"
        );
    }
}

/// A list query: the default one changed by `change`.
fn query(change: impl FnOnce(&mut InteractionQuery)) -> InteractionQuery {
    let mut query = InteractionQuery::default();
    change(&mut query);
    query
}

fn at(s: &str) -> Option<Timestamp> {
    Some(Timestamp::parse(s).unwrap())
}

/// Every shape the list endpoints produce: order, window, cursor and each filter.
fn list_shapes() -> Vec<(&'static str, InteractionQuery)> {
    vec![
        ("all", query(|_| {})),
        ("asc", query(|q| q.order = Order::Asc)),
        (
            "window",
            query(|q| {
                q.from = at("2024-01-01T00:00:00Z");
                q.to = at("2024-01-02T00:00:00Z");
            }),
        ),
        ("next page", query(|q| q.after = after())),
        (
            "next page asc",
            query(|q| {
                q.after = after();
                q.order = Order::Asc;
            }),
        ),
        (
            "customer",
            query(|q| {
                q.customer = Some(CustomerId::parse("c").unwrap());
                q.after = after();
            }),
        ),
        (
            "agent",
            query(|q| q.agent = Some(AgentId::parse("a").unwrap())),
        ),
        ("queue", query(|q| q.queue = Some("q".into()))),
        (
            "channel, direction, status, flagged",
            query(|q| {
                q.channel = Some(ChannelType::Voice);
                q.direction = Some(Direction::Inbound);
                q.status = Some(Status::Ended);
                q.flagged = Some(false);
            }),
        ),
        ("search", query(|q| q.text = Some("lost card".into()))),
        (
            "contact, page 3",
            query(|q| {
                q.contact = Some("c".into());
                q.offset = 20;
            }),
        ),
        (
            "hook",
            query(|q| {
                q.hooks = vec![HookFilter {
                    hook_type: Some("zendesk".into()),
                    hook_id: Some("1".into()),
                    ..HookFilter::default()
                }]
            }),
        ),
    ]
}

async fn open_store(dir: &tempfile::TempDir) -> interlog_store::sql::SqlStore {
    interlog_store::sqlite::open(&dir.path().join("plans.db"))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_list_query_shape_is_served_by_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let tenant = TenantId::parse("acme").unwrap();
    for (what, query) in list_shapes() {
        assert_indexed(&store.explain_list(&tenant, &query).await.unwrap(), what);
    }
}

/// A search is served by an index whichever side drives it: the full-text index or the
/// start-time index with each candidate tested.
#[tokio::test]
async fn a_search_is_served_by_an_index_whichever_side_drives() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let tenant = TenantId::parse("acme").unwrap();
    let search = query(|q| q.text = Some("lost card".into()));
    let drives = [
        SearchDrive::Matches,
        SearchDrive::Time,
        SearchDrive::Cheaper {
            rare_below: 1,
            window: 1_000,
        },
    ];
    for drive in drives {
        let plan = store
            .explain_list_driven(&tenant, &search, drive)
            .await
            .unwrap();
        assert_indexed(&plan, &format!("search driven by {drive:?}"));
    }
}

#[tokio::test]
async fn the_agent_view_is_served_by_an_index_and_its_open_allocations_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let tenant = TenantId::parse("acme").unwrap();
    let agent = AgentQuery {
        agent: AgentId::parse("a").unwrap(),
        active_only: false,
        channels: vec![],
        limit: 10,
        after: None,
    };
    assert_indexed(
        &store.explain_agent(&tenant, &agent).await.unwrap(),
        "agent view",
    );
    let active = AgentQuery {
        active_only: true,
        channels: vec![ChannelType::Chat, ChannelType::Sms],
        after: Some(Position {
            allocation: Some("x".into()),
            ..after().unwrap()
        }),
        ..agent
    };
    let plan = store.explain_agent(&tenant, &active).await.unwrap();
    assert_indexed(&plan, "active agent view, next page");
    // The open allocations come straight from their index, in order, without visiting the
    // agent's history (the Vonage poll).
    assert!(
        plan.iter().any(|s| s.contains("interaction_agents_active")),
        "{plan:#?}"
    );
    assert!(!plan.iter().any(|s| s.contains("TEMP B-TREE")), "{plan:#?}");
}

#[tokio::test]
async fn a_report_reads_only_its_blocks_rows_by_the_rollups_keys() {
    use interlog_core::report::{Dimension, Granularity, Plan, ReportRequest};
    use interlog_core::settings::TimeZone;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir).await;
    let tenant = TenantId::parse("acme").unwrap();
    let zone = TimeZone::parse("Asia/Kolkata").unwrap();
    let (from, to) = (
        at("2026-11-01T00:00:00Z").unwrap(),
        at("2026-11-03T00:00:00Z").unwrap(),
    );
    for (group, filters) in [
        (vec![Dimension::Queue], vec![]),
        (
            vec![Dimension::Agent],
            vec![(Dimension::Queue, "support".to_string())],
        ),
        (vec![], vec![(Dimension::Agent, "ann".to_string())]),
    ] {
        let request = ReportRequest {
            plan: Plan::new(from, to, Granularity::Day, zone).unwrap(),
            group,
            filters,
            metrics: vec![],
        };
        let plans = store
            .explain_rollups(&tenant, &request.scan(TimeZone::UTC))
            .await
            .unwrap();
        assert!(
            plans.len() > 2,
            "quarter-hour edges and hours between: {plans:?}"
        );
        for plan in plans {
            assert_indexed(&plan, "report");
            assert!(plan[0].contains("PRIMARY KEY"), "{plan:?}");
        }
    }
}
