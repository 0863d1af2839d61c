//! Reading stored rows back: records from their two stored parts (the record without its
//! transcript, and the transcript), and keyset pages from the rows a list query fetched.

use std::collections::HashMap;

use interlog_core::query::{Page, Position};
use interlog_core::{Interaction, InteractionId, TenantId};

use super::corrupt;
use crate::StoreError;

/// A record from its stored parts: the record without its transcript, and the
/// transcript's messages (stored JSON, in order).
pub(super) fn parse_record(record: &str, messages: &[String]) -> Result<Interaction, StoreError> {
    let mut record: Interaction = serde_json::from_str(record).map_err(|e| corrupt("record", e))?;
    record.messages = messages
        .iter()
        .map(|m| serde_json::from_str(m).map_err(|e| corrupt("message", e)))
        .collect::<Result<_, _>>()?;
    Ok(record)
}

/// A whole record's JSON from its stored parts, joined as text (the transcript last).
pub(super) fn join_record(mut record: String, messages: &[String]) -> String {
    if messages.is_empty() {
        return record;
    }
    record.truncate(record.trim_end().len() - 1); // the closing brace
    record.reserve(messages.iter().map(|m| m.len() + 1).sum::<usize>() + 16);
    record.push_str(",\"messages\":[");
    for (n, message) in messages.iter().enumerate() {
        if n > 0 {
            record.push(',');
        }
        record.push_str(message);
    }
    record.push_str("]}");
    record
}

/// A list query's row: the record without its transcript, its start (ms since the epoch)
/// and its interaction id.
pub(super) type ListRow = (String, i64, String);

/// The interaction ids of a list query's rows.
pub(super) fn ids(rows: &[ListRow]) -> impl Iterator<Item = &str> {
    rows.iter().map(|(_, _, id)| id.as_str())
}

/// A page of a list query's `rows` (one more than `limit` when more follow), each item made
/// by `item` from its record's stored parts: the record, and its messages out of
/// `transcripts` (none when they were not read).
pub(super) fn page_of<T>(
    rows: Vec<ListRow>,
    mut transcripts: HashMap<String, Vec<String>>,
    limit: u32,
    mut item: impl FnMut(String, Vec<String>) -> Result<T, StoreError>,
) -> Result<Page<T>, StoreError> {
    let items = rows
        .into_iter()
        .map(|(record, millis, id)| {
            let messages = transcripts.remove(&id).unwrap_or_default();
            let at = position(millis, id, None)?;
            Ok((item(record, messages)?, at))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(paginate(items, limit))
}

/// Cuts the extra row a list query fetches into "there is a next page".
pub(super) fn paginate<T>(mut items: Vec<(T, Position)>, limit: u32) -> Page<T> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let next = if more {
        items.last().map(|(_, position)| position.clone())
    } else {
        None
    };
    Page {
        items: items.into_iter().map(|(item, _)| item).collect(),
        next,
    }
}

/// An interaction id as stored (one that does not parse is corruption).
pub(super) fn stored_id(id: String) -> Result<InteractionId, StoreError> {
    InteractionId::parse(id).map_err(|e| StoreError::Corrupt(format!("interaction id: {e}")))
}

/// A tenant id as stored.
pub(super) fn stored_tenant(id: String) -> Result<TenantId, StoreError> {
    TenantId::parse(id).map_err(|e| StoreError::Corrupt(format!("tenant id: {e}")))
}

/// The place of a row in a list's order.
pub(super) fn position(
    millis: i64,
    interaction: String,
    allocation: Option<String>,
) -> Result<Position, StoreError> {
    Ok(Position {
        millis,
        interaction: stored_id(interaction)?,
        allocation,
    })
}
