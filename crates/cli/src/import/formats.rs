//! What each format's records are: the import events a JSON document holds (whole
//! records, contact records, conversations), a queue log's line, a CEL file's calls.

use std::io::Read;

use interlog_core::event::InteractionImported;
use interlog_core::record::Interaction;
use interlog_core::{parse_new_event, refuse_nul, Event, TenantId, Timestamp};
use interlog_dialects::{amazon_connect, asterisk, cxengage, genesys, genesys_cloud, talkdesk};
use serde_json::Value;

use super::{read, Format};

/// The import events a document holds, each record parsed or refused with a reason.
/// A record holding a NUL character is refused, naming where, as an event holding one is.
fn events(format: Format, tenant: &TenantId, document: &Value) -> Vec<Result<Event, String>> {
    (records(format, tenant, document).into_iter())
        .map(|record| {
            let (record, at) = record?;
            let event = InteractionImported::event(tenant, record, at);
            let value = serde_json::to_value(&event).map_err(|e| e.to_string())?;
            refuse_nul(&value).map_err(|e| e.to_string())?;
            Ok(event)
        })
        .collect()
}

/// A whole record, imported as of its end (else its start).
fn whole(record: Interaction) -> (Interaction, Timestamp) {
    let at = record.end_timestamp.unwrap_or(record.start_timestamp);
    (record, at)
}

/// The vendor records a document holds, each with the time it is imported as of (a
/// contact record's or a conversation's last update), or refused with a reason.
fn records(
    format: Format,
    tenant: &TenantId,
    document: &Value,
) -> Vec<Result<(Interaction, Timestamp), String>> {
    let items = |list: Option<&Vec<Value>>| match list {
        Some(items) => items.clone(),
        None => vec![document.clone()], // a bare record
    };
    match format {
        Format::AsteriskQueueLog | Format::AsteriskCel => {
            unreachable!("queue logs and CEL files are read by line, not as JSON documents")
        }
        Format::AmazonConnect => vec![amazon_connect::parse_contact(tenant, document)
            .map(|c| (c.record, c.updated))
            .map_err(|e| e.to_string())],
        Format::GenesysCloud => (genesys_cloud::conversations(document).into_iter())
            .map(|c| {
                let c = genesys_cloud::parse_conversation(tenant, c).map_err(|e| e.to_string())?;
                Ok((c.record, c.updated))
            })
            .collect(),
        Format::Talkdesk => (items(document["_embedded"]["interactions"].as_array()).iter())
            .map(|item| talkdesk::import::parse_interaction(tenant, item).map(whole))
            .map(|r| r.map_err(|e| e.to_string()))
            .collect(),
        Format::Cxengage => (items(document["results"].as_array()).iter())
            .map(|item| cxengage::import::parse_interaction(tenant, item).map(whole))
            .map(|r| r.map_err(|e| e.to_string()))
            .collect(),
        Format::GenesysUcs => vec![genesys::import::parse_resource(tenant, document)
            .map(whole)
            .map_err(|e| e.to_string())],
        // The tenant is the one imported into, whichever the record names.
        Format::Native => vec![serde_json::from_value(document.clone())
            .map(whole)
            .map_err(|e| e.to_string())],
    }
}

/// The events each record of the file makes, a record (a JSON document, or a line of a
/// text format) at a time.
pub(super) fn records_of<'a>(
    format: Format,
    tenant: &'a TenantId,
    input: impl Read + 'a,
) -> Box<dyn Iterator<Item = read::Item<Vec<Result<Event, String>>>> + 'a> {
    if let Format::AsteriskQueueLog = format {
        return Box::new(read::lines(input).map(|item| read::Item {
            place: item.place,
            value: item.value.map(|line| queue_log_events(&line)),
        }));
    }
    if let Format::AsteriskCel = format {
        // A record is a call: the lines that only gather one are not counted.
        let calls = cel_calls(tenant, input);
        return Box::new(
            calls.filter(|item| !matches!(&item.value, Ok(events) if events.is_empty())),
        );
    }
    Box::new(read::json_items(input).map(move |item| read::Item {
        place: item.place,
        value: item.value.map(|document| events(format, tenant, &document)),
    }))
}

/// Asterisk CEL rows gathered into calls: one item per line (a finished call's import event
/// on its `LINKEDID_END` line, nothing on the others), then the calls the file left open.
fn cel_calls<'a>(
    tenant: &'a TenantId,
    input: impl Read + 'a,
) -> impl Iterator<Item = read::Item<Vec<Result<Event, String>>>> + 'a {
    let mut reader = asterisk::cel::Reader::default();
    let mut lines = read::lines(input);
    let mut unfinished: Option<std::vec::IntoIter<asterisk::cel::Call>> = None;
    let import = move |call: &asterisk::cel::Call| -> Vec<Result<Event, String>> {
        let imported = asterisk::cel::parse_call(tenant, call)
            .map(|(record, at)| InteractionImported::event(tenant, record, at));
        vec![imported.map_err(|e| e.to_string())]
    };
    std::iter::from_fn(move || {
        if let Some(rest) = &mut unfinished {
            let call = rest.next()?;
            let place = format!("call {} (no LINKEDID_END)", call.linkedid);
            return Some(read::Item {
                place,
                value: Ok(import(&call)),
            });
        }
        match lines.next() {
            Some(item) => {
                let value = item.value.and_then(|line| {
                    let call = reader.line(&line).map_err(|e| e.to_string())?;
                    Ok(call.map(|call| import(&call)).unwrap_or_default())
                });
                Some(read::Item {
                    place: item.place,
                    value,
                })
            }
            None => {
                let open = std::mem::take(&mut reader).unfinished();
                unfinished = Some(open.into_iter());
                let call = unfinished.as_mut()?.next()?;
                let place = format!("call {} (no LINKEDID_END)", call.linkedid);
                Some(read::Item {
                    place,
                    value: Ok(import(&call)),
                })
            }
        }
    })
}

/// The events of one line of Asterisk's queue log (none for a line about no call).
fn queue_log_events(line: &str) -> Vec<Result<Event, String>> {
    match asterisk::parse_line(line) {
        Err(e) => vec![Err(e.to_string())],
        Ok(asterisk::Line::Skipped) => Vec::new(),
        Ok(asterisk::Line::Call(raw)) => (raw.into_iter())
            .map(|event| parse_new_event(event).map_err(|e| e.to_string()))
            .collect(),
    }
}
