//! SQL text built with its parameters, and bound to a sqlx query in one place.
//!
//! Placeholders are written `?` and rendered per backend: `$1`, `$2`, ... for PostgreSQL, a
//! plain `?` for SQLite. (SQLite accepts `$1` too, but it names such parameters, and its
//! lookup of a parameter's name is linear: binding a statement with thousands of named
//! parameters cost more than running it.)

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{params_from_iter, Connection, Row, Statement};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Executor};

use super::{arrays, Backend};
use crate::StoreError;

/// At most this many parameters in one statement (SQLite allows 32766, PostgreSQL 65535).
const MAX_PARAMS: usize = 30_000;

/// On SQLite, the rows of a statement over many rows, and the values of an `IN` list, come
/// in these counts only (largest first), so that its texts are a few per statement, kept
/// prepared on the group committer's connection ([`Sql::prepared`]). With a text for each
/// row count, parsing them was 7.7% of the committer's time under batch ingest. PostgreSQL
/// takes each statement's rows whole, as arrays (`arrays.rs`), and each `IN` list whole: a
/// statement more is a round trip more there.
const RUNGS: [usize; 8] = [128, 64, 32, 16, 8, 4, 2, 1];

/// A bindable parameter. NULLs carry their column's type, which PostgreSQL checks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
    Bool(bool),
    Bytes(Vec<u8>),
    NullText,
    NullInt,
}

pub(crate) fn text(value: impl Into<String>) -> Param {
    Param::Text(value.into())
}

pub(crate) fn opt_text(value: Option<impl Into<String>>) -> Param {
    value.map_or(Param::NullText, text)
}

pub(crate) fn opt_int(value: Option<i64>) -> Param {
    value.map_or(Param::NullInt, Param::Int)
}

/// SQLite's value of a parameter, for the point readers (`points.rs`); a boolean is an
/// integer there, as sqlx binds it.
impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Param::Int(v) => ToSqlOutput::Owned(Value::Integer(*v)),
            Param::Bool(v) => ToSqlOutput::Owned(Value::Integer(i64::from(*v))),
            Param::Bytes(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Param::NullText | Param::NullInt => ToSqlOutput::Owned(Value::Null),
        })
    }
}

/// Whether a statement of `params` parameters is kept prepared on its connection (see
/// [`Sql::query`]).
pub(super) fn kept_prepared(params: usize) -> bool {
    params <= 64
}

/// SQL text plus its parameters, in placeholder order.
#[derive(Debug)]
pub(crate) struct Sql {
    backend: Backend,
    pub text: String,
    pub params: Vec<Param>,
    /// Whether its text recurs however many rows or values it was made for ([`RUNGS`]),
    /// so it is worth keeping prepared whatever its size.
    recurs: bool,
}

impl Sql {
    pub(crate) fn new(backend: Backend, text: &str) -> Self {
        Self {
            backend,
            text: text.into(),
            params: Vec::new(),
            recurs: false,
        }
    }

    /// `clause` with its parameters (see [`Sql::push`]).
    pub(crate) fn with(
        backend: Backend,
        clause: &str,
        params: impl IntoIterator<Item = Param>,
    ) -> Self {
        let mut sql = Self::new(backend, "");
        sql.push(clause, params);
        sql
    }

    /// Appends `clause`, replacing each `?` with the next parameter's placeholder.
    pub(crate) fn push(&mut self, clause: &str, params: impl IntoIterator<Item = Param>) {
        let mut params = params.into_iter();
        for piece in clause.split_inclusive('?') {
            match piece.strip_suffix('?') {
                Some(before) => {
                    self.text.push_str(before);
                    self.params
                        .push(params.next().expect("a parameter for every ?"));
                    match self.backend {
                        Backend::Postgres => self.text.push_str(&format!("${}", self.params.len())),
                        Backend::Sqlite => self.text.push('?'),
                    }
                }
                None => self.text.push_str(piece),
            }
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// This statement inside `before` and `after` (a subquery of an outer query); its
    /// parameters keep their places.
    pub(crate) fn wrapped(mut self, before: &str, after: &str) -> Sql {
        self.text = format!("{before}{}{after}", self.text);
        self
    }

    /// Appends ` VALUES (?, ?), (?, ?)` for `rows`; `row` wraps each row's placeholders,
    /// so a value can pass through a function (`"(?, to_tsvector('simple', ?))"`).
    fn push_values(&mut self, row: &str, rows: Vec<Vec<Param>>) {
        self.text.push_str(" VALUES ");
        for (n, values) in rows.into_iter().enumerate() {
            if n > 0 {
                self.text.push_str(", ");
            }
            self.push(row, values);
        }
    }

    /// Appends ` (?, ?, ?)` holding `values`, for `IN` lists.
    pub(crate) fn push_list(&mut self, values: impl IntoIterator<Item = Param>) {
        let values: Vec<Param> = values.into_iter().collect();
        self.push(
            &format!(" ({})", vec!["?"; values.len()].join(", ")),
            values,
        );
    }

    /// The sqlx query with every parameter bound. Only a statement of a few parameters is
    /// kept prepared on its connection: a statement over many rows has a text of its own
    /// for each row count, so keeping those filled each connection's statement cache with
    /// large programs used once (tens of MiB on SQLite's writer) and evicted the ones that
    /// recur.
    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query::<Any>(&self.text).persistent(kept_prepared(self.params.len()));
        for param in &self.params {
            query = match param {
                Param::Text(v) => query.bind(v.as_str()),
                Param::Int(v) => query.bind(*v),
                Param::Bool(v) => query.bind(*v),
                Param::Bytes(v) => query.bind(v.as_slice()),
                Param::NullText => query.bind(None::<&str>),
                Param::NullInt => query.bind(None::<i64>),
            };
        }
        query
    }

    /// Runs this statement (SQLite's text) on a `rusqlite` connection: the point readers'
    /// or the group committer's. It is kept prepared as sqlx keeps statements ([`Sql::query`]),
    /// and so is one over many rows cut to [`RUNGS`].
    pub(crate) fn prepared<T>(
        &self,
        connection: &Connection,
        run: impl FnOnce(&mut Statement) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        match self.recurs || kept_prepared(self.params.len()) {
            true => run(&mut *connection.prepare_cached(&self.text)?),
            false => run(&mut connection.prepare(&self.text)?),
        }
    }

    /// This statement's rows on a `rusqlite` connection, each by rusqlite's conversion of a
    /// row into `T` (a tuple of its columns).
    pub(crate) fn rows_on<T>(&self, connection: &Connection) -> rusqlite::Result<Vec<T>>
    where
        T: for<'r> TryFrom<&'r Row<'r>, Error = rusqlite::Error>,
    {
        self.prepared(connection, |statement| {
            let rows = statement.query(params_from_iter(&self.params))?;
            rows.mapped(|row| row.try_into()).collect()
        })
    }

    pub(crate) async fn fetch_all<'e>(
        &self,
        executor: impl Executor<'e, Database = Any>,
    ) -> Result<Vec<AnyRow>, StoreError> {
        Ok(self.query().fetch_all(executor).await?)
    }
}

/// Statements over many rows: `head` (`INSERT INTO t (a, b)`), the rows, then `tail`
/// (`ON CONFLICT ...`, `RETURNING ...`). `row` is the placeholder pattern of one row, e.g.
/// `(?, ?)`. On SQLite, `VALUES` cut to [`RUNGS`] (and the parameter limit); on PostgreSQL
/// one statement whose columns are arrays ([`arrays::unnest`]).
pub(crate) fn values_statements(
    backend: Backend,
    head: &str,
    row: &str,
    rows: Vec<Vec<Param>>,
    tail: &str,
) -> Vec<Sql> {
    if backend == Backend::Postgres && !rows.is_empty() {
        return vec![arrays::unnest(head, row, rows, tail)];
    }
    let width = row.matches('?').count().max(1);
    let mut statements = Vec::new();
    let mut rows = rows.into_iter();
    while rows.len() > 0 {
        let count = rung(rows.len().min(MAX_PARAMS / width));
        let mut sql = Sql::new(backend, head);
        sql.push_values(row, rows.by_ref().take(count).collect());
        sql.text.push(' ');
        sql.text.push_str(tail);
        sql.recurs = true;
        statements.push(sql);
    }
    statements
}

/// The largest of [`RUNGS`] that `left` rows fill (SQLite's statements over many rows).
fn rung(left: usize) -> usize {
    RUNGS.into_iter().find(|&rung| rung <= left).unwrap_or(1)
}

/// `IN` lists of `values` cut to the parameter limit: each statement is `head`, the list,
/// then `tail`; `before` are parameters `head` names.
pub(crate) fn in_lists(
    backend: Backend,
    head: &str,
    before: &[Param],
    values: Vec<Param>,
    tail: &str,
) -> Vec<Sql> {
    let most = match backend {
        Backend::Sqlite => RUNGS[0],
        Backend::Postgres => MAX_PARAMS - before.len(),
    };
    values
        .chunks(most)
        .map(|chunk| {
            let mut sql = Sql::new(backend, "");
            sql.push(head, before.iter().cloned());
            sql.push_list(chunk.iter().cloned().chain(padding(backend, chunk)));
            sql.text.push_str(tail);
            sql.recurs = matches!(backend, Backend::Sqlite);
            sql
        })
        .collect()
}

/// On SQLite, the copies of a list's last value that bring its length to the next of
/// [`RUNGS`] (a value twice in an `IN` list changes nothing), so that its text recurs.
fn padding(backend: Backend, list: &[Param]) -> impl Iterator<Item = Param> + '_ {
    let more = match backend {
        Backend::Sqlite => list.len().next_power_of_two() - list.len(),
        Backend::Postgres => 0,
    };
    list.last()
        .into_iter()
        .flat_map(move |last| std::iter::repeat_n(last.clone(), more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order_for_postgres_and_plain_for_sqlite() {
        for (backend, text) in [
            (
                Backend::Postgres,
                "SELECT 1 WHERE a = $1 AND b = $2 AND c = $3",
            ),
            (Backend::Sqlite, "SELECT 1 WHERE a = ? AND b = ? AND c = ?"),
        ] {
            let mut sql = Sql::new(backend, "SELECT 1 WHERE");
            sql.push(" a = ? AND b = ?", [Param::Int(1), Param::Int(2)]);
            sql.push(" AND c = ?", [Param::Int(3)]);
            assert_eq!(sql.text, text);
            assert_eq!(sql.params.len(), 3);
        }
    }

    #[test]
    fn rows_are_cut_to_the_parameter_limit() {
        let values = (0..2 * MAX_PARAMS as i64).map(Param::Int).collect();
        let statements = in_lists(
            Backend::Postgres,
            "DELETE FROM t WHERE a IN",
            &[],
            values,
            "",
        );
        assert_eq!(statements.len(), 2);
        assert!(statements.iter().all(|s| s.params.len() <= MAX_PARAMS));
        assert_eq!(
            statements.iter().map(|s| s.params.len()).sum::<usize>(),
            2 * MAX_PARAMS
        );
    }

    #[test]
    fn in_lists_number_after_the_head() {
        let statements = in_lists(
            Backend::Postgres,
            "DELETE FROM t WHERE a = ? AND b IN",
            &[Param::Int(1)],
            vec![Param::Int(2), Param::Int(3)],
            "",
        );
        assert_eq!(
            statements[0].text,
            "DELETE FROM t WHERE a = $1 AND b IN ($2, $3)"
        );
    }

    #[test]
    fn sqlite_cuts_rows_to_rungs_whose_texts_recur() {
        let rows = |n: i64| (0..n).map(|n| vec![Param::Int(n)]).collect::<Vec<_>>();
        let counts = |statements: &[Sql]| {
            statements
                .iter()
                .map(|s| s.params.len())
                .collect::<Vec<_>>()
        };
        let cut = |n| values_statements(Backend::Sqlite, "INSERT INTO t (a)", "(?)", rows(n), "");
        let statements = cut(300);
        assert_eq!(counts(&statements), vec![128, 128, 32, 8, 4]);
        assert!(statements.iter().all(|s| s.recurs));
        // The same rung has the same text, whatever the rows before it.
        assert_eq!(statements[0].text, statements[1].text);
        assert_eq!(cut(4)[0].text, statements[4].text);
        // PostgreSQL takes them whole, one array per column (`arrays.rs`).
        let whole = values_statements(Backend::Postgres, "INSERT INTO t (a)", "(?)", rows(300), "");
        assert_eq!(counts(&whole), vec![1]);
        assert!(kept_prepared(whole[0].params.len()));
    }

    #[test]
    fn sqlite_pads_in_lists_with_their_last_value_to_a_rung() {
        let values = (0..131).map(Param::Int).collect::<Vec<_>>();
        let statements = in_lists(Backend::Sqlite, "DELETE FROM t WHERE a IN", &[], values, "");
        assert_eq!(statements.len(), 2);
        assert_eq!(statements[0].params.len(), 128);
        let last = &statements[1].params;
        assert_eq!(last, &[128, 129, 130, 130].map(Param::Int));
        assert_eq!(statements[1].text, "DELETE FROM t WHERE a IN (?, ?, ?, ?)");
    }
}
