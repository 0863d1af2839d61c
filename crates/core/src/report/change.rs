//! What the store applies to the rollups when records' contributions replace the ones stored
//! beside them.

use std::collections::{BTreeMap, BTreeSet};

use super::cells::{Cell, Contribution};
use super::measures::{Counts, Measure};

/// The rollup changes of one write, gathered record by record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Change {
    /// Per quarter-hour cell, the sums to add (the new contributions' minus the old ones') and,
    /// in `LongestAnswerMs`, the longest answered wait that entered the cell.
    pub deltas: BTreeMap<Cell, Counts>,
    /// The answered waits the store keeps per cell and interaction (`None`: forget it): what
    /// a cell's longest is recomputed from.
    pub answers: Vec<(Cell, String, Option<i64>)>,
    /// Cells whose longest answered wait may have shrunk (an answer left, or its wait fell):
    /// recomputed from the answers kept, after the deltas.
    pub stale: BTreeSet<Cell>,
}

impl Change {
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
        for (sign, contribution) in [(1, Some(after)), (-1, before)] {
            for (cell, counts) in contribution.into_iter().flat_map(Contribution::cells) {
                // Records of one write share cells: a cell is copied only when new.
                match self.deltas.get_mut(cell) {
                    Some(delta) => delta.add_sums(counts, sign),
                    None => {
                        let mut delta = Counts::default();
                        delta.add_sums(counts, sign);
                        self.deltas.insert(cell.clone(), delta);
                    }
                }
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
