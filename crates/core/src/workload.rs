//! A realistic, deterministic contact-center workload as events: voice calls with IVR,
//! queueing, abandons (about 7%), holds, transfers and add-participant; chats and SMS with
//! transcripts carrying sentiment and intent; e-mails with content; visual-IVR sessions with
//! caller keys and flow pages; repeat customers (long-tailed); agents working shifts; and a
//! small rate of out-of-order and duplicate deliveries. The same seed gives the same events.

use serde_json::{json, Value};

use crate::{parse_event, project, Event, Interaction, TenantId};

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

/// SplitMix64: small, fast, and good enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Exponentially distributed milliseconds with the given mean.
    pub fn exp_ms(&mut self, mean_ms: i64) -> i64 {
        (-(1.0 - self.unit()).ln() * mean_ms as f64) as i64
    }
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

const QUEUES: [(&str, &str, u32); 6] = [
    ("q-sales", "Sales", 20),
    ("q-support", "Support", 30),
    ("q-billing", "Billing", 20),
    ("q-vip", "VIP", 10),
    ("q-tech", "Technical", 60),
    ("q-email", "E-mail", 3600),
];
const INTENTS: [&str; 6] = [
    "billing-question",
    "lost-card",
    "cancel",
    "upgrade",
    "technical-issue",
    "greeting",
];
const SENTIMENTS: [&str; 3] = ["positive", "neutral", "negative"];
const CUSTOMER_LINES: [&str; 6] = [
    "I was charged twice this month",
    "I lost my card yesterday",
    "I want to cancel my subscription",
    "Can I upgrade my plan",
    "The router keeps disconnecting",
    "Hello, I need some help",
];
const AGENT_LINES: [&str; 4] = [
    "Let me look into that for you",
    "I can help with that",
    "Thanks for waiting",
    "Is there anything else?",
];

fn timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Builds one interaction's events, in order.
struct Builder {
    id: String,
    events: Vec<Value>,
}

impl Builder {
    fn push(&mut self, kind: &str, at: i64, fields: Value) {
        let mut event = json!({"eventId": format!("{}-{}", self.id, self.events.len()), "type": kind,
            "interactionId": self.id, "timestamp": timestamp(at)});
        if let (Some(target), Value::Object(extra)) = (event.as_object_mut(), fields) {
            target.extend(extra);
        }
        self.events.push(event);
    }
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

    /// An agent on shift at `at`: three eight-hour shifts, a third of the agents each.
    fn agent(&mut self, at: i64) -> (String, String) {
        let hour = (at / 3_600_000) % 24;
        let shift = (hour / 8) as u64;
        let per_shift = (self.agents / 3).max(1);
        let n = shift * per_shift + self.rng.below(per_shift);
        (format!("agent-{n:03}"), format!("Agent {n:03}"))
    }

    /// Repeat customers: a long tail, with a few customers calling very often.
    fn customer(&mut self) -> String {
        let population = (self.spec.interactions / 3).max(1) as f64;
        format!("cust-{:06}", (population * self.rng.unit().powi(3)) as u64)
    }

    fn message(
        &mut self,
        b: &mut Builder,
        at: i64,
        agent: &(String, String),
        customer_turn: bool,
        source: &str,
    ) {
        let intent = INTENTS[self.rng.below(INTENTS.len() as u64) as usize];
        let mut fields = if customer_turn {
            let line = CUSTOMER_LINES[self.rng.below(CUSTOMER_LINES.len() as u64) as usize];
            json!({"participant": "customer", "text": line, "intent": intent, "intentConfidence": (self.rng.unit() * 100.0).round() / 100.0,
                   "intentIsFallback": false})
        } else {
            let line = AGENT_LINES[self.rng.below(AGENT_LINES.len() as u64) as usize];
            json!({"participant": "agent", "text": line, "agent": {"id": agent.0, "name": agent.1}})
        };
        fields["sentiment"] = json!(SENTIMENTS[self.rng.below(3) as usize]);
        fields["sourceSystem"] = json!(source);
        b.push("message", at, fields);
    }

    fn voice(&mut self, b: &mut Builder, mut at: i64) {
        let queue = QUEUES[self.rng.below(5) as usize];
        at += 2_000 + self.rng.exp_ms(15_000);
        b.push("queue-entered", at, json!({"queueId": queue.0, "queueName": queue.1, "entryType": "ivr", "slaThreshold": queue.2,
            "queueLength": 1 + self.rng.below(12)}));
        at += self.rng.exp_ms(30_000);
        if self.rng.chance(0.07) {
            b.push("customer-disconnected", at, json!({}));
            b.push(
                "interaction-ended",
                at + 50,
                json!({"reason": "customer-abandon"}),
            );
            return;
        }
        let agent = self.agent(at);
        b.push(
            "agent-allocated",
            at,
            json!({"agentId": agent.0, "agentName": agent.1, "queueId": queue.0}),
        );
        if self.rng.chance(0.5) {
            for turn in 0..2 + self.rng.below(3) {
                self.message(
                    b,
                    at + 5_000 + turn as i64 * 7_000,
                    &agent,
                    turn % 2 == 0,
                    "STT",
                );
            }
        }
        at += 20_000 + self.rng.exp_ms(180_000);
        if self.rng.chance(0.2) {
            b.push("hold-started", at, json!({"agentId": agent.0}));
            at += 10_000 + self.rng.exp_ms(40_000);
            b.push("hold-ended", at, json!({"agentId": agent.0}));
        }
        let mut last = agent.clone();
        if self.rng.chance(0.10) {
            let to = self.agent(at);
            b.push(
                "transfer-started",
                at,
                json!({"agentId": agent.0, "toAgentId": to.0}),
            );
            at += 5_000 + self.rng.exp_ms(20_000);
            b.push(
                "agent-allocated",
                at,
                json!({"agentId": to.0, "agentName": to.1}),
            );
            b.push("transfer-ended", at, json!({"outcome": "success"}));
            b.push("agent-deallocated", at, json!({"agentId": agent.0}));
            at += self.rng.exp_ms(120_000);
            last = to;
        } else if self.rng.chance(0.03) {
            b.push(
                "participant-add-started",
                at,
                json!({"agentId": agent.0, "toQueueId": "q-tech"}),
            );
            at += 15_000;
            b.push("participant-add-ended", at, json!({"outcome": "cancelled"}));
        }
        b.push("interaction-ended", at, json!({"reason": "agent-hangup"}));
        b.push(
            "agent-deallocated",
            at + self.rng.exp_ms(30_000),
            json!({"agentId": last.0}),
        );
        self.wrap_up(b, at, &last);
    }

    fn wrap_up(&mut self, b: &mut Builder, at: i64, agent: &(String, String)) {
        if self.rng.chance(0.3) {
            b.push(
                "note-added",
                at + 1_000,
                json!({"text": "Customer issue resolved", "agentId": agent.0}),
            );
        }
        b.push(
            "disposition-set",
            at + 2_000,
            json!({"disposition": {"id": "d-resolved", "name": "Resolved"}}),
        );
    }

    fn text_channel(&mut self, b: &mut Builder, mut at: i64, source: &str) {
        let queue = QUEUES[1 + self.rng.below(2) as usize];
        b.push("queue-entered", at + 500, json!({"queueId": queue.0, "queueName": queue.1, "entryType": "ivr", "slaThreshold": queue.2}));
        at += 500 + self.rng.exp_ms(20_000);
        let agent = self.agent(at);
        b.push(
            "agent-allocated",
            at,
            json!({"agentId": agent.0, "agentName": agent.1, "queueId": queue.0}),
        );
        for turn in 0..3 + self.rng.below(6) {
            at += 3_000 + self.rng.exp_ms(20_000);
            self.message(b, at, &agent, turn % 2 == 0, source);
        }
        at += 5_000;
        b.push("interaction-ended", at, json!({}));
        b.push("agent-deallocated", at, json!({"agentId": agent.0}));
        self.wrap_up(b, at, &agent);
    }

    fn email(&mut self, b: &mut Builder, mut at: i64) {
        b.push(
            "content-added",
            at,
            json!({"text": CUSTOMER_LINES[self.rng.below(6) as usize]}),
        );
        b.push("queue-entered", at + 100, json!({"queueId": "q-email", "queueName": "E-mail", "entryType": "ivr", "slaThreshold": 3600}));
        at += self.rng.exp_ms(1_800_000);
        let agent = self.agent(at);
        b.push(
            "agent-allocated",
            at,
            json!({"agentId": agent.0, "agentName": agent.1, "queueId": "q-email"}),
        );
        at += 60_000 + self.rng.exp_ms(300_000);
        b.push("interaction-ended", at, json!({}));
    }

    fn visual_ivr(&mut self, b: &mut Builder, mut at: i64) {
        b.push(
            "caller-keys-set",
            at,
            json!({"callerKeys": {"dtmf": format!("{:06}", self.rng.below(1_000_000))}}),
        );
        for (n, title) in ["What can we help with?", "Your account", "Confirm"]
            .iter()
            .enumerate()
        {
            at += 5_000 + self.rng.exp_ms(15_000);
            let choice = match n {
                0 => {
                    json!([{"id": "topic-billing", "label": "Billing", "kind": "option", "selected": true}])
                }
                1 => {
                    json!([{"id": "account", "label": "Account number", "kind": "text-input", "input": format!("{:08}", self.rng.below(100_000_000))}])
                }
                _ => json!([{"id": "confirm", "label": "Call me", "kind": "click-to-continue"}]),
            };
            b.push(
                "flow-step",
                at,
                json!({"stepId": format!("page-{n}"), "title": title, "choices": choice,
                "variables": {"customerInfoSet": {"page": n.to_string()}}}),
            );
        }
        b.push("interaction-ended", at + 1_000, json!({}));
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
            let read: crate::Event = serde_json::from_str(&stored).expect("stored events parse");
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
