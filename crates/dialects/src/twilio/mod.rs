//! Twilio TaskRouter's event callbacks (a Workspace's `EventCallbackUrl`: form-encoded
//! `EventType`, `TaskSid`, `TaskAttributes`, `TaskQueueSid`, `WorkerSid`, ...), for
//! `POST /compat/twilio/taskrouter/{tenant}`. The request signature is the server's to
//! check; this is what a callback means.
//!
//! A task is one interaction (`TaskSid`). Interlog's choices (the README has the table):
//! - the conversation ends at the first of `reservation.wrapup`, `task.wrapup`,
//!   `task.completed`, `task.canceled` or `task.deleted` (they share one end event id, so
//!   the later ones are duplicates); the agent is free at `reservation.completed` (after
//!   wrap-up);
//! - offers that come to nothing (`reservation.created`, `.rejected`, `.timeout`,
//!   `.canceled`, `.rescinded`) and the workers', workflows' and queues' own events are
//!   skipped: they are routing, not the interaction.

use interlog_core::Timestamp;
use serde_json::{json, Map, Value};

use crate::timeline::raw_event;
use crate::ImportError;

/// What a callback means.
#[derive(Debug, PartialEq)]
pub enum Callback {
    /// The task's events, as raw JSON events.
    Task(Vec<Value>),
    /// Not about a task's interaction.
    Skipped,
}

/// The form parameters of one callback.
pub struct Params<'a>(pub &'a [(String, String)]);

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        (self.0.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, name: &str) -> Result<&str, ImportError> {
        self.get(name)
            .ok_or_else(|| ImportError::new(name, "is required"))
    }

    /// When the event happened: `EventDateMs` or `TimestampMs` (milliseconds), else
    /// `Timestamp` (Unix seconds, or ISO 8601), else `EventDate`.
    fn time(&self) -> Result<Timestamp, ImportError> {
        for name in ["EventDateMs", "TimestampMs"] {
            if let Some(ms) = self.get(name) {
                let ms = ms
                    .parse()
                    .map_err(|_| ImportError::new(name, "expected milliseconds"))?;
                return Ok(Timestamp::from_millis(ms));
            }
        }
        for name in ["Timestamp", "EventDate"] {
            let Some(raw) = self.get(name) else { continue };
            if let Ok(seconds) = raw.parse::<i64>() {
                return Ok(Timestamp::from_millis(seconds * 1000));
            }
            return Timestamp::parse(raw).map_err(|e| ImportError::new(name, e.to_string()));
        }
        Err(ImportError::new("Timestamp", "is required"))
    }
}

/// The callback's events.
pub fn parse_callback(params: &Params) -> Result<Callback, ImportError> {
    let kind = params.required("EventType")?;
    let Some(task) = params.get("TaskSid") else {
        return Ok(Callback::Skipped);
    };
    let mut out = Out {
        task,
        at: params.time()?,
        base: match params.get("Sid") {
            Some(sid) => format!("tw-{sid}"),
            None => format!("tw-{task}-{kind}-{}", params.time()?.millis()),
        },
        events: Vec::new(),
    };
    let worker = || {
        json!({"agentId": params.get("WorkerSid"), "agentName": params.get("WorkerName"),
        "queueId": params.get("TaskQueueSid")})
    };
    match kind {
        "task.created" => out.push("interaction-started", started(params)?),
        "task-queue.entered" => out.push("queue-entered",
            json!({"queueId": params.required("TaskQueueSid")?, "queueName": params.get("TaskQueueName")})),
        "task-queue.timeout" => out.push("queue-exited", json!({"exitType": "timeout"})),
        "task-queue.moved" => out.push("queue-exited", json!({"exitType": "interaction-end"})),
        "reservation.accepted" => {
            params.required("WorkerSid")?;
            out.push("agent-allocated", worker());
        }
        "reservation.completed" => {
            params.required("WorkerSid")?;
            out.push("agent-deallocated", worker());
        }
        "reservation.wrapup" | "task.wrapup" | "task.completed" | "task.deleted" => {
            out.end(params.get("TaskCompletedReason"));
        }
        "task.canceled" => {
            out.push("customer-disconnected", json!({}));
            out.end(params.get("TaskCanceledReason"));
        }
        "task.transfer-initiated" => out.push("transfer-started", json!({"agentId": params.get("WorkerSid")})),
        "task.transfer-completed" => out.push("transfer-ended", json!({"outcome": "success"})),
        "task.transfer-failed" | "task.transfer-canceled" => {
            out.push("transfer-ended", json!({"outcome": "cancelled"}));
        }
        _ => return Ok(Callback::Skipped),
    }
    Ok(Callback::Task(out.events))
}

/// `task.created`'s fields: the channel (`TaskChannelUniqueName`), and from the task's
/// attributes the direction, the customer's address (`from`, else `caller`) and name, and
/// the attributes themselves.
fn started(params: &Params) -> Result<Value, ImportError> {
    let attributes: Map<String, Value> = match params.get("TaskAttributes") {
        None => Map::new(),
        Some(raw) => serde_json::from_str(raw)
            .map_err(|_| ImportError::new("TaskAttributes", "expected a JSON object"))?,
    };
    let channel = match params.get("TaskChannelUniqueName") {
        Some("voice") => "voice",
        Some("chat") => "chat",
        Some("sms") => "sms",
        Some("email") => "email",
        Some("video") => "video",
        _ => "work-item",
    };
    let text = |name: &str| {
        attributes
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let direction = if text("direction") == Some("outbound") {
        "outbound"
    } else {
        "inbound"
    };
    let mut fields = json!({"channelType": channel, "direction": direction,
        "attributes": Value::Object(attributes.clone())});
    let address = text("from").or(text("caller"));
    if address.is_some() || text("name").is_some() {
        fields["customer"] = json!({"address": address, "name": text("name")});
    }
    if let Some(to) = text("to").or(text("called")) {
        fields["contactPoint"] = json!(to);
    }
    Ok(fields)
}

struct Out<'a> {
    task: &'a str,
    at: Timestamp,
    base: String,
    events: Vec<Value>,
}

impl Out<'_> {
    fn push(&mut self, kind: &str, fields: Value) {
        let id = format!("{}-{}", self.base, self.events.len());
        self.push_as(id, kind, fields);
    }

    /// The task's one end: every ending callback gives it the same id.
    fn end(&mut self, reason: Option<&str>) {
        let id = format!("tw-{}-end", self.task);
        self.push_as(id, "interaction-ended", json!({"reason": reason}));
    }

    fn push_as(&mut self, id: String, kind: &str, fields: Value) {
        let event = raw_event(&id, kind, self.task, self.at, fields);
        self.events.push(event);
    }
}

#[cfg(test)]
mod tests;
