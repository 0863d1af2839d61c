//! A realistic, deterministic contact-center workload as events: voice calls with IVR,
//! queueing, abandons (about 7%), holds, transfers and add-participant; chats and SMS with
//! transcripts carrying sentiment and intent; e-mails with content; visual-IVR sessions with
//! caller keys and flow pages; repeat customers (long-tailed); agents working shifts; and a
//! small rate of out-of-order and duplicate deliveries. The same seed gives the same events
//! (`interlog generate` promises it: a test pins the bytes of one seed).
//!
//! Used by `interlog generate` and `demo`, the load harness (`interlog bench`) and the
//! criterion benches; kept out of `interlog-core`, whose public API is the domain.
//!
//! # Layout
//! - this file: [`Spec`], [`Workload`] (one interaction per item), [`long_conversation`],
//!   [`parse_log`], [`project_log`];
//! - `channels.rs`: each channel's events; `builder.rs`: numbering and timestamps;
//! - `vocabulary.rs`: queues, intents and lines; `rng.rs`: [`Rng`].

mod builder;
mod channels;
mod rng;
mod vocabulary;

use interlog_core::{parse_event, project, Event, Interaction, TenantId};
use serde_json::{json, Value};

use builder::Builder;
pub use rng::Rng;

/// The events of one generated interaction, parsed (generated events are always valid).
pub fn parse_log(raw: impl IntoIterator<Item = Value>) -> Vec<Event> {
    raw.into_iter()
        .map(|e| parse_event(e).expect("generated events are valid"))
        .collect()
}

/// The record one generated interaction's events project to.
pub fn project_log(tenant: &TenantId, raw: impl IntoIterator<Item = Value>) -> Interaction {
    let log = parse_log(raw);
    project(tenant, &log[0].interaction_id, &log)
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub interactions: u64,
    pub seed: u64,
    pub days: u32,
    /// Epoch milliseconds of the first day's midnight (UTC).
    pub start_ms: i64,
}

impl Spec {
    /// One day (2024-01-01, UTC) of `interactions` from seed 1: the criterion benches' input.
    pub fn bench_day(interactions: u64) -> Self {
        Self {
            interactions,
            seed: 1,
            days: 1,
            start_ms: 1_704_067_200_000,
        }
    }
}

/// The record of every interaction of `spec`, projected for `tenant`.
pub fn project_all(tenant: &TenantId, spec: Spec) -> Vec<Interaction> {
    Workload::new(spec)
        .map(|raw| project_log(tenant, raw))
        .collect()
}

/// One messaging interaction `id` with `messages` messages after its start, queue and
/// agent, in order and never ended: what a conversation that goes on for days sends.
pub fn long_conversation(id: &str, start_ms: i64, messages: usize) -> Vec<Value> {
    let mut workload = Workload::new(Spec {
        interactions: 1,
        ..Spec::bench_day(1)
    });
    let mut b = Builder {
        id: id.to_string(),
        events: Vec::new(),
    };
    workload.long_conversation(&mut b, start_ms, messages);
    b.events
}

/// The workload: one interaction at a time, so a million interactions stream in constant memory.
pub struct Workload {
    spec: Spec,
    rng: Rng,
    next: u64,
    agents: u64,
}

impl Workload {
    pub fn new(spec: Spec) -> Self {
        let agents = (spec.interactions / 40).clamp(20, 300);
        Self {
            rng: Rng::new(spec.seed),
            spec,
            next: 0,
            agents,
        }
    }
}

impl Iterator for Workload {
    /// One interaction's events, in delivery order.
    type Item = Vec<Value>;

    fn next(&mut self) -> Option<Vec<Value>> {
        if self.next >= self.spec.interactions {
            return None;
        }
        let n = self.next;
        self.next += 1;
        let span = i64::from(self.spec.days.max(1)) * 86_400_000;
        // Spread evenly over the days, with jitter, so paging windows are realistic.
        let at = self.spec.start_ms
            + (n as i64 * span) / self.spec.interactions as i64
            + self.rng.below(60_000) as i64;
        let mut b = Builder {
            id: format!("gen-{}-{n}", self.spec.seed),
            events: Vec::new(),
        };
        let roll = self.rng.unit();
        let (channel, direction) = match roll {
            r if r < 0.55 => (
                "voice",
                if self.rng.chance(0.85) {
                    "inbound"
                } else {
                    "outbound"
                },
            ),
            r if r < 0.75 => ("chat", "inbound"),
            r if r < 0.85 => ("sms", "inbound"),
            r if r < 0.95 => ("email", "inbound"),
            _ => ("messaging", "inbound"),
        };
        let customer = self.customer();
        b.push("interaction-started", at, json!({"channelType": channel, "direction": direction,
            "customer": {"id": customer, "address": format!("+1555{:07}", self.rng.below(10_000_000))},
            "contactPoint": "+15550100000", "subject": format!("{channel} contact")}));
        match channel {
            "voice" => self.voice(&mut b, at),
            "chat" => self.text_channel(&mut b, at, "DCE"),
            "sms" => self.text_channel(&mut b, at, "DCE"),
            "email" => self.email(&mut b, at),
            _ => self.visual_ivr(&mut b, at),
        }
        // Deliveries are not perfect: a few events swap places, a few arrive twice.
        if b.events.len() > 2 && self.rng.chance(0.02) {
            let i = 1 + self.rng.below(b.events.len() as u64 - 2) as usize;
            b.events.swap(i, i + 1);
        }
        if self.rng.chance(0.01) {
            let i = self.rng.below(b.events.len() as u64) as usize;
            let again = b.events[i].clone();
            b.events.push(again);
        }
        Some(b.events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(seed: u64) -> Spec {
        Spec {
            interactions: 300,
            seed,
            days: 1,
            start_ms: 1_704_067_200_000,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_events_and_every_event_parses() {
        let a: Vec<Vec<Value>> = Workload::new(spec(7)).collect();
        let b: Vec<Vec<Value>> = Workload::new(spec(7)).collect();
        assert_eq!(a, b);
        assert_ne!(a, Workload::new(spec(8)).collect::<Vec<_>>());
        for event in a.iter().flatten() {
            parse_event(event.clone()).unwrap_or_else(|e| panic!("{e}: {event}"));
        }
    }

    /// `interlog generate` promises the same bytes for the same seed, release after release:
    /// a digest of one seed's NDJSON pins them.
    #[test]
    fn the_bytes_of_a_seed_do_not_change() {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for event in Workload::new(spec(7)).flatten() {
            hasher.update(serde_json::to_string(&event).expect("json"));
            hasher.update(b"\n");
        }
        let digest = format!("{:x}", hasher.finalize());
        assert_eq!(
            digest,
            "2770928d6f248f1e54e3b02db512319dda54809c9d1ed433a540e60817cf075e"
        );
    }

    /// The store projects a new interaction from the events it was given and an old one
    /// from the events it stored: both must be the same events.
    #[test]
    fn every_event_survives_the_stored_form() {
        for event in Workload::new(spec(3)).flat_map(parse_log) {
            let stored = serde_json::to_string(&event).expect("events serialize");
            let read: interlog_core::Event =
                serde_json::from_str(&stored).expect("stored events parse");
            assert_eq!(read, event, "{stored}");
        }
    }

    #[test]
    fn the_mix_looks_like_a_contact_center() {
        let events: Vec<Value> = Workload::new(spec(1)).flatten().collect();
        let count = |kind: &str| events.iter().filter(|e| e["type"] == kind).count();
        let started = count("interaction-started");
        assert!(started >= 300, "duplicates may repeat a start");
        let abandons = count("customer-disconnected");
        assert!(
            abandons > 0 && abandons < started / 5,
            "{abandons} abandons of {started}"
        );
        assert!(
            count("transfer-started") > 0 && count("hold-started") > 0 && count("flow-step") > 0
        );
        let customers: std::collections::BTreeSet<&str> = events
            .iter()
            .filter_map(|e| e["customer"]["id"].as_str())
            .collect();
        assert!(customers.len() < 300, "customers come back");
    }
}
