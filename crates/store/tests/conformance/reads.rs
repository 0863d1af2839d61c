//! Reads of the projected records.

use interlog_core::query::{AgentQuery, CallerKeyKind, InteractionQuery};
use interlog_core::record::ChannelType;
use interlog_core::{AgentId, CustomerId, Interaction, InteractionId, TenantId, Timestamp};
use interlog_store::Store;
use serde_json::json;

use crate::event;

/// Starts `chat-2`: a chat of customer c1 that agent a1 took, and its first message.
pub(crate) async fn start_chat(store: &dyn Store, acme: &TenantId) {
    let started = event(
        "e4",
        "interaction-started",
        "chat-2",
        "2024-05-01T10:05:00.000Z",
        json!({"channelType": "chat", "direction": "inbound", "customer": {"id": "c1"},
               "callerKeys": {"dtmf": "4567"}}),
    );
    let allocated = event(
        "e5",
        "agent-allocated",
        "chat-2",
        "2024-05-01T10:05:02.000Z",
        json!({"agentId": "a1"}),
    );
    let said = event(
        "e6",
        "message",
        "chat-2",
        "2024-05-01T10:05:03.000Z",
        json!({"participant": "customer", "text": "hello"}),
    );
    store
        .append_events(acme, &[started, allocated, said])
        .await
        .unwrap();
}

/// Reads of the projected records: keyset pages, counts, an agent's work, caller keys.
/// Adds `chat-2`, a later chat of the same customer that agent a1 is still on.
pub(crate) async fn interaction_reads(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let chat = InteractionId::parse("chat-2").unwrap();
    start_chat(store, acme).await;

    // Newest first, one per page, the cursor leading to the next.
    let one = InteractionQuery {
        limit: 1,
        ..InteractionQuery::default()
    };
    let first = store.list_interactions(acme, &one).await.unwrap();
    assert_eq!(ids(&first.items), ["chat-2"]);
    stored_json(store, acme, other, &one).await;
    let after = first.next.expect("a second page");
    let query = InteractionQuery {
        after: Some(after),
        ..one.clone()
    };
    let second = store.list_interactions(acme, &query).await.unwrap();
    assert_eq!(ids(&second.items), ["call-1"]);
    assert!(second.next.is_none(), "the last page");

    let all = InteractionQuery::default();
    assert_eq!(store.count_interactions(acme, &all).await.unwrap(), 2);
    assert_eq!(store.count_interactions(other, &all).await.unwrap(), 1);
    let voice = InteractionQuery {
        channel: Some(ChannelType::Voice),
        ..InteractionQuery::default()
    };
    assert_eq!(store.count_interactions(acme, &voice).await.unwrap(), 1);
    agent_work_and_lookups(store, acme, other, &chat).await;
}

/// Agent a1's work and caller keys, over `call-1` and `chat-2`.
async fn agent_work_and_lookups(
    store: &dyn Store,
    acme: &TenantId,
    other: &TenantId,
    chat: &InteractionId,
) {
    // Agent a1's work, newest first; only the chat is still active.
    let mut work = AgentQuery {
        agent: AgentId::parse("a1").unwrap(),
        active_only: false,
        channels: Vec::new(),
        limit: 10,
        after: None,
    };
    let page = store.agent_interactions(acme, &work).await.unwrap();
    let records: Vec<_> = page.items.iter().map(|a| a.record.clone()).collect();
    assert_eq!(ids(&records), ["chat-2", "call-1"]);
    assert!(page
        .items
        .iter()
        .all(|a| !a.interaction_agent_id.is_empty()));
    assert!(store
        .agent_interactions(other, &work)
        .await
        .unwrap()
        .items
        .is_empty());
    work.active_only = true;
    let active = store.agent_interactions(acme, &work).await.unwrap();
    assert_eq!(active.items.len(), 1);
    assert_eq!(&active.items[0].record.interaction_id, chat);

    // A caller key finds the latest interaction that carries it, in its tenant only.
    let dtmf = CallerKeyKind::Dtmf;
    assert_eq!(
        store.lookup(acme, dtmf, "4567").await.unwrap(),
        Some(chat.clone())
    );
    assert_eq!(store.lookup(acme, dtmf, "0000").await.unwrap(), None);
    assert_eq!(store.lookup(other, dtmf, "4567").await.unwrap(), None);
}

fn ids(records: &[Interaction]) -> Vec<&str> {
    records.iter().map(|r| r.interaction_id.as_str()).collect()
}

/// The records as stored JSON are the records: whole by id, without the transcript in a
/// list unless asked for, and never another tenant's.
async fn stored_json(store: &dyn Store, acme: &TenantId, other: &TenantId, one: &InteractionQuery) {
    let chat = InteractionId::parse("chat-2").unwrap();
    let whole = store.get_interaction(acme, &chat).await.unwrap().unwrap();
    assert_eq!(whole.messages.len(), 1);
    let json = store
        .get_interaction_json(acme, &chat)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(serde_json::from_str::<Interaction>(&json).unwrap(), whole);
    assert!(store
        .get_interaction_json(other, &chat)
        .await
        .unwrap()
        .is_none());

    let parsed = store.list_interactions(acme, one).await.unwrap();
    let listed = store
        .list_interactions_json(acme, one, false)
        .await
        .unwrap();
    assert_eq!(listed.next, parsed.next);
    let item: Interaction = serde_json::from_str(&listed.items[0]).unwrap();
    let summary = Interaction {
        messages: Vec::new(),
        ..whole.clone()
    };
    assert_eq!(item, summary);
    let with = store.list_interactions_json(acme, one, true).await.unwrap();
    assert_eq!(
        serde_json::from_str::<Interaction>(&with.items[0]).unwrap(),
        whole
    );
    let elsewhere = store
        .list_interactions_json(other, one, true)
        .await
        .unwrap();
    let tenant = |json: &String| serde_json::from_str::<Interaction>(json).unwrap().tenant_id;
    assert!(elsewhere.items.iter().all(|json| tenant(json) == *other));
}

/// The transcript kept as rows follows every way a message can arrive: after the others,
/// again with the id of an earlier one (which replaces it), out of order (before one
/// already stored), and again out of order. After each, the stored record is the
/// projection of the stored log, and the search parts follow. The arrivals go to
/// `writers` in turn: more than one store on the same database each append with no
/// projection kept (another wrote last), so each folds the log before the append again to
/// learn what stands.
pub(crate) async fn transcript_rows(writers: &[&dyn Store], acme: &TenantId) {
    let store = writers[0];
    let chat = InteractionId::parse("chat-2").unwrap();
    let said = |id: &str, at: &str, fields: serde_json::Value| {
        let mut fields = fields;
        fields["participant"] = json!("agent");
        event(id, "message", "chat-2", at, fields)
    };
    let arrivals = [
        said("e7", "2024-05-01T10:05:04.000Z", json!({"text": "second"})),
        said(
            "e8",
            "2024-05-01T10:05:05.000Z",
            json!({"text": "greetings again", "messageId": "e6"}),
        ),
        said("e9", "2024-05-01T10:05:02.500Z", json!({"text": "early"})),
        said("e10", "2024-05-01T10:05:06.000Z", json!({"text": "last"})),
        said(
            "e14",
            "2024-05-01T10:05:04.500Z",
            json!({"text": "revised", "messageId": "e7"}),
        ),
    ];
    for (n, arrival) in arrivals.into_iter().enumerate() {
        let writer = writers[n % writers.len()];
        writer.append_events(acme, &[arrival]).await.unwrap();
        let log = store.interaction_events(acme, &chat).await.unwrap();
        let stored = store.get_interaction(acme, &chat).await.unwrap().unwrap();
        let projected = interlog_core::project(acme, &chat, &log);
        assert_eq!(stored.messages, projected.messages, "after {}", log.len());
        let json = store
            .get_interaction_json(acme, &chat)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(serde_json::from_str::<Interaction>(&json).unwrap(), stored);
    }
    let stored = store.get_interaction(acme, &chat).await.unwrap().unwrap();
    let texts: Vec<&str> = stored.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["early", "greetings again", "revised", "last"]);

    // A note (the search head) added on top is found too.
    let note = event(
        "e11",
        "note-added",
        "chat-2",
        "2024-05-01T10:05:07.000Z",
        json!({"text": "escalated"}),
    );
    writers[writers.len() - 1]
        .append_events(acme, &[note])
        .await
        .unwrap();

    let search = |words: &str| InteractionQuery {
        text: Some(words.into()),
        ..InteractionQuery::default()
    };
    // A lifecycle event changes index rows, not the head, which stays as written (and
    // found); a second note then rewrites the head.
    let later = [
        (
            "e12",
            "queue-entered",
            json!({"queueId": "support"}),
            "escalated",
        ),
        (
            "e13",
            "note-added",
            json!({"text": "refunded"}),
            "escalated refunded",
        ),
    ];
    for (n, (id, kind, fields, words)) in later.into_iter().enumerate() {
        let at = format!("2024-05-01T10:05:0{}.000Z", 8 + n);
        let later = event(id, kind, "chat-2", &at, fields);
        let writer = writers[n % writers.len()];
        writer.append_events(acme, &[later]).await.unwrap();
        let page = store.list_interactions(acme, &search(words)).await.unwrap();
        assert_eq!(ids(&page.items), ["chat-2"], "{words} after {kind}");
    }

    // Search finds every word in some message, and never a replaced message's old words.
    for (words, found) in [
        ("early last", true),
        ("GREETINGS", true),
        ("revised", true),
        ("hello", false),
        ("second", false),
        ("early missing", false),
    ] {
        let page = store.list_interactions(acme, &search(words)).await.unwrap();
        assert_eq!(ids(&page.items).contains(&"chat-2"), found, "{words}");
    }
}

/// An interaction's indexed columns (start, customer) change when its first event arrives
/// after a later one; the lists by start and by customer follow, and go on finding it
/// when a later append leaves those columns as they are.
pub(crate) async fn keys_that_change(store: &dyn Store) {
    let tenant = TenantId::parse("late-start").unwrap();
    let found = |customer: Option<&str>, from: &str, to: &str| {
        let query = InteractionQuery {
            customer: customer.map(|c| CustomerId::parse(c).unwrap()),
            from: Some(Timestamp::parse(from).unwrap()),
            to: Some(Timestamp::parse(to).unwrap()),
            ..InteractionQuery::default()
        };
        let tenant = tenant.clone();
        async move {
            let page = store.list_interactions(&tenant, &query).await.unwrap();
            ids(&page.items)
                .iter()
                .map(|id| id.to_string())
                .collect::<Vec<_>>()
        }
    };
    let said = |id: &str, at: &str| {
        let text = json!({"participant": "customer", "text": "late"});
        event(id, "message", "sms-9", at, text)
    };
    store
        .append_events(&tenant, &[said("k1", "2024-06-01T12:00:00.000Z")])
        .await
        .unwrap();
    assert_eq!(
        found(None, "2024-06-01T11:59:00Z", "2024-06-01T12:01:00Z").await,
        ["sms-9"]
    );

    let started = event(
        "k0",
        "interaction-started",
        "sms-9",
        "2024-06-01T09:00:00.000Z",
        json!({"channelType": "sms", "direction": "inbound", "customer": {"id": "c9"}}),
    );
    let later = said("k2", "2024-06-01T12:05:00.000Z");
    for append in [started, later] {
        store.append_events(&tenant, &[append]).await.unwrap();
        let (morning, noon) = ("2024-06-01T08:59:00Z", "2024-06-01T11:59:00Z");
        assert_eq!(
            found(Some("c9"), morning, "2024-06-01T09:01:00Z").await,
            ["sms-9"]
        );
        assert!(found(None, noon, "2024-06-01T12:10:00Z").await.is_empty());
        assert_eq!(found(None, morning, noon).await, ["sms-9"]);
    }
}
