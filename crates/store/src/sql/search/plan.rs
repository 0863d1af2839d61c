//! Which side answers a search on SQLite. Two sides give the same pages at different costs:
//! a word's matches in the full-text index (cheap when the word is rare; a common word's
//! matches grow with the corpus), or each candidate of the list's order tested for the word
//! within its own parts (an FTS5 query per candidate, cheap only when a page is found
//! early). The store counts each word's parts up to a bound, lets the rare words drive
//! and tests the common ones; when every word is common, a page is first looked for
//! among the matches within the rowids of the list's first candidates (interactions are
//! stored about in the order they start, so the newest are a narrow rowid range).
//!
//! PostgreSQL's planner picks the side from its statistics, but with a `LIMIT` it walks the
//! start-time index hoping a page comes early, and a word nobody said walks the whole
//! tenant. So a page is first looked for among the list's first candidates; when it does
//! not fill there, the matches drive (the order is kept off the index: `start_ms + 0`).

use interlog_core::query::{InteractionQuery, Order, Page};
use interlog_core::{Interaction, TenantId};
use sqlx::Row;

use super::super::points::Visits;
use super::super::rows::{ids, page_of, parse_record, ListRow};
use super::super::statement::{Param, Sql};
use super::super::{read, Backend, SqlStore};
use super::{fts5_phrase, search_words};
use crate::StoreError;

/// Which side drives a search (on PostgreSQL only `Cheaper` differs from its planner's
/// choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchDrive {
    /// The full-text index: each word's matching interactions are found in it and
    /// intersected.
    Matches,
    /// The start-time index: interactions are walked in the list's order and each is
    /// tested for every word within its parts, until the page is full.
    Time,
    /// What the store uses: each word's parts are counted up to `rare_below`; the rare
    /// words drive from their matches and the common ones are tested per candidate. When
    /// no word is rare, a count intersects the matches (it visits every match anyway) and
    /// a page is looked for within the rowids of the list's first `window` candidates:
    /// found there when the page fills (or there are no more candidates), else from the
    /// matches (fewer than a page in `window` candidates: the words seldom meet, and a
    /// walk would test many), or by the walk when those rowids are too spread to read.
    /// On PostgreSQL, a page is looked for among the first `window` candidates, each
    /// tested, then the matches drive.
    Cheaper { rare_below: usize, window: usize },
}

/// The store's choice: a word with fewer parts than this drives from its matches.
pub(in crate::sql) const RARE_BELOW: usize = 2_000;
/// The store's choice: a page of common words is first looked for in this many candidates.
pub(in crate::sql) const WINDOW: usize = 1_000;
/// A window is read when its rowids span at most this many times its candidates.
const SPREAD: i64 = 16;

/// How one word of a search is answered on SQLite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::sql) enum Side {
    /// From its matches in the full-text index, as a list of interactions.
    Matches,
    /// Tested per candidate, within the candidate's parts.
    Test,
}

/// How a list query's search is answered: on SQLite each word's side, or the window of
/// candidates a page is looked for in; on PostgreSQL how many candidates a page is first
/// looked for in.
#[derive(Debug, Default)]
pub(in crate::sql) struct SearchPlan {
    pub sides: Vec<Side>,
    pub window: Option<Window>,
    pub first: Option<usize>,
    /// Whether the matches drive: the list order's indexes are then kept out of the plan
    /// (SQLite's tenant indexes, PostgreSQL's order), which would rather walk one and test
    /// each row against the matches.
    pub matches_drive: bool,
}

/// The list's first candidates (every filter but the search): the range of their rowids,
/// and the last one's place in the list's order when more follow it.
#[derive(Debug)]
pub(in crate::sql) struct Window {
    pub rowids: (i64, i64),
    pub last: Option<(i64, String)>,
}

impl Window {
    /// Keeps, in a list query, the candidates up to the last one (all when none is last).
    pub(in crate::sql) fn push_bound(&self, sql: &mut Sql, order: Order) {
        let Some((millis, id)) = &self.last else {
            return;
        };
        let (range, strict) = match order {
            Order::Desc => (">=", ">"),
            Order::Asc => ("<=", "<"),
        };
        sql.push(
            &format!(
                " AND i.start_ms {range} ? AND (i.start_ms {strict} ? OR i.interaction_id {range} ?)"
            ),
            [Param::Int(*millis), Param::Int(*millis), Param::Text(id.clone())],
        );
    }
}

fn uniform(words: usize, side: Side) -> SearchPlan {
    SearchPlan {
        sides: vec![side; words],
        ..SearchPlan::default()
    }
}

impl SqlStore {
    /// How `query`'s search is answered when `drive` drives it, for a page or for a count
    /// (`counting`). Empty without a search, and on PostgreSQL.
    pub(in crate::sql) async fn search_plan(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        drive: SearchDrive,
        counting: bool,
    ) -> Result<SearchPlan, StoreError> {
        let Some(words) = &query.text else {
            return Ok(SearchPlan::default());
        };
        let words: Vec<&str> = search_words(words).collect();
        let (rare_below, window) = match drive {
            SearchDrive::Matches => return Ok(uniform(words.len(), Side::Matches)),
            SearchDrive::Time => return Ok(uniform(words.len(), Side::Test)),
            SearchDrive::Cheaper { rare_below, window } => (rare_below, window),
        };
        if self.backend == Backend::Postgres {
            let first = (!counting && query.offset == 0).then_some(window);
            return Ok(SearchPlan {
                first,
                ..SearchPlan::default()
            });
        }
        let mut rare = Vec::with_capacity(words.len());
        for word in &words {
            let parts: i64 = sqlx::query(
                "SELECT count(*) FROM (SELECT 1 FROM search_parts WHERE search_parts MATCH $1 LIMIT $2)",
            )
            .bind(fts5_phrase(word))
            .bind(rare_below as i64)
            .fetch_one(&self.reader)
            .await?
            .try_get(0)?;
            rare.push((parts as usize) < rare_below);
        }
        if rare.contains(&true) {
            let side = |rare| if rare { Side::Matches } else { Side::Test };
            let sides = rare.into_iter().map(side).collect();
            return Ok(SearchPlan {
                sides,
                matches_drive: true,
                ..SearchPlan::default()
            });
        }
        if counting {
            return Ok(uniform(words.len(), Side::Matches));
        }
        let mut plan = uniform(words.len(), Side::Test);
        if query.offset == 0 {
            plan.window = self.window(tenant, query, window).await?;
        }
        Ok(plan)
    }

    /// The window of `query`'s first `size` candidates, unless their rowids are too spread.
    async fn window(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        size: usize,
    ) -> Result<Option<Window>, StoreError> {
        let candidates = InteractionQuery {
            text: None,
            limit: size.saturating_sub(1) as u32,
            ..query.clone()
        };
        let head = "SELECT i.rowid AS r FROM interactions i WHERE";
        let none = SearchPlan::default();
        let row = read::list_of(self.backend, head, tenant, &candidates, &none)
            .wrapped("SELECT min(r), max(r), count(*) FROM (", ")")
            .query()
            .fetch_one(&self.reader)
            .await?;
        let (low, high, count): (Option<i64>, Option<i64>, i64) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let (Some(low), Some(high)) = (low, high) else {
            return Ok(None);
        };
        if high - low > SPREAD * size as i64 {
            return Ok(None);
        }
        let last = match count as usize >= size {
            true => self.last_candidate(tenant, query, size).await?,
            false => None,
        };
        Ok(Some(Window {
            rowids: (low, high),
            last,
        }))
    }

    /// The place in the list's order of `query`'s `size`-th candidate (every filter but
    /// the search), if there are that many.
    async fn last_candidate(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        size: usize,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let candidate = InteractionQuery {
            text: None,
            limit: 0,
            offset: size.saturating_sub(1) as u64,
            ..query.clone()
        };
        let head = "SELECT i.start_ms, i.interaction_id FROM interactions i WHERE";
        let none = SearchPlan::default();
        let row = read::list_of(self.backend, head, tenant, &candidate, &none)
            .query()
            .fetch_optional(&self.reader)
            .await?;
        Ok(match row {
            Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
            None => None,
        })
    }

    /// The rows of a page of `query` (one more than its limit when more follow), its
    /// search driven by `drive`.
    pub(in crate::sql) async fn list_rows(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        drive: SearchDrive,
    ) -> Result<Vec<ListRow>, StoreError> {
        let mut plan = self.search_plan(tenant, query, drive, false).await?;
        if let Some(size) = plan.first.take() {
            let sql = read::among_first(self.backend, tenant, query, size);
            let rows = self.read_rows(sql, Visits::Many).await?;
            if rows.len() > query.limit as usize {
                return Ok(rows);
            }
            // Less than a page among the first candidates (or no more candidates: the
            // matches answer that as cheaply), so the matches drive.
            plan.matches_drive = true;
        }
        if let Some(window) = plan.window.take() {
            let within = SearchPlan {
                window: Some(window),
                ..SearchPlan::default()
            };
            let sql = read::list_interactions(self.backend, tenant, query, &within);
            let rows = self.read_rows(sql, Visits::Many).await?;
            let whole = within.window.is_some_and(|w| w.last.is_none());
            if whole || rows.len() > query.limit as usize {
                return Ok(rows);
            }
            // Less than a page among the first candidates: the words seldom meet, and a walk
            // would test many more, so their matches drive.
            plan.sides.fill(Side::Matches);
        }
        let sql = read::list_interactions(self.backend, tenant, query, &plan);
        self.read_rows(sql, read::visits(query)).await
    }

    /// How many interactions match `query` when `drive` drives its search.
    pub async fn count_interactions_driven(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        drive: SearchDrive,
    ) -> Result<u64, StoreError> {
        let plan = self.search_plan(tenant, query, drive, true).await?;
        let count: i64 = read::count_interactions(self.backend, tenant, query, &plan)
            .query()
            .fetch_one(&self.reader)
            .await?
            .try_get(0)?;
        Ok(count as u64)
    }

    /// A page of a list query whose search is driven by `drive`: what the tests compare
    /// the sides with.
    pub async fn list_interactions_driven(
        &self,
        tenant: &TenantId,
        query: &InteractionQuery,
        drive: SearchDrive,
    ) -> Result<Page<Interaction>, StoreError> {
        let rows = self.list_rows(tenant, query, drive).await?;
        let transcripts = self.transcripts_of(tenant, ids(&rows)).await?;
        page_of(rows, transcripts, query.limit, |record, messages| {
            parse_record(&record, &messages)
        })
    }
}
