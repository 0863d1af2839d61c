//! # interlog-core
//!
//! The heart of Interlog, with no IO, no async and no HTTP: everything here is a pure
//! function of its inputs, so it is tested by plain unit tests and shared by every backend
//! and every API dialect.
//!
//! # Layout
//! - [`ids`]: validated identifier newtypes (`TenantId`, `InteractionId`, `EventId`, ...).
//! - [`time`]: millisecond timestamps and durations, rendered the way the vendors do.
//! - [`event`]: the event vocabulary and [`event::parse_event`], the one place raw JSON
//!   becomes an [`event::Event`] (with messages that name the offending field).
//! - [`record`]: the canonical interaction record served by the native API.
//! - [`projection`]: `project(events) -> Interaction`, the only producer of records and
//!   statistics.
//! - [`query`]: list queries, pages and opaque keyset cursors.
//! - [`report`]: interval reports: what each record contributes to the rollups, a report's
//!   intervals on a zone's wall clock, the metrics and their definitions.
//! - [`csv`], [`export`]: CSV as spreadsheets read it, and an interaction as one row.
//! - [`redact`]: redaction of sensitive data in events at ingest (detectors and tokens).
//! - [`settings`]: a tenant's settings (time zone, SLA threshold, short abandons), their
//!   defaults and validation.
//! - [`webhooks`]: webhooks out: the events, a subscription's filter, a delivery's body.
//!
//! The synthetic workload that `interlog generate`, the load harness and the benchmarks use
//! lives in its own crate, `interlog-workload`.

pub mod csv;
pub mod event;
pub mod export;
pub mod ids;
pub mod projection;
pub mod query;
pub mod record;
pub mod redact;
pub mod report;
pub mod settings;
pub mod time;
pub mod webhooks;

pub use event::{
    parse_event, parse_new_event, refuse_nul, Event, EventBody, EventError, NUL_REFUSED,
};
pub use ids::{AgentId, ContentId, CustomerId, EventId, IdError, InteractionId, TenantId};
pub use projection::{project, Projection};
pub use record::Interaction;
pub use time::{Seconds, Timestamp};
