//! Talkdesk Conversations API, "Retrieve all Interactions": pages of interactions
//! (`_embedded.interactions[]`), each with its transcript messages, ring groups and agents.
//!
//! Interlog's choices where the vendor is silent: a message's `channel` and `source_system`,
//! when the source did not name them, come from the interaction's channel; ring groups are
//! the queues the interaction went through unless imported ones were kept; error `code`s are
//! `invalid_parameters`, `unauthorized`, `forbidden`, `too_many_requests`, `internal_error`.

pub mod error;
pub mod import;
pub mod render;

/// Where ring groups are kept on records imported from Talkdesk (attached data).
const RING_GROUPS: &str = "ringGroups";
