//! What the store applies to the rollups when records' contributions replace the ones stored
//! beside them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::cells::{read_counts, store_counts, Cell, Contribution, StoredCell, StoredCounts};
use super::measures::{Counts, Measure};

/// The rollup changes of one write, gathered record by record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    /// Per quarter-hour cell, the sums to add (the new contributions' minus the old ones') and,
    /// in `LongestAnswerMs`, the longest answered wait that entered the cell.
    pub deltas: BTreeMap<Cell, Counts>,
    /// The answered waits the store keeps per cell and interaction (`None`: forget it): what
    /// a cell's longest is recomputed from. In order: of two for one cell and interaction
    /// (changes absorbed one after another), the later stands ([`Change::latest_answers`]).
    pub answers: Vec<(Cell, String, Option<i64>)>,
    /// Cells whose longest answered wait may have shrunk (an answer left, or its wait fell):
    /// recomputed from the answers kept, after the deltas.
    pub stale: BTreeSet<Cell>,
}

/// A change as stored while it waits to be folded into the rollups: its deltas as a
/// contribution's cells, its answers and its stale cells with cells in their stored form.
#[derive(Serialize, Deserialize)]
struct Stored {
    deltas: StoredCounts,
    answers: Vec<(StoredCell, String, Option<i64>)>,
    stale: Vec<StoredCell>,
}

impl Change {
    /// Whether applying it would change nothing.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
            && self.stale.is_empty()
            && self.deltas.values().all(Counts::is_zero)
    }

    /// Follows this change with `later`: applying the result is applying both in turn.
    /// Sums add and entering waits keep the longest; answers follow in order (the later of
    /// two for one cell and interaction stands); a cell stale in either is stale.
    pub fn absorb(&mut self, later: Change) {
        for (cell, counts) in later.deltas {
            match self.deltas.get_mut(&cell) {
                Some(sum) => *sum += &counts,
                None => {
                    self.deltas.insert(cell, counts);
                }
            }
        }
        self.answers.extend(later.answers);
        self.stale.extend(later.stale);
    }

    /// Adds `sign` times the sums of `counts` to a cell's delta (a cell is copied only
    /// when new: records of one write share cells).
    fn add_to(&mut self, cell: &Cell, counts: &Counts, sign: i64) {
        match self.deltas.get_mut(cell) {
            Some(delta) => delta.add_sums(counts, sign),
            None => {
                let mut delta = Counts::default();
                delta.add_sums(counts, sign);
                self.deltas.insert(cell.clone(), delta);
            }
        }
    }

    /// The answers to keep or forget, the later of two for one cell and interaction only,
    /// in order.
    pub fn latest_answers(&self) -> impl Iterator<Item = &(Cell, String, Option<i64>)> {
        let mut last = HashMap::with_capacity(self.answers.len());
        for (n, (cell, interaction, _)) in self.answers.iter().enumerate() {
            last.insert((cell, interaction.as_str()), n);
        }
        (self.answers.iter().enumerate())
            .filter(move |(n, (cell, interaction, _))| last[&(cell, interaction.as_str())] == *n)
            .map(|(_, answer)| answer)
    }

    /// The compact text kept while the change waits to be folded ([`Change::decode`]).
    pub fn encode(&self) -> String {
        let stored = Stored {
            deltas: store_counts(&self.deltas),
            answers: (self.answers.iter())
                .map(|(cell, interaction, wait)| (cell.stored(), interaction.clone(), *wait))
                .collect(),
            stale: self.stale.iter().map(Cell::stored).collect(),
        };
        serde_json::to_string(&stored).expect("a change serializes")
    }

    /// Reads back [`Change::encode`]'s text.
    pub fn decode(text: &str) -> Result<Self, String> {
        let stored: Stored = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Change {
            deltas: read_counts(stored.deltas)?,
            answers: (stored.answers.into_iter())
                .map(|(cell, interaction, wait)| (Cell::from_stored(cell), interaction, wait))
                .collect(),
            stale: stored.stale.into_iter().map(Cell::from_stored).collect(),
        })
    }

    /// Puts `interaction`'s contribution `after` in place of `before` (none for a record not
    /// stored yet).
    pub fn replace(
        &mut self,
        interaction: &str,
        before: Option<&Contribution>,
        after: &Contribution,
    ) {
        if before == Some(after) {
            return;
        }
        // Both are in cell order: walked side by side, a cell whose counts stayed the same
        // adds nothing (a new event changes few of a record's cells).
        let mut new = after.cells().peekable();
        let mut old = before.into_iter().flat_map(Contribution::cells).peekable();
        loop {
            let order = match (new.peek(), old.peek()) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some((n, _)), Some((o, _))) => n.cmp(o),
            };
            let added = if order.is_le() { new.next() } else { None };
            let removed = if order.is_ge() { old.next() } else { None };
            if added.map(|(_, counts)| counts) == removed.map(|(_, counts)| counts) {
                continue;
            }
            if let Some((cell, counts)) = added {
                self.add_to(cell, counts, 1);
            }
            if let Some((cell, counts)) = removed {
                self.add_to(cell, counts, -1);
            }
        }
        let old: BTreeMap<&Cell, i64> = before
            .map(|b| b.longest_answers().collect())
            .unwrap_or_default();
        let new: BTreeMap<&Cell, i64> = after.longest_answers().collect();
        for (cell, wait) in &new {
            if old.get(cell) != Some(wait) {
                let delta = self.deltas.entry((*cell).clone()).or_default();
                delta.add(Measure::LongestAnswerMs, *wait);
                let answer = ((*cell).clone(), interaction.to_string(), Some(*wait));
                self.answers.push(answer);
            }
        }
        for (cell, wait) in old {
            let now = new.get(cell).copied();
            if now.is_none() {
                self.answers
                    .push((cell.clone(), interaction.to_string(), None));
            }
            if now.is_none_or(|now| now < wait) {
                self.stale.insert(cell.clone());
            }
        }
    }
}
