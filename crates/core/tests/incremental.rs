//! The incremental projection equals the full one: for generated interactions of every
//! channel, delivered in random orders (shuffled, duplicated, late), folding each arriving
//! event onto the kept projection — and re-folding the whole log only when an event sorts
//! before one already applied, as the store does — gives after every arrival (one event
//! at a time or a few together) exactly the record `project` gives for the events so far.
//! The transcript kept as rows, rewritten from the first place the projection says changed
//! (after a re-fold, the first place the new fold differs), is the record's transcript.

use interlog_core::event::parse_event;
use interlog_core::{project, Event, Interaction, Projection, TenantId};
use interlog_workload::{parse_log, Rng, Spec, Workload};
use serde_json::json;

/// `events` in a random order: shuffled wholly, or only a few swapped, or as sent.
fn deliver(rng: &mut Rng, mut events: Vec<Event>) -> Vec<Event> {
    match rng.below(3) {
        0 => {
            for i in (1..events.len()).rev() {
                events.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
        1 if events.len() > 1 => {
            for _ in 0..3 {
                let i = rng.below(events.len() as u64 - 1) as usize;
                events.swap(i, i + 1);
            }
        }
        _ => {}
    }
    events
}

#[test]
fn folding_each_arrival_equals_projecting_the_whole_log() {
    let tenant = TenantId::parse("acme").unwrap();
    let mut rng = Rng::new(42);
    let (mut in_order, mut refolds) = (0, 0);
    for raw in Workload::new(Spec::bench_day(1_500)) {
        let events = deliver(&mut rng, parse_log(raw));
        let id = events[0].interaction_id.clone();
        let mut kept = Projection::fold(&tenant, &id, &[]);
        let mut rows = Vec::new();
        let mut n = 0;
        while n < events.len() {
            // Arrivals come one at a time or a few together (one group commit's).
            let group = (1 + rng.below(3) as usize).min(events.len() - n);
            let fresh: Vec<&Event> = events[n..n + group].iter().collect();
            n += group;
            let arrived = &events[..n];
            if kept.apply_all(&fresh) {
                in_order += 1;
            } else {
                kept = Projection::fold(&tenant, &id, arrived);
                // The rows stand up to the first message the new fold places otherwise.
                let same = rows.iter().zip(kept.messages()).take_while(|(a, b)| a == b);
                rows.truncate(same.count());
                kept.take_transcript_changes();
                refolds += 1;
            }
            assert_eq!(kept.len(), n);
            let arrivals = |p: &Projection| -> Vec<u32> {
                p.messages().iter().map(|m| p.arrival(m)).collect()
            };
            let fold = Projection::fold(&tenant, &id, arrived);
            assert_eq!(
                arrivals(&kept),
                arrivals(&fold),
                "{id}'s arrivals after {n}"
            );
            let whole = project(&tenant, &id, arrived);
            assert_eq!(kept.record(), whole, "{id} after {n} events");
            let changed = kept.take_transcript_changes().min(rows.len());
            rows.truncate(changed);
            rows.extend_from_slice(&kept.messages()[changed..]);
            assert_eq!(
                rows, whole.messages,
                "{id}'s transcript rows after {n} events"
            );
            let summary = Interaction {
                messages: Vec::new(),
                ..whole
            };
            assert_eq!(kept.summary(), summary, "{id}'s summary after {n} events");
        }
    }
    // Both paths were taken, many times.
    assert!(in_order > 3_000 && refolds > 1_000, "{in_order} {refolds}");
}

/// A message's arrival (what a store keys its search part by) stays when a late message
/// moves it in the transcript; each message has its own; a message said again keeps its
/// first arrival.
#[test]
fn a_late_message_moves_the_transcript_but_no_arrival() {
    let tenant = TenantId::parse("acme").unwrap();
    let message = |event: &str, id: &str, at: &str, text: &str| {
        let value = json!({"type": "message", "eventId": event, "interactionId": "chat-1",
            "timestamp": at, "messageId": id, "participant": "customer", "text": text});
        parse_event(value).expect("a message event")
    };
    let first = message("e1", "m1", "2024-01-01T00:00:10Z", "second said");
    let second = message("e2", "m2", "2024-01-01T00:00:20Z", "third said");
    let late = message("e3", "m0", "2024-01-01T00:00:05Z", "said first");
    let again = message("e4", "m1", "2024-01-01T00:00:10Z", "second, edited");
    let id = first.interaction_id.clone();
    let log = [first, second, late, again];
    let projection = Projection::fold(&tenant, &id, &log);
    let by_place: Vec<(&str, u32)> = (projection.messages().iter())
        .map(|m| (m.message_id.as_str(), projection.arrival(m)))
        .collect();
    assert_eq!(by_place, [("m0", 2), ("m1", 0), ("m2", 1)]);
    assert_eq!(projection.messages()[1].text, "second, edited");
}
