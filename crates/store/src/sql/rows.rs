//! Reading stored rows back: records from their two stored parts (the record without its
//! transcript, and the transcript), and keyset pages from the rows a list query fetched.

use interlog_core::query::{Page, Position};
use interlog_core::{Interaction, InteractionId};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::corrupt;
use crate::StoreError;

/// A record from its stored parts: the record without its transcript, and the transcript
/// (a JSON array) when it has one.
pub(super) fn parse_record(
    record: &str,
    messages: Option<&str>,
) -> Result<Interaction, StoreError> {
    let mut record: Interaction = serde_json::from_str(record).map_err(|e| corrupt("record", e))?;
    if let Some(messages) = messages {
        record.messages = serde_json::from_str(messages).map_err(|e| corrupt("messages", e))?;
    }
    Ok(record)
}

/// A whole record's JSON from its stored parts, joined as text (the transcript last).
pub(super) fn join_record(mut record: String, messages: Option<&str>) -> String {
    if let Some(messages) = messages {
        record.truncate(record.trim_end().len() - 1); // the closing brace
        record.push_str(",\"messages\":");
        record.push_str(messages);
        record.push('}');
    }
    record
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

pub(super) fn position(row: &AnyRow, allocation: Option<String>) -> Result<Position, StoreError> {
    let id: String = row.try_get(2)?;
    let interaction = InteractionId::parse(id)
        .map_err(|e| StoreError::Corrupt(format!("interaction id: {e}")))?;
    Ok(Position {
        millis: row.try_get(1)?,
        interaction,
        allocation,
    })
}
