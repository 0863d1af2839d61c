//! Webhooks: a subscription's deliveries are written with the append that causes them (an
//! update for every change, an end once), filtered by channel; the worker claims only the
//! head of each interaction's deliveries, so they go in order; attempts settle (a delivered
//! body leaves, a retry comes due again); an erasure takes queued deliveries with the
//! customer's interactions, and deleting a subscription takes its deliveries.

use interlog_core::webhooks::{WebhookEvent, WebhookFilter};
use interlog_core::TenantId;
use interlog_store::{Attempt, AttemptNext, DeliveryState, Store, WebhookSubscription};
use serde_json::json;

use super::event;

fn subscription(
    tenant: &TenantId,
    id: &str,
    events: &[&str],
    channels: &[&str],
) -> WebhookSubscription {
    let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    let channels: Vec<String> = channels.iter().map(|c| c.to_string()).collect();
    WebhookSubscription {
        tenant: tenant.clone(),
        subscription_id: id.into(),
        url: "http://127.0.0.1:9/hooks".into(),
        filter: WebhookFilter::new(&events, Vec::new(), &channels).unwrap(),
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        description: Some("CRM".into()),
        created_ms: 1,
    }
}

pub(crate) async fn webhooks(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let all = subscription(
        acme,
        "wh-all",
        &["interaction.updated", "interaction.ended"],
        &[],
    );
    let voice = subscription(acme, "wh-voice", &["interaction.ended"], &["voice"]);
    store.create_webhook(&all).await.unwrap();
    store.create_webhook(&voice).await.unwrap();
    assert_eq!(
        store.webhooks(acme).await.unwrap(),
        [all.clone(), voice.clone()]
    );
    assert!(
        store.webhooks(other).await.unwrap().is_empty(),
        "acme's own"
    );

    let chat = |n: usize, kind: &str, at: &str| {
        let fields = json!({"channelType": "chat", "direction": "inbound",
            "customer": {"id": "cust-wh"}});
        let fields = if kind == "interaction-started" {
            fields
        } else {
            json!({})
        };
        event(&format!("wh-{n}"), kind, "wh-chat", at, fields)
    };
    store
        .append_events(
            acme,
            &[chat(1, "interaction-started", "2026-11-05T10:00:00Z")],
        )
        .await
        .unwrap();
    store
        .append_events(
            acme,
            &[chat(2, "interaction-ended", "2026-11-05T10:05:00Z")],
        )
        .await
        .unwrap();
    store
        .append_events(
            other,
            &[event(
                "o-1",
                "interaction-started",
                "wh-other",
                "2026-11-05T10:00:00Z",
                json!({"channelType": "chat", "direction": "inbound"}),
            )],
        )
        .await
        .unwrap();

    let (listed, next) = store
        .webhook_deliveries(acme, "wh-all", None, None, 10)
        .await
        .unwrap();
    let events: Vec<WebhookEvent> = listed.iter().map(|d| d.event).collect();
    use WebhookEvent::*;
    assert_eq!(
        events,
        [Ended, Updated, Updated],
        "newest first: the end after its update"
    );
    assert_eq!(next, None);
    assert!(listed
        .iter()
        .all(|d| d.state == DeliveryState::Pending && d.attempts == 0));
    let body: serde_json::Value =
        serde_json::from_str(listed[0].payload.as_deref().unwrap()).unwrap();
    assert_eq!(body["type"], "interaction.ended");
    assert_eq!(body["data"]["interaction"]["status"], "ended");
    let (voice_only, _) = store
        .webhook_deliveries(acme, "wh-voice", None, None, 10)
        .await
        .unwrap();
    assert!(voice_only.is_empty(), "a chat is not voice");

    // Only the head of the interaction is claimed; the rest waits for it.
    let now = listed[0].next_ms;
    let claimed = store.claim_deliveries(now, now + 60_000, 10).await.unwrap();
    assert_eq!(claimed.len(), 1, "one interaction's head: {claimed:?}");
    let first = &claimed[0];
    assert_eq!((first.event, &first.tenant), (Updated, acme));
    let again = store.claim_deliveries(now, now + 60_000, 10).await.unwrap();
    assert!(again.is_empty(), "leased, and holding back the rest");
    let retry = Attempt {
        at_ms: now,
        status: Some(503),
        error: Some("503".into()),
        next: AttemptNext::RetryAt(now + 5),
    };
    store
        .settle_delivery(acme, &first.delivery_id, &retry)
        .await
        .unwrap();
    assert!(
        store
            .claim_deliveries(now, now + 60_000, 10)
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let reclaimed = store
        .claim_deliveries(now + 5, now + 60_000, 10)
        .await
        .unwrap();
    assert_eq!(reclaimed.len(), 1);
    assert_eq!(
        (reclaimed[0].delivery_id.as_str(), reclaimed[0].attempts),
        (first.delivery_id.as_str(), 1)
    );
    let delivered = Attempt {
        at_ms: now + 6,
        status: Some(200),
        error: None,
        next: AttemptNext::Delivered,
    };
    store
        .settle_delivery(acme, &first.delivery_id, &delivered)
        .await
        .unwrap();
    let second = store
        .claim_deliveries(now + 6, now + 60_000, 10)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert!(second[0].position > first.position, "next in order");
    let (page, next) = store
        .webhook_deliveries(acme, "wh-all", Some(DeliveryState::Delivered), None, 1)
        .await
        .unwrap();
    assert_eq!((page.len(), next), (1, None));
    assert_eq!(page[0].payload, None, "a delivered body leaves");
    assert_eq!((page[0].attempts, page[0].last_status), (2, Some(200)));

    // Erasure takes the customer's queued deliveries.
    store.erase_customer(acme, "cust-wh", "test").await.unwrap();
    let (left, _) = store
        .webhook_deliveries(acme, "wh-all", None, None, 10)
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    assert!(store.delete_webhook(acme, "wh-voice").await.unwrap());
    assert!(!store.delete_webhook(acme, "wh-voice").await.unwrap());
    assert!(
        !store.delete_webhook(other, "wh-all").await.unwrap(),
        "not other's"
    );
    assert!(store.delete_webhook(acme, "wh-all").await.unwrap());
    assert_eq!(store.sweep_deliveries(i64::MAX).await.unwrap(), 0);
}
