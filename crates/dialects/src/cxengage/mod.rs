//! CxEngage (Serenova) reporting API for interactions: the single-interaction document, the
//! list/search envelope `{page, limit, offset, tenantId, total, results}` over those
//! documents, and a contact's history (a lighter item per interaction).
//!
//! Interlog's choices where the vendor is silent: errors are `{"code": <status>, "error":
//! <reason>, "message": <what is wrong>}`; top-level fields that are null or empty are left
//! out, as CxEngage does by default (`green=false` keeps them, as the vendor's example
//! shows); the importer reads the document `render` writes, and leaves statistics to the
//! projection.

pub mod error;
pub mod import;
pub mod render;
pub mod session;
