//! What each channel's interactions look like: voice (IVR, queue, abandons, holds,
//! transfers), chat and SMS transcripts, e-mails, and visual-IVR sessions; and who takes them.

use serde_json::json;

use crate::builder::Builder;
use crate::vocabulary::{AGENT_LINES, CUSTOMER_LINES, INTENTS, QUEUES, SENTIMENTS};
use crate::Workload;

impl Workload {
    /// An agent on shift at `at`: three eight-hour shifts, a third of the agents each.
    fn agent(&mut self, at: i64) -> (String, String) {
        let hour = (at / 3_600_000) % 24;
        let shift = (hour / 8) as u64;
        let per_shift = (self.agents / 3).max(1);
        let n = shift * per_shift + self.rng.below(per_shift);
        (format!("agent-{n:03}"), format!("Agent {n:03}"))
    }

    /// Repeat customers: a long tail, with a few customers calling very often.
    pub(crate) fn customer(&mut self) -> String {
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

    pub(crate) fn voice(&mut self, b: &mut Builder, mut at: i64) {
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
        let (at, last) = self.transfer_or_add(b, at, &agent);
        b.push("interaction-ended", at, json!({"reason": "agent-hangup"}));
        b.push(
            "agent-deallocated",
            at + self.rng.exp_ms(30_000),
            json!({"agentId": last.0}),
        );
        self.wrap_up(b, at, &last);
    }

    /// A transfer (10%) or else a cancelled add-participant (3%), or neither: returns the
    /// time after it and the agent who is on the call at its end.
    fn transfer_or_add(
        &mut self,
        b: &mut Builder,
        mut at: i64,
        agent: &(String, String),
    ) -> (i64, (String, String)) {
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
        (at, last)
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

    pub(crate) fn text_channel(&mut self, b: &mut Builder, mut at: i64, source: &str) {
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

    /// A messaging conversation that goes on for days: started, queued, an agent, then
    /// `messages` turns, each a few minutes after the last (the load harness's long
    /// interaction).
    pub(crate) fn long_conversation(&mut self, b: &mut Builder, mut at: i64, messages: usize) {
        b.push(
            "interaction-started",
            at,
            json!({"channelType": "messaging", "direction": "inbound",
            "customer": {"id": self.customer()}, "subject": "a long conversation"}),
        );
        let queue = QUEUES[1];
        b.push("queue-entered", at + 500, json!({"queueId": queue.0, "queueName": queue.1, "entryType": "ivr", "slaThreshold": queue.2}));
        at += 1_000;
        let agent = self.agent(at);
        b.push(
            "agent-allocated",
            at,
            json!({"agentId": agent.0, "agentName": agent.1, "queueId": queue.0}),
        );
        for turn in 0..messages {
            at += 1_000 + self.rng.exp_ms(120_000);
            self.message(b, at, &agent, turn % 2 == 0, "DCE");
        }
    }

    pub(crate) fn email(&mut self, b: &mut Builder, mut at: i64) {
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

    pub(crate) fn visual_ivr(&mut self, b: &mut Builder, mut at: i64) {
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
