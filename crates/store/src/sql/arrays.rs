//! PostgreSQL's form of a statement over many rows: each column's values travel as one
//! array parameter (`unnest($1::text[], $2::bigint[])`), so a statement's text is the same
//! however many rows it carries. (`IN` lists stay lists: a plan that reads by them needs
//! their values, which an array cast from text hides from the planner.)
//!
//! With a text per row count (`VALUES ($1, $2), ($3, $4)`), every such statement was new to
//! its connection: sqlx prepared it in a round trip of its own before the one that ran it,
//! and PostgreSQL parsed and planned a text of thousands of placeholders each time (a batch
//! of 1,000 events: 7,000 for its events alone). Now each is prepared once per connection.
//! Its plan does not depend on the rows (a scan of the arrays, then the insert), so the
//! plan kept with it serves any batch.
//!
//! The arrays are bound as text in PostgreSQL's array syntax and cast (`$1::text[]`): sqlx's
//! `Any` driver binds no arrays. Every element is quoted, so no value can end its element
//! early; a NULL is the bare word.

use std::fmt::Write;

use super::statement::{Param, Sql};
use super::Backend;

/// `head`, then the rows as `SELECT <row> FROM unnest(...)` in their given order, then
/// `tail`. `row` is one row's placeholder pattern, parenthesized (`(?, lower(?))`); each
/// `?` becomes its column of the arrays. `rows` is not empty and its rows are as wide as
/// `row` has placeholders.
pub(super) fn unnest(head: &str, row: &str, rows: Vec<Vec<Param>>, tail: &str) -> Sql {
    let width = row.matches('?').count();
    let mut columns: Vec<Vec<Param>> = vec![Vec::with_capacity(rows.len()); width];
    for values in rows {
        assert_eq!(
            values.len(),
            width,
            "a value for every placeholder of {row}"
        );
        for (column, value) in columns.iter_mut().zip(values) {
            column.push(value);
        }
    }
    let names: Vec<String> = (1..=width).map(|n| format!("u.c{n}")).collect();
    let inner = (row.trim().strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .expect("a row pattern is parenthesized");
    let mut names_in_order = names.iter();
    let select: String = (inner.split_inclusive('?'))
        .map(|piece| match piece.strip_suffix('?') {
            Some(before) => format!("{before}{}", names_in_order.next().expect("a column")),
            None => piece.to_string(),
        })
        .collect();
    let mut sql = Sql::new(Backend::Postgres, head);
    sql.text.push_str(&format!(" SELECT {select} FROM unnest("));
    for (n, column) in columns.into_iter().enumerate() {
        let (literal, element) = array(column);
        let separator = if n > 0 { ", " } else { "" };
        sql.push(&format!("{separator}?::{element}[]"), [literal]);
    }
    let aliases: Vec<String> = (1..=width).map(|n| format!("c{n}")).collect();
    sql.text.push_str(&format!(
        ") WITH ORDINALITY AS u({}, n) ORDER BY u.n {tail}",
        aliases.join(", ")
    ));
    sql
}

/// `values` as an array literal, and the element type: that of its first non-NULL value
/// (a column of NULLs alone, its NULLs' type).
fn array(values: Vec<Param>) -> (Param, &'static str) {
    let typed = (values.iter())
        .find(|v| !matches!(v, Param::NullText | Param::NullInt))
        .or(values.first());
    let element = match typed {
        Some(Param::Int(_) | Param::NullInt) => "bigint",
        Some(Param::Bool(_)) => "boolean",
        Some(Param::Bytes(_)) => "bytea",
        _ => "text",
    };
    let size: usize = values.iter().map(|v| 4 + written_size(v)).sum();
    let mut literal = String::with_capacity(size + 2);
    literal.push('{');
    for (n, value) in values.iter().enumerate() {
        if n > 0 {
            literal.push(',');
        }
        match value {
            Param::Text(text) => quote(&mut literal, text),
            Param::Int(int) => write!(literal, "{int}").expect("a String takes any write"),
            Param::Bool(bool) => literal.push(if *bool { 't' } else { 'f' }),
            Param::Bytes(bytes) => {
                // bytea's hex input (`\x0a0b`), its backslash escaped for the array.
                literal.push_str("\"\\\\x");
                for byte in bytes {
                    write!(literal, "{byte:02x}").expect("a String takes any write");
                }
                literal.push('"');
            }
            Param::NullText | Param::NullInt => literal.push_str("NULL"),
        }
    }
    literal.push('}');
    (Param::Text(literal), element)
}

/// About how many bytes `value` takes in a literal, for its capacity.
fn written_size(value: &Param) -> usize {
    match value {
        Param::Text(text) => text.len(),
        Param::Bytes(bytes) => 2 * bytes.len(),
        _ => 20,
    }
}

/// `text` as a quoted array element: a backslash before each `"` and `\`.
fn quote(literal: &mut String, text: &str) {
    literal.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(['"', '\\']) {
        literal.push_str(&rest[..at]);
        literal.push('\\');
        literal.push_str(&rest[at..=at]);
        rest = &rest[at + 1..];
    }
    literal.push_str(rest);
    literal.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_one_array_per_column_in_a_text_that_does_not_depend_on_their_count() {
        let rows = |n: i64| {
            (0..n)
                .map(|n| vec![Param::Int(n), Param::Text(format!("t{n}")), Param::NullText])
                .collect::<Vec<_>>()
        };
        let head = "INSERT INTO t (a, b, c)";
        let sql = unnest(head, "(?, lower(?), ?)", rows(2), "ON CONFLICT DO NOTHING");
        assert_eq!(
            sql.text,
            "INSERT INTO t (a, b, c) SELECT u.c1, lower(u.c2), u.c3 FROM \
             unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS u(c1, c2, c3, n) \
             ORDER BY u.n ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            sql.params,
            [
                Param::Text("{0,1}".into()),
                Param::Text(r#"{"t0","t1"}"#.into()),
                Param::Text("{NULL,NULL}".into())
            ]
        );
        let longer = unnest(
            head,
            "(?, lower(?), ?)",
            rows(300),
            "ON CONFLICT DO NOTHING",
        );
        assert_eq!(longer.text, sql.text);
    }

    #[test]
    fn elements_are_quoted_so_no_value_ends_its_element_early() {
        let values = vec![
            Param::Text(r#"a "quoted", \back\ {x}"#.into()),
            Param::NullText,
            Param::Text("NULL".into()),
            Param::Text(String::new()),
        ];
        let (literal, element) = array(values);
        assert_eq!(element, "text");
        assert_eq!(
            literal,
            Param::Text(r#"{"a \"quoted\", \\back\\ {x}",NULL,"NULL",""}"#.into())
        );
        let (bytes, element) = array(vec![Param::Bytes(vec![0, 255]), Param::NullText]);
        assert_eq!(
            (bytes, element),
            (Param::Text(r#"{"\\x00ff",NULL}"#.into()), "bytea")
        );
        let (flags, element) = array(vec![Param::NullInt, Param::Bool(true)]);
        assert_eq!(
            (flags, element),
            (Param::Text("{NULL,t}".into()), "boolean")
        );
    }
}
