//! An interaction as one spreadsheet row: the columns of `interlog export --format csv` and
//! of `GET /api/v1/tenants/{tenant}/export?format=csv` (the README lists them with their
//! meaning). The NDJSON export is the canonical record itself; this is the flat view a
//! supervisor opens in a spreadsheet.
//!
//! Times are RFC 3339 in UTC with milliseconds, durations are seconds with millisecond
//! precision (as in the record), lists (queues, agents, flags) are `;`-separated in the
//! order they happened, and a value the record does not have is an empty cell.

use crate::csv;
use crate::record::Interaction;
use crate::time::{Seconds, Timestamp};

/// A cell: text (neutralised and quoted as [`csv::text`] does), or a number or boolean
/// written as it is.
enum Cell {
    Text(String),
    Plain(String),
}

fn text(value: Option<&str>) -> Cell {
    Cell::Text(value.unwrap_or_default().to_string())
}

fn time(at: Option<Timestamp>) -> Cell {
    Cell::Plain(at.map(|t| t.to_string()).unwrap_or_default())
}

fn seconds(value: Option<Seconds>) -> Cell {
    Cell::Plain(value.map(|s| json(&s)).unwrap_or_default())
}

fn plain(value: impl ToString) -> Cell {
    Cell::Plain(value.to_string())
}

/// A number as the record's JSON writes it (seconds: `94.244`, `20`).
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The distinct values in the order they first appear, `;`-separated.
fn list<'a>(values: impl Iterator<Item = &'a str>) -> Cell {
    let mut seen: Vec<&str> = Vec::new();
    for value in values {
        if !seen.contains(&value) {
            seen.push(value);
        }
    }
    Cell::Text(seen.join(";"))
}

type Column = (&'static str, fn(&Interaction) -> Cell);

/// The columns, in order: each name with how its cell is read from the record.
const COLUMNS: &[Column] = &[
    ("interactionId", |r| text(Some(r.interaction_id.as_str()))),
    ("channelType", |r| text(r.channel_type.map(|c| c.as_str()))),
    ("direction", |r| text(r.direction.map(|d| d.as_str()))),
    ("status", |r| text(Some(r.status.as_str()))),
    ("startTimestamp", |r| time(Some(r.start_timestamp))),
    ("endTimestamp", |r| time(r.end_timestamp)),
    ("endReason", |r| text(r.end_reason.as_deref())),
    ("customerId", |r| {
        text((r.customer.as_ref()).and_then(|c| c.id.as_ref().map(|id| id.as_str())))
    }),
    ("customerAddress", |r| {
        text((r.customer.as_ref()).and_then(|c| c.address.as_deref()))
    }),
    ("customerName", |r| {
        text((r.customer.as_ref()).and_then(|c| c.name.as_deref()))
    }),
    ("contactPoint", |r| text(r.contact_point.as_deref())),
    ("queues", |r| {
        list(r.queues.iter().filter_map(|q| q.queue_id.as_deref()))
    }),
    ("agents", |r| {
        list(r.agents.iter().map(|a| a.agent_id.as_str()))
    }),
    ("disposition", |r| {
        let disposition = r.disposition.as_ref();
        text(disposition.and_then(|d| d.name.as_deref().or(d.id.as_deref())))
    }),
    ("subject", |r| text(r.subject.as_deref())),
    ("csat", |r| {
        Cell::Plain(r.csat.map(|c| json(&c)).unwrap_or_default())
    }),
    ("interactionTime", |r| {
        seconds(r.statistics.interaction_time)
    }),
    ("ivrTime", |r| seconds(r.statistics.ivr_time)),
    ("queueTime", |r| seconds(Some(r.statistics.queue_time))),
    ("talkTime", |r| seconds(Some(r.statistics.talk_time))),
    ("holdTime", |r| seconds(Some(r.statistics.hold_time))),
    ("handleTime", |r| seconds(Some(r.statistics.handle_time))),
    ("customerHolds", |r| plain(r.statistics.customer_holds)),
    ("queueEntries", |r| plain(r.statistics.queue_entries)),
    ("transfers", |r| plain(r.statistics.transfers)),
    ("agentAllocations", |r| {
        plain(r.statistics.agent_allocations)
    }),
    ("ivrAbandoned", |r| plain(r.statistics.ivr_abandoned)),
    ("customerAbandonTime", |r| {
        seconds(r.statistics.customer_abandon_time)
    }),
    ("customerConversationTime", |r| {
        seconds(r.statistics.customer_conversation_time)
    }),
    ("flagged", |r| plain(r.flagged)),
    ("flags", |r| list(r.flags.iter().map(|f| f.code.as_str()))),
];

/// The CSV header line.
pub fn csv_header() -> String {
    csv::line(COLUMNS.iter().map(|(name, _)| *name))
}

/// The names of the CSV columns, in order.
pub fn csv_columns() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().map(|(name, _)| *name)
}

/// One interaction as a CSV line.
pub fn csv_row(record: &Interaction) -> String {
    csv::line(COLUMNS.iter().map(|(_, cell)| match cell(record) {
        Cell::Text(value) => csv::text(&value),
        Cell::Plain(value) => value,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{InteractionId, TenantId};
    use crate::record::{Customer, Named};

    #[test]
    fn a_row_has_a_cell_per_column_with_text_neutralised() {
        let mut record = Interaction::new(
            TenantId::parse("acme").unwrap(),
            InteractionId::parse("chat-1").unwrap(),
            Timestamp::parse("2026-11-02T10:00:00Z").unwrap(),
        );
        record.customer = Some(Customer {
            id: None,
            address: Some("+33123456789".into()),
            name: Some("=HYPERLINK(\"http://x\",\"y\")".into()),
        });
        record.disposition = Some(Named {
            id: Some("d1".into()),
            name: None,
        });
        record.statistics.talk_time = Seconds::from_millis(94_244);
        let row = csv_row(&record);
        assert!(row.ends_with("\r\n"));
        assert!(row.starts_with("chat-1,,,active,2026-11-02T10:00:00.000Z,,,,'+33123456789,"));
        assert!(
            row.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
            "{row}"
        );
        assert!(row.contains(",d1,"), "{row}");
        assert!(row.contains(",94.244,"), "{row}");
        let header = csv_header();
        assert_eq!(header.split(',').count(), csv_columns().count());
        assert!(header.starts_with("interactionId,channelType,direction,status,"));
    }
}
