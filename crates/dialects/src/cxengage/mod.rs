//! CxEngage (Serenova) reporting API for interactions: the single-interaction document, the
//! list/search envelope `{page, limit, offset, tenantId, total, results}` over those
//! documents, a contact's history (a lighter item per interaction), and WFM intervals
//! (`wfm.rs`).
//!
//! Interlog's choices where the vendor is silent: errors are `{"code": <status>, "error":
//! <reason>, "message": <what is wrong>}`; top-level fields that are null or empty are left
//! out, as CxEngage does by default (`green=false` keeps them, as the vendor's example
//! shows); the importer reads the document `render` writes, and leaves statistics to the
//! projection.
//!
//! The data dictionary's statistics have no published definitions (UNCONFIRMED); Interlog's,
//! all computed by the projection (`interlog_core::record::Statistics`) and only rendered
//! here:
//! - `ivrAbandoned`: the customer disconnected before any queue entry or agent allocation;
//!   rendered `true` or left out (never `false`, so the seed's sample is unchanged and
//!   clients' "absent or false" test holds); `ivrAbandonTime` = disconnect − start then.
//! - `customerHoldAbandoned`: a hold was still open at the customer's disconnect; rendered
//!   whenever there were holds, as `customerHoldTime` is.
//! - `customerConversationTime`: the union of the agent allocations, each cut off at the
//!   customer's disconnect (holds included, overlapping agents once); with agents only.
//!   `customerTalkTime` stays the sum over allocations of handle − hold.
//! - `thirdPartyTime`: the add-participant segments not cancelled, start to end.
//! - `updated`: the latest event applied after the end; absent when nothing changed then.
//! - `flagType`, `flagTimestamp`: the first data-quality flag's code and event time.
//! - `interactionAttributes`: the record's attached data, an object.
//! - `monitors` is not rendered: no event records monitoring.

pub mod artifacts;
pub mod error;
pub mod import;
pub mod render;
pub mod session;
pub mod wfm;
