//! A search finds the same interactions, in the same pages, whichever side drives it on
//! SQLite (and on PostgreSQL, found among the first candidates or not): the full-text index (each word's matches intersected), the start-time index (each
//! candidate tested), each word by its side (the rare drive, the common are tested), and the
//! side the store chooses; and counts the same. Over interactions with a common
//! word, a rare one, a long conversation and a message replaced by its id.

use interlog_core::query::{InteractionQuery, Order};
use interlog_core::{parse_event, Event, Interaction, TenantId};
use interlog_store::postgres::PoolSettings;
use interlog_store::sql::{SearchDrive, SqlStore};
use interlog_store::testing::PgSchema;
use interlog_store::Interactions;
use serde_json::json;

fn event(
    id: String,
    kind: &str,
    interaction: &str,
    second: usize,
    extra: serde_json::Value,
) -> Event {
    let at = format!(
        "2024-05-01T{:02}:{:02}:{:02}.000Z",
        second / 3600,
        second / 60 % 60,
        second % 60
    );
    let mut raw =
        json!({"eventId": id, "type": kind, "interactionId": interaction, "timestamp": at});
    raw.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    parse_event(raw).unwrap()
}

/// 200 chats: "order" in three of four, "zebra" in every 50th, "refund" in every 3rd (in another
/// message than "order"), one conversation of 300 messages, and one message replaced.
fn events() -> Vec<Event> {
    let mut events = Vec::new();
    for n in 0..200 {
        let id = format!("chat-{n}");
        let start = n * 10;
        events.push(event(
            format!("{id}-s"),
            "interaction-started",
            &id,
            start,
            json!({"channelType": "chat", "direction": "inbound"}),
        ));
        let said = |m: usize, text: String| {
            event(
                format!("{id}-m{m}"),
                "message",
                &id,
                start + 1 + m,
                json!({"participant": "customer", "text": text}),
            )
        };
        let messages = if n == 7 { 300 } else { 3 };
        for m in 0..messages {
            let text = match (m, n % 50, n % 3) {
                (0, _, _) if n % 4 != 0 => "where is my order".to_string(),
                (1, 0, _) => "a zebra ate it".to_string(),
                (2, _, 0) => "I want a refund".to_string(),
                _ => format!("message {m}"),
            };
            events.push(said(m, text));
        }
    }
    // A zebra said once and replaced: it is no longer there.
    events.push(event(
        "chat-9-fix".into(),
        "message",
        "chat-9",
        200,
        json!({"participant": "customer", "text": "a zebra", "messageId": "chat-9-m1"}),
    ));
    events.push(event(
        "chat-9-fix2".into(),
        "message",
        "chat-9",
        201,
        json!({"participant": "customer", "text": "gone", "messageId": "chat-9-m1"}),
    ));
    events
}

/// Every side, and the store's choice with bounds that make "order" (150 parts) common and
/// "zebra" (4) rare (rare words drive, common ones are tested), or every word found common,
/// with a window of all candidates and one of 10 (often too few for a page, so the matches
/// answer instead).
const DRIVES: [SearchDrive; 5] = [
    SearchDrive::Matches,
    SearchDrive::Time,
    SearchDrive::Cheaper {
        rare_below: 10,
        window: 1_000,
    },
    SearchDrive::Cheaper {
        rare_below: 1,
        window: 1_000,
    },
    SearchDrive::Cheaper {
        rare_below: 1,
        window: 10,
    },
];

/// Every page of `query` driven by `drive` (`None`: the store's choice), as ids.
async fn all_pages(
    store: &SqlStore,
    tenant: &TenantId,
    mut query: InteractionQuery,
    drive: Option<SearchDrive>,
) -> Vec<String> {
    let mut ids = Vec::new();
    loop {
        let page = match drive {
            Some(drive) => store
                .list_interactions_driven(tenant, &query, drive)
                .await
                .unwrap(),
            None => store.list_interactions(tenant, &query).await.unwrap(),
        };
        ids.extend(
            page.items
                .iter()
                .map(|r: &Interaction| r.interaction_id.to_string()),
        );
        match page.next {
            Some(next) => query.after = Some(next),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn every_side_finds_the_same_interactions_in_the_same_pages() {
    let dir = tempfile::tempdir().unwrap();
    let store = interlog_store::sqlite::open(&dir.path().join("search.db"))
        .await
        .unwrap();
    every_side_agrees(&store, &DRIVES).await;
}

/// On PostgreSQL the planner picks each word's side: the store's choice either finds the
/// page among the first candidates or lets the matches drive when it does not fill there.
#[tokio::test]
async fn on_postgresql_a_page_is_the_same_found_among_the_first_candidates_or_not() {
    let schema = PgSchema::create().await;
    let store = interlog_store::postgres::open(&schema.url, &PoolSettings::default())
        .await
        .unwrap();
    let drives = [
        SearchDrive::Matches,
        SearchDrive::Cheaper {
            rare_below: 1,
            window: 10,
        },
    ];
    every_side_agrees(&store, &drives).await;
    schema.drop().await;
}

async fn every_side_agrees(store: &SqlStore, drives: &[SearchDrive]) {
    let tenant = TenantId::parse("acme").unwrap();
    // One event per append for the long conversation (the incremental path), the rest in two.
    let (long, rest): (Vec<Event>, Vec<Event>) = events()
        .into_iter()
        .partition(|e| e.interaction_id.as_str() == "chat-7");
    // Even chats first, so that rowids do not follow start times (a window's bound matters).
    let (even, odd): (Vec<Event>, Vec<Event>) = rest.into_iter().partition(|e| {
        let n = e.interaction_id.as_str().trim_start_matches("chat-");
        n.parse::<usize>().unwrap() % 2 == 0
    });
    use interlog_store::EventLog;
    store.append_events(&tenant, &even).await.unwrap();
    store.append_events(&tenant, &odd).await.unwrap();
    for event in long {
        store
            .append_events(&tenant, std::slice::from_ref(&event))
            .await
            .unwrap();
    }
    for (words, expected) in [
        ("order", 150),
        ("zebra", 4),
        ("order refund", 50),
        ("order\0refund", 50),
        ("ZEBRA order", 2),
        ("message 299", 1),
        ("missing", 0),
        ("order missing", 0),
    ] {
        for order in [Order::Desc, Order::Asc] {
            let query = InteractionQuery {
                text: Some(words.into()),
                order,
                limit: 7,
                ..InteractionQuery::default()
            };
            let chosen = all_pages(store, &tenant, query.clone(), None).await;
            assert_eq!(chosen.len(), expected, "{words}: {chosen:?}");
            let count = store.count_interactions(&tenant, &query).await.unwrap();
            assert_eq!(count as usize, expected, "{words}: count");
            for &drive in drives {
                let count = store.count_interactions_driven(&tenant, &query, drive);
                assert_eq!(
                    count.await.unwrap() as usize,
                    expected,
                    "{words}: count by {drive:?}"
                );
            }
            for &drive in drives {
                let driven = all_pages(store, &tenant, query.clone(), Some(drive)).await;
                assert_eq!(driven, chosen, "{words} driven by {drive:?}");
            }
        }
    }
}
