//! CSV as RFC 4180 writes it, for spreadsheets: CRLF line ends, a field quoted when it holds
//! a comma, a quote or a line break. Text that a spreadsheet would run as a formula (it
//! starts with `=`, `+`, `-` or `@`) is prefixed with `'`, so a customer who types
//! `=HYPERLINK(...)` into a chat cannot plant a formula in a supervisor's export. Numbers are
//! written as they are (a negative number is not text).

/// A text field, neutralised against formula injection and quoted where needed.
pub fn text(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One record: the fields (already written with [`text`] or as numbers) joined, with CRLF.
pub fn line<S: AsRef<str>>(fields: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for (n, field) in fields.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(field.as_ref());
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_specials_quoted() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("=1+1"), "'=1+1");
        assert_eq!(text("+33 1 23"), "'+33 1 23");
        assert_eq!(text("-2"), "'-2");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("two\nlines"), "\"two\nlines\"");
        assert_eq!(text("=x,\"y\""), "\"'=x,\"\"y\"\"\"");
        assert_eq!(text("café ☕"), "café ☕");
    }

    #[test]
    fn a_line_ends_with_crlf() {
        assert_eq!(line(["a", "", "3"]), "a,,3\r\n");
    }
}
