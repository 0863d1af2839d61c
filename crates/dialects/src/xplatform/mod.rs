//! X-Platform (Jacada Interact / Uniphore) interaction history: a visual-IVR session's full
//! flow (every page in the X-Platform page model), its summary (only what the customer chose
//! or entered) and its variable sets.
//!
//! Errors: authentication failures are 401 with an `Unauthenticated-Reason` header and the
//! documented JSON body; every other error is plain text, as documented. (The photo bytes and
//! the DNIS pool are not vendor JSON: they are the server's.)
//!
//! Caller-attribute addressing (`.../{attr}/fullFlow/byCallerAttribute?widerSearch=...`):
//! see [`searched_kinds`].

pub mod error;
pub mod render;

use interlog_core::query::CallerKeyKind;

/// The caller keys a `byCallerAttribute` route matches its attribute against.
///
/// `widerSearch=false` (the default) matches the history search id only: it is the key
/// X-Platform defines for finding a session's history (the latest value wins), and the
/// vendor's clients name the attribute `{historySearchId}` in these routes (reference §7.5;
/// the vendor's own page on the variants is truncated, so this is Interlog's reading).
/// `widerSearch=true` matches every kind: DTMF code, call-return number, click-to-call
/// caller id, allocated DNIS phone (the server also resolves a DNID to its number) and
/// history search id; the latest interaction
/// (by start) among the matches wins.
pub fn searched_kinds(wider_search: bool) -> &'static [CallerKeyKind] {
    if wider_search {
        &CallerKeyKind::ALL
    } else {
        &[CallerKeyKind::HistorySearchId]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wider_search_covers_every_kind_and_the_narrow_one_the_history_search_id() {
        assert_eq!(searched_kinds(false), [CallerKeyKind::HistorySearchId]);
        assert_eq!(searched_kinds(true).len(), CallerKeyKind::ALL.len());
        assert!(searched_kinds(true).contains(&CallerKeyKind::AllocatedPhone));
    }
}
