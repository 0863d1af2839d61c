//! Genesys Context Services / UCS "Query Interactions": the Interaction Resource (identity,
//! status, entity and media type, user data, and links to its content).
//!
//! Interlog's choices where the vendor is silent: `status` is derived from the record (new,
//! pending in a queue, in process with an agent, stopped); the content links are absolute
//! URLs with underscores (the seed's `plain text` and `binary content` spellings are
//! typesetting slips). Fields with no canonical home (`sub_type`, `owner_id`,
//! `creator_app_id`, `timeshift`, `allow_children`, ...) are kept in the record's
//! `extensions` as `genesys.<field>` by the importer and rendered back from there. Errors
//! are `{"message", "exception"}` as the 8.5 documentation shows.
//!
//! A service (`/services/{service_id}/interactions`) has no record of its own in Interlog: it
//! is the interactions linked to it by a CRM hook of type [`SERVICE_HOOK_TYPE`] whose
//! `hookId` is the service id (a `hook-linked` event). Hooks are indexed by type and id, so
//! the query stays on an index; `threadId` and attached data are not filterable.

pub mod error;
pub mod import;
pub mod render;

/// The `hookType` of the hook that links an interaction to a Context Services service; its
/// `hookId` is the service id.
pub const SERVICE_HOOK_TYPE: &str = "genesys-service";

/// The prefix of the `extensions` keys that hold resource fields verbatim.
const KEPT_PREFIX: &str = "genesys.";
/// Resource fields kept verbatim in `extensions` on import.
const KEPT: [&str; 13] = [
    "entity_type",
    "type",
    "sub_type",
    "media_type",
    "owner_id",
    "creator_app_id",
    "timeshift",
    "allow_children",
    "established_date",
    "released_date",
    "structured_text_mime",
    "duration",
    "sent_date",
];
const KEPT_EMAIL: [&str; 2] = ["cc", "reply_to"];
