//! Asterisk's queue log (`queue_log`, also FreePBX's), for
//! `interlog import --format asterisk-queue-log` and `interlog tail-asterisk`.
//!
//! Each line is `epoch|callid|queuename|agent|event|data1|data2|...`. A line about a call
//! becomes the canonical events it means, as raw JSON events (the events route's shape, so
//! the live follower posts them as they are); lines about agents and queues alone
//! (`AGENTLOGIN`, `ADDMEMBER`, `PAUSE`, `QUEUESTART`, `CONFIGRELOAD`, ...) concern no
//! interaction and are skipped. Event ids are derived from the line (its call, time, event
//! and agent), so reading a log again adds nothing.
//!
//! Interlog's choices (the README's table gives the whole mapping):
//! - The call's interaction is its `callid` (the channel's unique id); it starts at its
//!   first `ENTERQUEUE` (the queue log knows nothing of the call before the queue).
//! - `holdtime` in `CONNECT`, `COMPLETE*` and transfers is the wait in the queue, not an
//!   agent's hold: the queue time comes from `ENTERQUEUE` to `CONNECT`, and the queue log
//!   has no agent holds.
//! - A call that leaves the queue without an agent (`EXITEMPTY`, `EXITWITHTIMEOUT`,
//!   `EXITWITHKEY`), or that an agent transfers, ends there: the queue log follows it no
//!   further. Should it enter a queue again, that arrives after its end and is flagged.
//! - `RINGNOANSWER` offered the call to an agent who did not answer: it is no allocation;
//!   the agent and the ring time are kept as the attribute `ringNoAnswer.<agent>` (ms).

pub mod cel;

use interlog_core::Timestamp;
use serde_json::{json, Value};

use crate::timeline::raw_event;
use crate::ImportError;

/// What a line of the queue log means.
#[derive(Debug, PartialEq)]
pub enum Line {
    /// A call's events, as raw JSON events.
    Call(Vec<Value>),
    /// Not about a call (an agent's or a queue's own event).
    Skipped,
}

/// One line of the queue log (without its line break).
pub fn parse_line(line: &str) -> Result<Line, ImportError> {
    let fields: Vec<&str> = line.trim_end_matches('\r').split('|').collect();
    let [epoch, callid, queue, agent, event, data @ ..] = fields.as_slice() else {
        return Err(ImportError::new(
            "line",
            "expected epoch|callid|queuename|agent|event|data...",
        ));
    };
    let at = time(epoch)?;
    if matches!(*callid, "" | "NONE") {
        return Ok(Line::Skipped);
    }
    let call = Call {
        id: callid,
        at,
        epoch,
        queue,
        agent,
        event,
        events: Vec::new(),
    };
    call.events_of(data)
}

fn time(epoch: &str) -> Result<Timestamp, ImportError> {
    let seconds: f64 = (epoch.parse().ok())
        .filter(|s: &f64| s.is_finite() && *s > 0.0)
        .ok_or_else(|| ImportError::new("epoch", format!("{epoch:?} is not Unix seconds")))?;
    Ok(Timestamp::from_millis((seconds * 1000.0).round() as i64))
}

/// The line being read, and the events it makes.
struct Call<'a> {
    id: &'a str,
    at: Timestamp,
    epoch: &'a str,
    queue: &'a str,
    agent: &'a str,
    event: &'a str,
    events: Vec<Value>,
}

impl Call<'_> {
    fn events_of(mut self, data: &[&str]) -> Result<Line, ImportError> {
        let datum = |n: usize| data.get(n).copied().unwrap_or_default();
        match self.event {
            "ENTERQUEUE" => {
                let mut started = json!({"channelType": "voice", "direction": "inbound"});
                if !datum(1).is_empty() {
                    started["customer"] = json!({"address": datum(1)});
                }
                self.push_as(
                    &format!("ast-{}-start", self.id),
                    "interaction-started",
                    started,
                );
                let length = datum(2).parse::<u32>().ok();
                self.push(
                    "queue-entered",
                    json!({"queueId": self.queue, "queueLength": length}),
                );
            }
            "CONNECT" => self.push("agent-allocated", self.allocation()),
            "RINGNOANSWER" => {
                let key = format!("ringNoAnswer.{}", self.agent);
                let ring: Value = datum(0)
                    .parse::<u64>()
                    .map_or(json!(datum(0)), |ms| json!(ms));
                self.push("attributes-set", json!({"attributes": {key: ring}}));
            }
            "COMPLETECALLER" => {
                self.push("agent-deallocated", self.allocation());
                self.push("customer-disconnected", json!({}));
                self.end("completecaller");
            }
            "COMPLETEAGENT" | "AGENTDUMP" => {
                self.push("agent-deallocated", self.allocation());
                self.end(&self.event.to_ascii_lowercase());
            }
            "ABANDON" => {
                self.push("queue-exited", json!({"exitType": "abandon"}));
                self.push("customer-disconnected", json!({}));
                self.end("abandon");
            }
            "EXITEMPTY" | "EXITWITHKEY" | "EXITWITHTIMEOUT" => {
                let exit = if self.event == "EXITWITHTIMEOUT" {
                    "timeout"
                } else {
                    "interaction-end"
                };
                self.push("queue-exited", json!({"exitType": exit}));
                self.end(&self.event.to_ascii_lowercase());
            }
            "TRANSFER" | "BLINDTRANSFER" | "ATTENDEDTRANSFER" => self.transfer(data),
            "DID" => self.push("attributes-set", json!({"attributes": {"did": datum(0)}})),
            _ => return Ok(Line::Skipped),
        }
        Ok(Line::Call(self.events))
    }

    /// The agent's `agent-allocated`/`-deallocated` fields.
    fn allocation(&self) -> Value {
        json!({"agentId": self.agent, "queueId": self.queue})
    }

    /// An agent's transfer: a transfer segment, the agent free, the call ended (the
    /// destination, `extension@context` or the attended method, kept as `transferredTo`).
    fn transfer(&mut self, data: &[&str]) {
        let to = match self.event {
            "ATTENDEDTRANSFER" => data.iter().take(2).copied().collect::<Vec<_>>().join(":"),
            _ => data.iter().take(2).copied().collect::<Vec<_>>().join("@"),
        };
        self.push(
            "attributes-set",
            json!({"attributes": {"transferredTo": to}}),
        );
        self.push("transfer-started", json!({"agentId": self.agent}));
        self.push("transfer-ended", json!({"outcome": "success"}));
        self.push("agent-deallocated", self.allocation());
        self.end("transfer");
    }

    fn end(&mut self, reason: &str) {
        self.push("interaction-ended", json!({"reason": reason}));
    }

    fn push(&mut self, kind: &str, fields: Value) {
        let agent: String = (self.agent.chars())
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let id = format!(
            "ast-{}-{}-{}-{agent}-{}",
            self.id,
            self.epoch,
            self.event,
            self.events.len()
        );
        self.push_as(&id, kind, fields);
    }

    fn push_as(&mut self, id: &str, kind: &str, fields: Value) {
        let event = raw_event(id, kind, self.id, self.at, fields);
        self.events.push(event);
    }
}

#[cfg(test)]
mod tests;
