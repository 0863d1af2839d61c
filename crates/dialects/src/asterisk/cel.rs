//! Asterisk's Channel Event Logging (CEL), for `interlog import --format asterisk-cel`: CSV
//! with a header row naming the columns, as `psql`'s `\copy (SELECT * FROM cel ORDER BY id)
//! TO 'cel.csv' CSV HEADER` writes the `cel` table (`eventtype`, `eventtime`, `cid_num`,
//! `cid_dnid`, `exten`, `channame`, `appname`, `appdata`, `uniqueid`, `linkedid`, `extra`,
//! ...); column order does not matter, unknown columns are ignored.
//!
//! A call is every row of one `linkedid`, gathered until its `LINKEDID_END` (so memory
//! holds only the calls still open at a point of the file), then told as canonical events:
//! - the originating channel (`uniqueid` = `linkedid`): its `CHAN_START` starts the call
//!   (`cid_num` the customer's address, `exten` or `cid_dnid` the contact point);
//!   `APP_START` of `Queue` enters the queue named first in `appdata`;
//! - every other channel that answers is an agent (its `channame` without the `-<sequence>`
//!   suffix, e.g. `SIP/1001`), working from its `ANSWER` to its `HANGUP`;
//! - `BLINDTRANSFER`/`ATTENDEDTRANSFER`: a transfer by the channel that made it;
//! - the originating channel's `HANGUP` whose `extra` names it as `hangupsource`: the
//!   customer hung up; `LINKEDID_END`: the end.

use std::collections::HashMap;

use interlog_core::{Interaction, InteractionId, TenantId, Timestamp};
use serde_json::{json, Value};

use crate::timeline::Timeline;
use crate::ImportError;

/// The columns a CEL file must name.
const REQUIRED: [&str; 5] = ["eventtype", "eventtime", "channame", "uniqueid", "linkedid"];

/// One CEL row, by column name.
#[derive(Clone, Debug)]
pub struct Row(HashMap<String, String>);

impl Row {
    fn get(&self, column: &str) -> &str {
        self.0.get(column).map_or("", String::as_str)
    }
}

/// Reads CEL CSV a line at a time: the header first, then rows gathered per call.
#[derive(Default)]
pub struct Reader {
    columns: Option<Vec<String>>,
    open: HashMap<String, Vec<Row>>,
}

/// A call's rows, complete.
pub struct Call {
    pub linkedid: String,
    pub rows: Vec<Row>,
}

impl Reader {
    /// Reads one line: the header, or a row (a finished call when it is its `LINKEDID_END`).
    pub fn line(&mut self, line: &str) -> Result<Option<Call>, ImportError> {
        let fields = split(line);
        let Some(columns) = &self.columns else {
            let columns: Vec<String> = fields
                .iter()
                .map(|c| c.trim().to_ascii_lowercase())
                .collect();
            if let Some(missing) = REQUIRED.iter().find(|r| !columns.iter().any(|c| c == *r)) {
                let message = format!("the first line must name the columns (psql's CSV HEADER); {missing} is missing");
                return Err(ImportError::new("header", message));
            }
            self.columns = Some(columns);
            return Ok(None);
        };
        let row = Row(columns.iter().cloned().zip(fields).collect());
        let linkedid = row.get("linkedid").to_string();
        if linkedid.is_empty() {
            return Err(ImportError::new("linkedid", "is empty"));
        }
        let end = row.get("eventtype") == "LINKEDID_END";
        self.open.entry(linkedid.clone()).or_default().push(row);
        Ok(end.then(|| Call {
            rows: self.open.remove(&linkedid).unwrap_or_default(),
            linkedid,
        }))
    }

    /// The calls the file left open (no `LINKEDID_END`), at its end.
    pub fn unfinished(self) -> Vec<Call> {
        let mut calls: Vec<Call> = (self.open.into_iter())
            .map(|(linkedid, rows)| Call { linkedid, rows })
            .collect();
        calls.sort_by(|a, b| a.linkedid.cmp(&b.linkedid));
        calls
    }
}

/// A CSV line's fields (RFC 4180 quoting: `"a,b"`, `""` for a quote).
fn split(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// `eventtime`: Unix seconds (`1764407000.123456`), or `YYYY-MM-DD HH:MM:SS[.ffffff]`
/// with an optional offset (none: UTC).
fn time(raw: &str) -> Result<Timestamp, ImportError> {
    let bad = || ImportError::new("eventtime", format!("{raw:?} is not a time"));
    if let Ok(seconds) = raw.parse::<f64>() {
        return Ok(Timestamp::from_millis((seconds * 1000.0).round() as i64));
    }
    let iso = raw.trim().replacen(' ', "T", 1);
    let with_zone = match iso.rfind(['+', '-']) {
        Some(at) if at > 10 => iso.clone(),
        _ => format!("{iso}Z"),
    };
    Timestamp::parse(&with_zone).map_err(|_| bad())
}

/// The agent a channel is: its name without the `-<sequence>` suffix.
fn endpoint(channel: &str) -> &str {
    channel.rsplit_once('-').map_or(channel, |(name, _)| name)
}

/// A call's record, and its end (the import's time).
pub fn parse_call(tenant: &TenantId, call: &Call) -> Result<(Interaction, Timestamp), ImportError> {
    let id = InteractionId::parse(&call.linkedid)
        .map_err(|e| ImportError::new("linkedid", e.to_string()))?;
    let mut timeline = Timeline::new(id);
    let mut last = None;
    for row in &call.rows {
        let at = time(row.get("eventtime"))?;
        last = Some(at);
        event(&mut timeline, call, row, at)?;
    }
    let record = timeline.project(tenant);
    let at = last.unwrap_or(record.start_timestamp);
    Ok((record, at))
}

fn event(
    timeline: &mut Timeline,
    call: &Call,
    row: &Row,
    at: Timestamp,
) -> Result<(), ImportError> {
    let origin = row.get("uniqueid") == call.linkedid;
    let agent = endpoint(row.get("channame"));
    match (row.get("eventtype"), origin) {
        ("CHAN_START", true) => {
            let mut fields = json!({"channelType": "voice", "direction": "inbound"});
            if !row.get("cid_num").is_empty() {
                fields["customer"] = json!({"address": row.get("cid_num")});
            }
            let dialled = [row.get("exten"), row.get("cid_dnid")]
                .into_iter()
                .find(|e| !e.is_empty() && *e != "s");
            if let Some(dialled) = dialled {
                fields["contactPoint"] = json!(dialled);
            }
            timeline.push("interaction-started", at, fields)
        }
        ("APP_START", true) if row.get("appname").eq_ignore_ascii_case("Queue") => {
            let queue = row.get("appdata").split(',').next().unwrap_or_default();
            timeline.push("queue-entered", at, json!({"queueId": queue}))
        }
        ("ANSWER", false) => timeline.push("agent-allocated", at, json!({"agentId": agent})),
        ("HANGUP", false) if answered(call, row.get("uniqueid")) => {
            timeline.push("agent-deallocated", at, json!({"agentId": agent}))
        }
        ("HANGUP", true) => {
            let extra: Value = serde_json::from_str(row.get("extra")).unwrap_or_default();
            let source = extra["hangupsource"].as_str().unwrap_or_default();
            if source == row.get("channame") {
                timeline.push("customer-disconnected", at, json!({}))?;
            }
            Ok(())
        }
        ("BLINDTRANSFER" | "ATTENDEDTRANSFER", _) => {
            timeline.push("transfer-started", at, json!({"agentId": agent}))?;
            timeline.push("transfer-ended", at, json!({"outcome": "success"}))
        }
        ("LINKEDID_END", _) => timeline.push("interaction-ended", at, json!({})),
        _ => Ok(()),
    }
}

/// Whether the channel `uniqueid` answered during the call (so it was an agent's).
fn answered(call: &Call, uniqueid: &str) -> bool {
    (call.rows.iter()).any(|r| r.get("uniqueid") == uniqueid && r.get("eventtype") == "ANSWER")
}
