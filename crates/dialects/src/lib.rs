//! # interlog-dialects
//!
//! Five contact-center vendors' APIs, as pure functions over Interlog's canonical record:
//! what a vendor's client expects to read (`render`), what a vendor's export holds
//! (`import`), and how the vendor answers errors (`error`). Nothing here does IO, knows
//! HTTP or computes a statistic (that is `interlog_core::project`); the routes, the
//! credentials and the store queries of each dialect are `interlog-server`'s.
//!
//! # Layout
//! One folder per vendor, each with the same shape, so that a new vendor copies one:
//! - `mod.rs`: what the vendor's API is, and Interlog's choices where the vendor is silent;
//! - `render.rs`: canonical record -> vendor JSON;
//! - `import.rs` (where Interlog imports the vendor's exports): vendor JSON -> canonical
//!   record, refusing with an [`ImportError`] that names the field;
//! - `error.rs`: the vendor's error body as a [`VendorError`], and `from_native`, which
//!   maps a native error (status, message, field at fault) into it.
//!
//! The vendors: [`cxengage`], [`talkdesk`], [`genesys`] (UCS), [`vonage`], [`xplatform`].
//! Sources Interlog imports from without serving their API: [`amazon_connect`] (contact
//! records), [`asterisk`] (the queue log, CEL), [`genesys_cloud`] (conversation details),
//! [`twilio`] (TaskRouter's event callbacks). `timeline` tells a flat vendor record as canonical events, so the one
//! projection derives its statistics.
//! [`error`] holds what they share: [`VendorError`], [`ErrorBody`], [`ImportError`].

pub mod error;
mod fields;
pub mod time;
mod timeline;

pub mod amazon_connect;
pub mod asterisk;
pub mod cxengage;
pub mod genesys;
pub mod genesys_cloud;
pub mod talkdesk;
pub mod twilio;
pub mod vonage;
pub mod xplatform;

pub use error::{ErrorBody, ImportError, VendorError};
