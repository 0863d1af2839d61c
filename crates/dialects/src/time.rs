//! Timestamps as vendors' clients print them, for the dialects' query parameters (the native
//! API stays strict: RFC 3339 only).
//!
//! Accepted, besides RFC 3339: minutes without seconds (`2018-09-06T12:00Z`), no zone at all
//! (read as UTC, as the vendors' services read it), a date alone (its midnight, UTC), a space
//! instead of the `T` (`str(datetime)` in Python), fractional seconds of any length (digits
//! below the millisecond are dropped), `+hhmm` and `+hh` offsets, and an offset whose `+`
//! arrived unescaped in a URL and so decoded to a space (`...T00:00:00 00:00`, Python's
//! `isoformat()` pasted into a query string).

use interlog_core::Timestamp;

/// The instant `raw` names, in any of the forms above.
pub fn parse_lenient(raw: &str) -> Result<Timestamp, String> {
    let refused = || {
        format!(
            "{raw:?} is not a timestamp: send ISO 8601, e.g. 2018-09-06T12:00:00Z \
             (seconds, zone and time may be left out)"
        )
    };
    let normalised = normalise(raw.trim()).ok_or_else(refused)?;
    Timestamp::parse(&normalised).map_err(|_| refused())
}

/// `raw` as RFC 3339, if it has the shape of one of the accepted forms.
fn normalise(raw: &str) -> Option<String> {
    let date = raw.get(..10)?;
    let rest = &raw[10..];
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let time = rest.strip_prefix(['T', 't', ' '])?;
    let clock_end = time
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(time.len());
    let (clock, zone) = time.split_at(clock_end);
    let clock = match clock.len() {
        5 => format!("{clock}:00"),
        _ => clock.to_string(),
    };
    Some(format!("{date}T{clock}{}", offset(zone)?))
}

/// A zone as RFC 3339 writes it: `Z` or `+hh:mm`.
fn offset(zone: &str) -> Option<String> {
    let zone = zone.trim_end();
    if zone.is_empty() || zone.eq_ignore_ascii_case("z") {
        return Some("Z".into());
    }
    // A `+` sent unescaped in a URL arrives as a space.
    let (sign, digits) = match zone.split_at(1) {
        (" ", digits) => ("+", digits),
        (sign @ ("+" | "-"), digits) => (sign, digits),
        _ => return None,
    };
    let digits = digits.replace(':', "");
    match digits.len() {
        2 => Some(format!("{sign}{digits}:00")),
        4 => Some(format!("{sign}{}:{}", &digits[..2], &digits[2..])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_forms_name_the_same_instants() {
        let cases = [
            ("2018-09-06T12:00:00Z", "2018-09-06T12:00:00.000Z"),
            ("2018-09-06T12:00Z", "2018-09-06T12:00:00.000Z"),
            ("2018-09-06T12:30", "2018-09-06T12:30:00.000Z"),
            ("2018-09-06T12:00:00", "2018-09-06T12:00:00.000Z"),
            ("2018-09-06", "2018-09-06T00:00:00.000Z"),
            ("2023-01-01T00:00:00+00:00", "2023-01-01T00:00:00.000Z"),
            ("2023-01-01T00:00:00 00:00", "2023-01-01T00:00:00.000Z"),
            ("2023-01-01T02:00:00 02:00", "2023-01-01T00:00:00.000Z"),
            ("2023-01-01 00:00:00+00:00", "2023-01-01T00:00:00.000Z"),
            ("2023-01-01T23:59:59.500000", "2023-01-01T23:59:59.500Z"),
            ("2023-01-01T23:59:59.123456789Z", "2023-01-01T23:59:59.123Z"),
            ("2023-01-01T05:30:00+0530", "2023-01-01T00:00:00.000Z"),
            ("2023-01-01T01:00:00-01", "2023-01-01T02:00:00.000Z"),
            ("2020-05-01T00:00:00.000Z", "2020-05-01T00:00:00.000Z"),
        ];
        for (raw, expected) in cases {
            let parsed = parse_lenient(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(parsed.to_string(), expected, "{raw}");
        }
    }

    #[test]
    fn what_is_no_timestamp_is_refused_with_the_forms() {
        for raw in [
            "",
            "yesterday",
            "2018-13-01",
            "2018-09-06T25:00Z",
            "2018-09-06X12:00",
            "1536235200",
        ] {
            let error = parse_lenient(raw).unwrap_err();
            assert!(error.contains("ISO 8601"), "{raw}: {error}");
        }
    }
}
