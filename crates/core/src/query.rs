//! Query types shared by the native API, the dialects and the store, and the opaque
//! cursors of keyset paging.
//!
//! A cursor is the position of the last item of a page (its sort key) plus the order it was
//! issued for, as base64url JSON. Paging by position rather than by offset is what makes
//! pages stable while new interactions arrive: an item is never seen twice or skipped
//! because rows were inserted before it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, CustomerId, InteractionId};
use crate::record::{AgentAllocation, ChannelType, Direction, Interaction, Status};
use crate::time::Timestamp;

/// Default and maximum page sizes of the native lists.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    Asc,
    #[default]
    Desc,
}

/// A list of interactions by start time, with optional filters (all ANDed).
#[derive(Clone, Debug, PartialEq)]
pub struct InteractionQuery {
    /// Started at or after.
    pub from: Option<Timestamp>,
    /// Started before.
    pub to: Option<Timestamp>,
    pub customer: Option<CustomerId>,
    pub agent: Option<AgentId>,
    pub queue: Option<String>,
    pub channel: Option<ChannelType>,
    pub direction: Option<Direction>,
    pub status: Option<Status>,
    pub flagged: Option<bool>,
    /// Full-text search over transcript messages, notes and subject: every word must occur.
    pub text: Option<String>,
    /// The contact (CRM contact) the interaction belongs to.
    pub contact: Option<String>,
    /// CRM hooks the interaction must carry (all of them).
    pub hooks: Vec<HookFilter>,
    pub order: Order,
    pub limit: u32,
    pub after: Option<Position>,
    /// Rows to skip: only for vendor dialects whose contract is page-numbered (CxEngage).
    /// The native API pages by keyset and never sets it.
    pub offset: u64,
}

/// A condition on an interaction's CRM hooks; unset parts match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HookFilter {
    pub hook_type: Option<String>,
    pub hook_sub_type: Option<String>,
    pub hook_id: Option<String>,
    pub hook_name: Option<String>,
}

impl Default for InteractionQuery {
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            customer: None,
            agent: None,
            queue: None,
            channel: None,
            direction: None,
            status: None,
            flagged: None,
            text: None,
            contact: None,
            hooks: Vec::new(),
            order: Order::Desc,
            limit: DEFAULT_LIMIT,
            after: None,
            offset: 0,
        }
    }
}

/// An agent's allocations, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentQuery {
    pub agent: AgentId,
    /// Only allocations the agent is still connected to.
    pub active_only: bool,
    /// Only interactions of these channels (all when empty).
    pub channels: Vec<ChannelType>,
    pub limit: u32,
    pub after: Option<Position>,
}

/// A sort key: the time and the interaction, plus the allocation for agent lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    #[serde(rename = "t")]
    pub millis: i64,
    #[serde(rename = "i")]
    pub interaction: InteractionId,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<String>,
}

/// One allocation of an agent, with its interaction's record.
#[derive(Clone, Debug, PartialEq)]
pub struct AgentInteraction {
    pub interaction_agent_id: String,
    pub record: Interaction,
}

impl AgentInteraction {
    /// The allocation this item is about.
    pub fn allocation(&self) -> Option<&AgentAllocation> {
        self.record
            .agents
            .iter()
            .find(|a| a.interaction_agent_id == self.interaction_agent_id)
    }
}

/// One page and the cursor of the next (`None` on the last page).
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<Position>,
}

#[derive(Serialize, Deserialize)]
struct CursorWire {
    #[serde(rename = "o")]
    order: Order,
    #[serde(flatten)]
    position: Position,
}

/// Why a cursor was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("is not a cursor issued by this API")]
    Malformed,
    #[error("was issued for order={0:?}; keep the order while paging")]
    OrderChanged(Order),
}

/// Encodes a position for the given order as an opaque cursor.
pub fn encode_cursor(order: Order, position: &Position) -> String {
    let wire = CursorWire {
        order,
        position: position.clone(),
    };
    // Serializing plain strings and integers cannot fail.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
}

/// Decodes a cursor, checking that it belongs to a listing in `order`.
pub fn decode_cursor(order: Order, cursor: &str) -> Result<Position, CursorError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| CursorError::Malformed)?;
    let wire: CursorWire = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
    if wire.order != order {
        return Err(CursorError::OrderChanged(wire.order));
    }
    Ok(wire.position)
}

/// Which caller key a lookup uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallerKeyKind {
    Dtmf,
    CallReturnNumber,
    ClickToCallCallerId,
    AllocatedPhone,
    HistorySearchId,
}

impl CallerKeyKind {
    pub const ALL: [CallerKeyKind; 5] = [
        CallerKeyKind::Dtmf,
        CallerKeyKind::CallReturnNumber,
        CallerKeyKind::ClickToCallCallerId,
        CallerKeyKind::AllocatedPhone,
        CallerKeyKind::HistorySearchId,
    ];

    /// The name stored in the index and used in the record (`callerKeys`).
    pub fn as_str(self) -> &'static str {
        match self {
            CallerKeyKind::Dtmf => "dtmf",
            CallerKeyKind::CallReturnNumber => "callReturnNumber",
            CallerKeyKind::ClickToCallCallerId => "clickToCallCallerId",
            CallerKeyKind::AllocatedPhone => "allocatedPhone",
            CallerKeyKind::HistorySearchId => "historySearchId",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_tampering_or_a_changed_order() {
        let position = Position {
            millis: 1_700_000_000_123,
            interaction: InteractionId::parse("a:b-c").unwrap(),
            allocation: None,
        };
        let cursor = encode_cursor(Order::Desc, &position);
        assert!(cursor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode_cursor(Order::Desc, &cursor), Ok(position));
        assert_eq!(
            decode_cursor(Order::Asc, &cursor),
            Err(CursorError::OrderChanged(Order::Desc))
        );
        assert_eq!(
            decode_cursor(Order::Desc, "garbage!"),
            Err(CursorError::Malformed)
        );
        assert_eq!(
            decode_cursor(Order::Desc, &URL_SAFE_NO_PAD.encode("{}")),
            Err(CursorError::Malformed)
        );
    }
}
