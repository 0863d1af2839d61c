//! Full-text search in parts (migration 0010), so a new message of a long conversation
//! indexes its own text, not the whole conversation again: part 0 of an interaction is its
//! subject and notes, part n + 1 the message that arrived n-th (its id first said by the
//! n-th of the log's messages: [`Projection::arrival`]). A search keeps the interactions
//! that have every word in some part (one test per word), which is what one document per
//! interaction gave. Parts are keyed by arrival, not by place in the transcript, because
//! a late message moves every message after it: keyed by place, each of their parts was
//! deleted and written again, and on SQLite each delete is FTS5's secure delete (a seek
//! per word in every segment of the index), which cost more than the rest of an append.
//!
//! SQLite keeps the parts in an FTS5 table whose rowid is the `interactions` row's rowid
//! times 2^24 plus the part, so an interaction's parts are one rowid range; PostgreSQL in
//! `search_parts` rows with a tsvector each.

use std::collections::{BTreeSet, HashSet};

use interlog_core::record::Message;
use interlog_core::{InteractionId, Projection, TenantId};
use sqlx::Row;

use super::exec::Exec;
use super::records::digest_of;
use super::statement::{in_lists, text, values_statements, Param, Sql};
use super::transcript::Rewrite;
use super::write::{Touched, Tx};
use super::Backend;
use crate::StoreError;

mod plan;

pub use plan::SearchDrive;
pub(super) use plan::{SearchPlan, RARE_BELOW, WINDOW};
use plan::{Side, Window};

/// Parts per interaction in SQLite's rowids.
const PART_BITS: u32 = 24;
/// Messages with a part of their own on SQLite; later ones are not searchable.
const MESSAGE_PARTS: usize = (1 << PART_BITS) - 2;

/// One touched interaction's search text, and what changed.
pub(super) struct Parts<'a> {
    pub touched: &'a Touched,
    /// The rowid of its `interactions` row (SQLite).
    pub owner: i64,
    /// Subject and notes, part 0, when they are written (`None`: unchanged).
    pub head: Option<&'a str>,
}

/// A message's search part as written: the message's arrival (its part is the arrival
/// plus one, so a transcript reordered by a late event keeps its parts) and a digest of
/// its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Part {
    arrival: u32,
    text: u64,
}

impl Part {
    /// The part of `message`, a message of `projection`'s transcript.
    pub(super) fn of(projection: &Projection, message: &Message) -> Self {
        Self {
            arrival: projection.arrival(message),
            text: digest_of(&message.text),
        }
    }

    /// Its place among the interaction's parts (none past the last searchable message).
    fn number(self) -> Option<usize> {
        let number = self.arrival as usize + 1;
        (number <= MESSAGE_PARTS).then_some(number)
    }
}

impl<'a> Parts<'a> {
    fn rowid(&self, part: usize) -> i64 {
        (self.owner << PART_BITS) + part.min(MESSAGE_PARTS + 1) as i64
    }

    /// The message parts an append writes: the numbers of stored parts that go (replaced
    /// or no longer said), and the parts written with their text. Where the stored parts
    /// from the first message written on are known, a part that stands is left alone;
    /// otherwise those messages' parts are all written again.
    fn messages(&self) -> (Vec<usize>, Vec<(usize, &'a str)>) {
        let (touched, projection) = (self.touched, &self.touched.projection);
        let from = touched.rewrite.first_written();
        let written = &projection.messages()[from..];
        let mut now: Vec<(Part, &str)> = (written.iter())
            .map(|m| (Part::of(projection, m), m.text.as_str()))
            .collect();
        let gone: Vec<Part> = match (touched.rewrite, &touched.searched) {
            (Rewrite::From { .. }, Some(stood)) => {
                let stood: BTreeSet<Part> = stood.iter().copied().collect();
                let written: BTreeSet<Part> = now.iter().map(|(part, _)| *part).collect();
                now.retain(|(part, _)| !stood.contains(part));
                stood.difference(&written).copied().collect()
            }
            // Messages replaced in place (said again with their ids) keep their arrivals.
            (Rewrite::From { before, .. }, None) => (written.iter())
                .take(before.saturating_sub(from))
                .map(|m| Part::of(projection, m))
                .collect(),
            (Rewrite::Fresh | Rewrite::Whole, _) => Vec::new(),
        };
        let gone = gone.into_iter().filter_map(Part::number).collect();
        let now = (now.into_iter()).filter_map(|(part, text)| Some((part.number()?, text)));
        (gone, now.collect())
    }
}

/// Writes the parts that changed: every part of an interaction written whole, else its
/// head and its messages from the first changed one.
pub(super) async fn write(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    parts: &[Parts<'_>],
) -> Result<(), StoreError> {
    let statements = match backend {
        Backend::Sqlite => sqlite_statements(parts),
        Backend::Postgres => postgres_statements(tenant, parts),
    };
    for sql in statements {
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// Deletes the search parts of `ids` (on SQLite, their rowid ranges, found through their
/// `interactions` rows, so before those go).
pub(super) async fn erase(
    tx: &mut Tx<'_>,
    backend: Backend,
    tenant: &TenantId,
    ids: &BTreeSet<&InteractionId>,
) -> Result<(), StoreError> {
    let keys: Vec<Param> = ids.iter().map(|id| text(id.as_str())).collect();
    let tenant = [text(tenant.as_str())];
    if backend == Backend::Postgres {
        let head = "DELETE FROM search_parts WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(backend, head, &tenant, keys, "") {
            sql.query().execute(&mut **tx).await?;
        }
        return Ok(());
    }
    let head = "SELECT rowid FROM interactions WHERE tenant_id = ? AND interaction_id IN";
    for sql in in_lists(backend, head, &tenant, keys, "") {
        for row in sql.fetch_all(&mut **tx).await? {
            let owner: i64 = row.try_get(0)?;
            sqlx::query("DELETE FROM search_parts WHERE rowid >= $1 AND rowid < $2")
                .bind(owner << PART_BITS)
                .bind((owner + 1) << PART_BITS)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn sqlite_statements(parts: &[Parts<'_>]) -> Vec<Sql> {
    let mut statements = Vec::new();
    let mut replaced = Vec::new();
    let mut documents = Vec::new();
    for p in parts {
        let (gone, written) = p.messages();
        match p.touched.rewrite {
            Rewrite::Fresh => {}
            Rewrite::Whole => {
                let mut sql = Sql::new(Backend::Sqlite, "DELETE FROM search_parts WHERE");
                let range = [Param::Int(p.rowid(0)), Param::Int(p.rowid(usize::MAX))];
                sql.push(" rowid BETWEEN ? AND ?", range);
                statements.push(sql);
            }
            Rewrite::From { .. } => {
                if p.head.is_some() {
                    replaced.push(Param::Int(p.rowid(0)));
                }
                replaced.extend(gone.into_iter().map(|n| Param::Int(p.rowid(n))));
            }
        }
        if let Some(head) = p.head.filter(|head| !head.is_empty()) {
            documents.push(vec![Param::Int(p.rowid(0)), text(head)]);
        }
        for (n, body) in written {
            documents.push(vec![Param::Int(p.rowid(n)), text(body)]);
        }
    }
    let head = "DELETE FROM search_parts WHERE rowid IN";
    statements.extend(in_lists(Backend::Sqlite, head, &[], replaced, ""));
    let head = "INSERT INTO search_parts (rowid, body)";
    statements.extend(values_statements(
        Backend::Sqlite,
        head,
        "(?, ?)",
        documents,
        "",
    ));
    statements
}

fn postgres_statements(tenant: &TenantId, parts: &[Parts<'_>]) -> Vec<Sql> {
    let whole: Vec<Param> = parts
        .iter()
        .filter(|p| matches!(p.touched.rewrite, Rewrite::Whole))
        .map(|p| text(p.touched.id.as_str()))
        .collect();
    let head = "DELETE FROM search_parts WHERE tenant_id = ? AND interaction_id IN";
    let mut statements = in_lists(Backend::Postgres, head, &[text(tenant.as_str())], whole, "");
    let mut documents = Vec::new();
    for p in parts {
        let row = |part: usize, body: &str| {
            vec![
                text(tenant.as_str()),
                text(p.touched.id.as_str()),
                Param::Int(part as i64),
                text(body),
            ]
        };
        if let Some(head) = p.head {
            documents.push(row(0, head));
        }
        let (gone, written) = p.messages();
        let rewritten: HashSet<usize> = written.iter().map(|(n, _)| *n).collect();
        let gone = (gone.into_iter())
            .filter(|n| !rewritten.contains(n))
            .map(|n| Param::Int(n as i64))
            .collect();
        let head =
            "DELETE FROM search_parts WHERE tenant_id = ? AND interaction_id = ? AND part IN";
        let owner = [text(tenant.as_str()), text(p.touched.id.as_str())];
        statements.extend(in_lists(Backend::Postgres, head, &owner, gone, ""));
        documents.extend(written.into_iter().map(|(n, body)| row(n, body)));
    }
    statements.extend(values_statements(
        Backend::Postgres,
        "INSERT INTO search_parts (tenant_id, interaction_id, part, search)",
        "(?, ?, ?, to_tsvector('simple', ?))",
        documents,
        "ON CONFLICT (tenant_id, interaction_id, part) DO UPDATE SET search = excluded.search",
    ));
    statements
}

/// Keeps, in a list query over `interactions i`, the interactions that have every one of
/// `words` in some part: on SQLite each word by its side in `plan` (`Matches` where it has
/// none), or from its matches within the plan's window of candidates.
pub(in crate::sql) fn push_filter(sql: &mut Sql, backend: Backend, words: &str, plan: &SearchPlan) {
    let sides = plan.sides.iter().chain(std::iter::repeat(&Side::Matches));
    let matches =
        format!("SELECT rowid >> {PART_BITS} FROM search_parts WHERE search_parts MATCH ?");
    for (word, side) in search_words(words).zip(sides) {
        let phrase = text(fts5_phrase(word));
        match (backend, &plan.window, side) {
            (Backend::Sqlite, Some(Window { rowids: (low, high), .. }), _) => sql.push(
                &format!(" AND i.rowid IN ({matches} AND rowid BETWEEN {})", parts_of("?", "?")),
                [phrase, Param::Int(*low), Param::Int(*high)],
            ),
            (Backend::Sqlite, _, Side::Matches) => {
                sql.push(&format!(" AND i.rowid IN ({matches})"), [phrase])
            }
            (Backend::Sqlite, _, Side::Test) => sql.push(
                &format!(
                    " AND EXISTS (SELECT 1 FROM search_parts WHERE search_parts MATCH ? \
                     AND rowid BETWEEN {})",
                    parts_of("i.rowid", "i.rowid")
                ),
                [phrase],
            ),
            (Backend::Postgres, ..) => sql.push(
                " AND EXISTS (SELECT 1 FROM search_parts s WHERE s.tenant_id = i.tenant_id \
                 AND s.interaction_id = i.interaction_id AND s.search @@ plainto_tsquery('simple', ?))",
                [text(word)],
            ),
        }
    }
}

/// The rowid range (`x AND y`) of the parts of the interactions whose rowids run from
/// `first` to `last` (SQL expressions).
fn parts_of(first: &str, last: &str) -> String {
    let end = (1i64 << PART_BITS) - 1;
    format!("{first} << {PART_BITS} AND ({last} << {PART_BITS}) + {end}")
}

/// The words of a search: what whitespace and control characters separate (neither is
/// ever part of a word: FTS5 cannot take a NUL, PostgreSQL's text cannot hold one).
pub(in crate::sql) fn search_words(text: &str) -> impl Iterator<Item = &str> {
    (text.split(|c: char| c.is_whitespace() || c.is_control())).filter(|word| !word.is_empty())
}

/// A word for FTS5, quoted as a phrase (so its punctuation is the tokenizer's, never
/// FTS5's query syntax).
fn fts5_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::fts5_phrase;

    #[test]
    fn search_words_become_quoted_fts5_phrases() {
        assert_eq!(fts5_phrase("lost"), "\"lost\"");
        assert_eq!(fts5_phrase("\"hi\""), "\"\"\"hi\"\"\"");
        assert_eq!(fts5_phrase("OR"), "\"OR\"");
    }
}
