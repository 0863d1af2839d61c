//! Every list query is served by an index: no query shape makes SQLite scan a table.

use interlog_core::query::{AgentQuery, HookFilter, InteractionQuery, Order, Position};
use interlog_core::record::{ChannelType, Direction, Status};
use interlog_core::{AgentId, CustomerId, InteractionId, TenantId, Timestamp};

fn after() -> Option<Position> {
    Some(Position {
        millis: 1_700_000_000_000,
        interaction: InteractionId::parse("i").unwrap(),
        allocation: None,
    })
}

/// A plan is acceptable when no step scans a whole table or index: every step searches an
/// index (or the full-text index), or sorts/merges what searches found.
fn assert_indexed(plan: &[String], what: &str) {
    assert!(!plan.is_empty(), "{what}: no plan");
    for step in plan {
        let ok = step.starts_with("SEARCH")
            || step.contains("VIRTUAL TABLE INDEX")
            || step.starts_with("LIST SUBQUERY")
            || step.starts_with("CORRELATED SCALAR SUBQUERY")
            || step.starts_with("CORRELATED LIST SUBQUERY")
            || step.starts_with("USE TEMP B-TREE FOR");
        assert!(ok, "{what}: {step:?} in {plan:#?}");
        assert!(
            !step.starts_with("USE TEMP B-TREE FOR ORDER BY"),
            "{what}: sorts instead of reading in index order: {plan:#?}"
        );
    }
}

#[tokio::test]
async fn every_list_query_shape_is_served_by_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = interlog_store::sqlite::open(&dir.path().join("plans.db"))
        .await
        .unwrap();
    let tenant = TenantId::parse("acme").unwrap();
    let base = InteractionQuery::default;
    let at = |s: &str| Some(Timestamp::parse(s).unwrap());
    let shapes: Vec<(&str, InteractionQuery)> = vec![
        ("all", base()),
        (
            "asc",
            InteractionQuery {
                order: Order::Asc,
                ..base()
            },
        ),
        (
            "window",
            InteractionQuery {
                from: at("2024-01-01T00:00:00Z"),
                to: at("2024-01-02T00:00:00Z"),
                ..base()
            },
        ),
        (
            "next page",
            InteractionQuery {
                after: after(),
                ..base()
            },
        ),
        (
            "next page asc",
            InteractionQuery {
                after: after(),
                order: Order::Asc,
                ..base()
            },
        ),
        (
            "customer",
            InteractionQuery {
                customer: Some(CustomerId::parse("c").unwrap()),
                after: after(),
                ..base()
            },
        ),
        (
            "agent",
            InteractionQuery {
                agent: Some(AgentId::parse("a").unwrap()),
                ..base()
            },
        ),
        (
            "queue",
            InteractionQuery {
                queue: Some("q".into()),
                ..base()
            },
        ),
        (
            "channel, direction, status, flagged",
            InteractionQuery {
                channel: Some(ChannelType::Voice),
                direction: Some(Direction::Inbound),
                status: Some(Status::Ended),
                flagged: Some(false),
                ..base()
            },
        ),
        (
            "search",
            InteractionQuery {
                text: Some("lost card".into()),
                ..base()
            },
        ),
        (
            "contact, page 3",
            InteractionQuery {
                contact: Some("c".into()),
                offset: 20,
                ..base()
            },
        ),
        (
            "hook",
            InteractionQuery {
                hooks: vec![HookFilter {
                    hook_type: Some("zendesk".into()),
                    hook_id: Some("1".into()),
                    ..HookFilter::default()
                }],
                ..base()
            },
        ),
    ];
    for (what, query) in shapes {
        assert_indexed(&store.explain_list(&tenant, &query).await.unwrap(), what);
    }
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
