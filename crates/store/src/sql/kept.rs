//! Projections kept in memory between appends, so that an event that arrives after every
//! event of its interaction is folded onto the kept projection instead of re-reading and
//! re-folding the whole log (a conversation of thousands of messages would otherwise cost
//! more with every message).
//!
//! A kept projection is used only when its length equals the `log_len` of the stored
//! record, read under the interaction's write lock: an append by another server, or by
//! another process on the same SQLite file, makes them differ, and the log is read again.
//! An append takes the projection out; it is put back only once its transaction commits.
//! Deleting an interaction's events needs no eviction: an interaction without a record is
//! folded from its new events, and the projection put after that commit replaces the old.
//! A kept projection that an append's events cannot be folded onto (one sorts before an
//! event already applied) still says what was written from it: the log is folded again,
//! and only what differs from it is written again ([`refolded`]). Without one, the log
//! before the append, folded again, says the same (`write.rs`'s `Stored`).

use std::collections::HashMap;

use interlog_core::{InteractionId, Projection, TenantId};

use super::search;
use super::transcript::Rewrite;
use super::write::Touched;

/// Projections kept at most; when more are put, the least recently used quarter goes.
/// Enough for the interactions in flight at a large contact center (a live one is put
/// again at each of its events, so it is never the least recently used): a kept
/// projection is about 12 KB, and 4,096 of them were 50 MiB of the server's memory.
const CAPACITY: usize = 1_024;

type Key = (TenantId, InteractionId);

/// Digests of what a record writes besides itself and its transcript, each compared on its
/// own: a lifecycle event changes the index rows (status, queues, agents) but seldom the
/// search head, whose rewrite costs FTS5 a secure delete.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Digests {
    /// Of the index rows.
    pub index: u64,
    /// Of the search head (subject and notes).
    pub head: u64,
}

/// A kept projection, the digests of what was last written for it, and when it was last
/// put.
type Entry = (Projection, Digests, u64);

#[derive(Default)]
pub(super) struct Kept {
    projections: HashMap<Key, Entry>,
    /// Increases with every put: what "recently used" compares.
    tick: u64,
}

impl Kept {
    /// Takes out the projection of `id` (with the digests of what was last written for
    /// it) if it holds exactly `log_len` events.
    pub(super) fn take(
        &mut self,
        tenant: &TenantId,
        id: &InteractionId,
        log_len: usize,
    ) -> Option<(Projection, Digests)> {
        let (projection, digest, _) = self.projections.remove(&(tenant.clone(), id.clone()))?;
        (projection.len() == log_len).then_some((projection, digest))
    }

    /// Drops the projection of `id`, if kept.
    pub(super) fn forget(&mut self, tenant: &TenantId, id: &InteractionId) {
        self.projections.remove(&(tenant.clone(), id.clone()));
    }

    /// Keeps committed projections, each with the digests of what was written for it.
    pub(super) fn put(&mut self, committed: Vec<(Key, Projection, Digests)>) {
        for (key, projection, digest) in committed {
            self.tick += 1;
            self.projections
                .insert(key, (projection, digest, self.tick));
        }
        if self.projections.len() > CAPACITY {
            let mut ticks: Vec<u64> = self.projections.values().map(|(.., t)| *t).collect();
            let quarter = ticks.len() - CAPACITY * 3 / 4;
            let (_, &mut oldest_kept, _) = ticks.select_nth_unstable(quarter);
            self.projections.retain(|_, (.., t)| *t >= oldest_kept);
        }
    }
}

/// A projection folded again from its log. Where the projection the stored rows were
/// written from is known (kept, or folded again from the log before the append), what
/// stands is kept: the transcript rows before the first message the new fold places
/// otherwise, the search parts of messages unchanged, and whatever the digests (kept
/// projections only) say is unchanged. Otherwise everything is written again.
pub(super) fn refolded(
    id: &InteractionId,
    mut projection: Projection,
    stored: Option<(Projection, Option<Digests>)>,
) -> Touched {
    let Some((stored, digest)) =
        stored.filter(|(stored, _)| stored.messages().len() <= projection.messages().len())
    else {
        return Touched::new(id, projection, Rewrite::Whole);
    };
    let (now, before) = (projection.messages(), stored.messages());
    let from = before.iter().zip(now).take_while(|(a, b)| a == b).count();
    let searched = (before[from..].iter())
        .map(|m| search::Part::of(&stored, m))
        .collect();
    let before = before.len();
    projection.take_transcript_changes();
    let mut touched = Touched::new(id, projection, Rewrite::From { from, before });
    touched.previous = digest;
    touched.searched = Some(searched);
    touched
}

/// Counts a touched interaction's projection by how it was made: `new` (folded from its
/// first events), `kept` (its events folded onto the kept projection) or `log` (folded from
/// its whole log: an event out of order, or a projection not kept).
pub(super) fn folded(fold: &'static str) {
    metrics::counter!("interlog_store_projections_total", "fold" => fold).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> Key {
        (
            TenantId::parse("acme").unwrap(),
            InteractionId::parse(format!("i-{n}")).unwrap(),
        )
    }

    #[test]
    fn a_projection_is_taken_only_at_its_length_and_the_oldest_go_first() {
        let mut kept = Kept::default();
        let (tenant, id) = key(0);
        let empty = Projection::fold(&tenant, &id, &[]);
        let digests = Digests { index: 7, head: 8 };
        kept.put(vec![(key(0), empty.clone(), digests)]);
        assert!(kept.take(&tenant, &id, 1).is_none(), "another length");
        assert!(
            kept.take(&tenant, &id, 0).is_none(),
            "taken out by the miss"
        );
        kept.put(
            (0..=CAPACITY)
                .map(|n| (key(n), empty.clone(), digests))
                .collect(),
        );
        assert!(kept.projections.len() <= CAPACITY);
        assert!(kept.take(&tenant, &id, 0).is_none(), "the oldest went");
        let (tenant, newest) = key(CAPACITY);
        assert_eq!(
            kept.take(&tenant, &newest, 0).map(|(_, d)| d),
            Some(digests)
        );
    }
}
