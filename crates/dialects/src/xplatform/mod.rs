//! X-Platform (Jacada Interact / Uniphore) interaction history: a visual-IVR session's full
//! flow (every page in the X-Platform page model), its summary (only what the customer chose
//! or entered) and its variable sets.
//!
//! Errors: authentication failures are 401 with an `Unauthenticated-Reason` header and the
//! documented JSON body; every other error is plain text, as documented. (The photo bytes and
//! the DNIS pool are not vendor JSON: they are the server's.)

pub mod error;
pub mod render;
