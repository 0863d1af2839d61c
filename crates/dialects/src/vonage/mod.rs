//! Vonage Contact Center (NewVoiceMedia) "latest interactions" of an agent: version 1 is the
//! documented `{start, guid, hasEnded}`; version 2 the documented "plans for versions > 1"
//! (`type, start, guid, duration, direction, channelGuid`). Errors are `{"message": ...}`,
//! with the fixed messages an ASP.NET Web API answers.
//!
//! Interlog's choices where the vendor is silent: media map voice -> Phone, email -> Email,
//! every other channel -> Chat; `hasEnded` and `duration` are about the agent's own
//! connection (a transferred-away agent's call has ended for them).

pub mod error;
pub mod render;
