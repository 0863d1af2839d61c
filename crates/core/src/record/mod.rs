//! The canonical interaction record: what the native API serves and what every dialect
//! renders from. Field names are camelCase on the wire and are a public contract.
//!
//! Only [`crate::projection`] builds records (from events); readers never compute statistics
//! themselves.
//!
//! # Layout
//! - this file: the interaction itself, its identity, parties and statistics;
//! - `timeline.rs`: who was where when (segments, queue entries, agent allocations, holds);
//! - `content.rs`: what was said and kept (messages, notes, hooks, content, flow steps).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{CustomerId, InteractionId, TenantId};
use crate::query::CallerKeyKind;
use crate::time::{Seconds, Timestamp};

mod content;
mod timeline;

pub use content::*;
pub use timeline::*;

/// Arbitrary JSON values keyed by name (attached data, variables).
pub type Attributes = BTreeMap<String, Value>;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelType {
    Voice,
    Chat,
    Email,
    Sms,
    Messaging,
    Social,
    Video,
    WorkItem,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Inbound,
    Outbound,
    Internal,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Active,
    Ended,
}

impl ChannelType {
    /// The wire name: `voice`, `chat`, `work-item`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelType::Voice => "voice",
            ChannelType::Chat => "chat",
            ChannelType::Email => "email",
            ChannelType::Sms => "sms",
            ChannelType::Messaging => "messaging",
            ChannelType::Social => "social",
            ChannelType::Video => "video",
            ChannelType::WorkItem => "work-item",
        }
    }
}

impl Direction {
    /// The wire name: `inbound`, `outbound`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
        }
    }

    /// The capitalised name vendors use: `Inbound`, `Outbound`, `Internal`.
    pub fn title(self) -> &'static str {
        match self {
            Direction::Inbound => "Inbound",
            Direction::Outbound => "Outbound",
            Direction::Internal => "Internal",
        }
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Ended => "ended",
        }
    }
}

/// One interaction, with everything known about it and its derived statistics.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interaction {
    pub tenant_id: TenantId,
    pub interaction_id: InteractionId,
    /// Absent only while no `interaction-started` has arrived (see `flags`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    pub status: Status,
    pub start_timestamp: Timestamp,
    #[serde(default)]
    pub end_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    /// When the customer left, if they did before the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_disconnect_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Customer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_point: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<Named>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Named>,
    #[serde(default)]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub external_ids: BTreeMap<String, String>,
    /// Attached key/value data (Genesys "udata").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub attributes: Attributes,
    #[serde(default)]
    pub caller_keys: CallerKeys,
    #[serde(default)]
    pub segments: Vec<Segment>,
    #[serde(default)]
    pub queues: Vec<QueueEntry>,
    #[serde(default)]
    pub agents: Vec<AgentAllocation>,
    #[serde(default)]
    pub holds: Vec<Hold>,
    #[serde(default)]
    pub hooks: Vec<Hook>,
    /// The transcript; omitted when empty (and from list items unless `include=messages`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    #[serde(default)]
    pub recordings: Vec<Recording>,
    #[serde(default)]
    pub content: Content,
    #[serde(default)]
    pub flow_steps: Vec<FlowStep>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub variable_sets: BTreeMap<String, Attributes>,
    /// Vendor fields with no canonical home, kept as an importer found them, keyed
    /// `vendor.field` (e.g. `genesys.owner_id`), so that a dialect renders them back.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub extensions: Attributes,
    #[serde(default)]
    pub statistics: Statistics,
    /// Why data is missing or inconsistent; `flagged` is true when there is any.
    #[serde(default)]
    pub flags: Vec<Flag>,
    #[serde(default)]
    pub flagged: bool,
}

impl Interaction {
    /// An empty record, before any event is applied.
    pub fn new(tenant_id: TenantId, interaction_id: InteractionId, start: Timestamp) -> Self {
        Self {
            tenant_id,
            interaction_id,
            channel_type: None,
            direction: None,
            status: Status::Active,
            start_timestamp: start,
            end_timestamp: None,
            end_reason: None,
            customer_disconnect_timestamp: None,
            customer: None,
            contact_point: None,
            contact_id: None,
            flow: None,
            disposition: None,
            notes: Vec::new(),
            csat: None,
            subject: None,
            thread_id: None,
            parent_id: None,
            external_ids: BTreeMap::new(),
            attributes: Attributes::new(),
            caller_keys: CallerKeys::default(),
            segments: Vec::new(),
            queues: Vec::new(),
            agents: Vec::new(),
            holds: Vec::new(),
            hooks: Vec::new(),
            messages: Vec::new(),
            recordings: Vec::new(),
            content: Content::default(),
            flow_steps: Vec::new(),
            variable_sets: BTreeMap::new(),
            extensions: Attributes::new(),
            statistics: Statistics::default(),
            flags: Vec::new(),
            flagged: false,
        }
    }

    /// The text full-text search covers besides the transcript (whose messages are
    /// searched each as a part of its own): the subject and the notes.
    pub fn search_head(&self) -> String {
        let subject = self.subject.iter().map(String::as_str);
        let notes = self.notes.iter().map(|n| n.text.as_str());
        subject.chain(notes).collect::<Vec<_>>().join("\n")
    }

    /// The customer key the history index uses: the customer's id, else their address
    /// (unless redacted: every redacted address reads the same, and is no one's key).
    pub fn customer_key(&self) -> Option<&str> {
        let customer = self.customer.as_ref()?;
        let address = (customer.address.as_deref())
            .filter(|address| *address != crate::redact::ADDRESS_TOKEN);
        customer.id.as_ref().map(CustomerId::as_str).or(address)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Customer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CustomerId>,
    /// Phone number, e-mail address or other address the customer used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Something with an id and a human-readable name (a flow, a disposition).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Named {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Keys by which a caller arriving on another channel finds this interaction.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallerKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dtmf: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_return_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub click_to_call_caller_id: Option<String>,
    /// The phone number allocated to the interaction (X-Platform DNIS allocation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocated_phone: Option<String>,
    /// X-Platform's `historySearchId` (the latest value wins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_search_id: Option<String>,
}

impl CallerKeys {
    /// Overwrites the keys that `other` sets, leaving the rest.
    pub fn merge(&mut self, other: &CallerKeys) {
        for (mine, theirs) in [
            (&mut self.dtmf, &other.dtmf),
            (&mut self.call_return_number, &other.call_return_number),
            (
                &mut self.click_to_call_caller_id,
                &other.click_to_call_caller_id,
            ),
            (&mut self.allocated_phone, &other.allocated_phone),
            (&mut self.history_search_id, &other.history_search_id),
        ] {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
    }

    /// The key of one kind, if set.
    pub fn get(&self, kind: CallerKeyKind) -> Option<&str> {
        match kind {
            CallerKeyKind::Dtmf => self.dtmf.as_deref(),
            CallerKeyKind::CallReturnNumber => self.call_return_number.as_deref(),
            CallerKeyKind::ClickToCallCallerId => self.click_to_call_caller_id.as_deref(),
            CallerKeyKind::AllocatedPhone => self.allocated_phone.as_deref(),
            CallerKeyKind::HistorySearchId => self.history_search_id.as_deref(),
        }
    }

    /// (kind, value) pairs for the lookup index.
    pub fn entries(&self) -> impl Iterator<Item = (CallerKeyKind, &str)> {
        CallerKeyKind::ALL
            .into_iter()
            .filter_map(|kind| self.get(kind).map(|v| (kind, v)))
    }
}

/// Interaction-level statistics, all derived by the projection.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Statistics {
    /// End − start; null while active.
    pub interaction_time: Option<Seconds>,
    /// First queue entry (or agent allocation) − start.
    pub ivr_time: Option<Seconds>,
    /// Customer disconnect − start, when no agent was ever allocated.
    pub customer_abandon_time: Option<Seconds>,
    pub customer_holds: u32,
    pub hold_time: Seconds,
    pub talk_time: Seconds,
    pub handle_time: Seconds,
    pub queue_time: Seconds,
    pub queue_entries: u32,
    pub transfers: u32,
    pub agent_allocations: u32,
    /// The customer left before any queue entry or agent allocation (in the IVR).
    #[serde(default)]
    pub ivr_abandoned: bool,
    /// Customer disconnect − start, when `ivrAbandoned`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ivr_abandon_time: Option<Seconds>,
    /// The customer left while on hold (a hold was still open when they disconnected).
    #[serde(default)]
    pub customer_hold_abandoned: bool,
    /// Wall-clock time the customer spent with at least one agent: the union of the agent
    /// allocations (holds included, overlaps counted once), each cut off where the customer
    /// left; absent when no agent was allocated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_conversation_time: Option<Seconds>,
    /// Time a third party was on the interaction: each add-participant segment that was not
    /// cancelled, from its start to its end; absent when there was none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party_time: Option<Seconds>,
    /// The latest event applied after the interaction ended (wrap-up: notes, disposition,
    /// recordings, late deallocations); absent when nothing changed after the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
}

/// Something missing or inconsistent in the event stream.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When the event that raised the flag happened; absent for flags of the whole stream
    /// (`no-start`, `no-end`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
}
