//! The timeline of an interaction: segments, queue entries, agent allocations and holds,
//! with the per-item statistics the projection derives.

use serde::{Deserialize, Serialize};

use crate::ids::AgentId;
use crate::time::{Seconds, Timestamp};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentStartType {
    Interaction,
    Transfer,
    AddParticipant,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentEndType {
    InteractionEnd,
    CustomerDisconnect,
    Cancelled,
    Success,
}

/// A stretch of the interaction: segment 0 starts with it, each transfer or add-participant
/// starts the next.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Segment {
    pub segment_number: u32,
    pub interaction_segment_id: String,
    pub segment_start_type: SegmentStartType,
    pub start_timestamp: Timestamp,
    #[serde(default)]
    pub end_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_end_type: Option<SegmentEndType>,
    #[serde(default)]
    pub segment_cancelled: bool,
    /// The agent who started the transfer or add-participant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_agent_id: Option<AgentId>,
    /// The agent the work was offered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_to_agent_id: Option<AgentId>,
    /// The queue the work was offered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_to_queue_id: Option<String>,
    /// Segment end − interaction start, once the segment has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_time: Option<Seconds>,
    /// Same as `segmentTime`, when the segment was cancelled or abandoned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_cancel_time: Option<Seconds>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueType {
    Queue,
    Resource,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueEntryType {
    Ivr,
    Transfer,
    AddParticipant,
    Callback,
    Timeout,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueExitType {
    Success,
    Abandon,
    Timeout,
    Callback,
    AddParticipantCancel,
    InteractionEnd,
}

/// An identifier a platform gives as a number or as a string, kept as given.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PlatformRef {
    Number(i64),
    Text(String),
}

/// One stay in a queue, from entry until an agent accepts or the customer leaves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub interaction_queue_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_segment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_queue_id: Option<PlatformRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_type: Option<QueueType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_entry_type: Option<QueueEntryType>,
    /// Interactions waiting at entry, this one included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_entry_length: Option<u32>,
    /// The service-level threshold this entry is measured against.
    pub sla_threshold: Seconds,
    pub start_timestamp: Timestamp,
    #[serde(default)]
    pub end_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_exit_type: Option<QueueExitType>,
    /// The agent who accepted the interaction from the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_time: Option<Seconds>,
    #[serde(default)]
    pub queue_abandoned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_abandon_time: Option<Seconds>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_time: Option<Seconds>,
    #[serde(default)]
    pub sla_abandoned: bool,
}

/// One allocation of an agent to the interaction, until deallocation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentAllocation {
    pub interaction_agent_id: String,
    pub agent_id: AgentId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_segment_id: Option<String>,
    pub start_timestamp: Timestamp,
    #[serde(default)]
    pub end_timestamp: Option<Timestamp>,
    /// Holds started while this agent was allocated.
    #[serde(default)]
    pub holds: u32,
    #[serde(default)]
    pub hold_time: Seconds,
    /// Allocated minus held; absent while the agent is connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk_time: Option<Seconds>,
    /// Allocation to deallocation; absent while the agent is connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_time: Option<Seconds>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hold {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<AgentId>,
    pub start_timestamp: Timestamp,
    #[serde(default)]
    pub end_timestamp: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_time: Option<Seconds>,
}
