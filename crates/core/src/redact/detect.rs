//! The built-in detectors: each finds candidates with a regular expression and keeps only
//! those that pass its check (Luhn for cards, ISO 7064 mod 97 for IBANs, the SSA's rules for
//! social security numbers), so an order number, a date, a time or a price stays as it was.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// A built-in detector: what it finds, the token that replaces a match, and whether what it
/// finds may never be kept, even sealed.
pub(super) struct Detector {
    pub pattern: &'static LazyLock<Regex>,
    pub replace: fn(&Captures) -> Option<String>,
    /// PCI DSS 3.3.1: a card's security code may not be stored after authorisation, even
    /// encrypted, so it is redacted from kept originals too.
    pub never_kept: bool,
}

/// Card numbers: 13 to 19 digits, single spaces or dashes between them.
static CARD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d(?:[ -]?\d){12,18}\b").expect("a valid pattern"));
/// IBANs: a country, two check digits, 11 to 30 letters or digits (spaces every four allowed).
static IBAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b").expect("a valid pattern")
});
/// US social security numbers, dashed.
static SSN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{3})-(\d{2})-(\d{4})\b").expect("a valid pattern"));
/// A security code: 3 or 4 digits shortly after words that announce one.
static CVV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\b(?:cvv2?|cvc2?|csc|cid|security code|verification (?:code|number|value)|code on the back|three digits on the back|3 digits on the back)\b[^0-9\n]{0,24})(\d{3,4})\b",
    )
    .expect("a valid pattern")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
        .expect("a valid pattern")
});
/// Phone numbers: E.164 (`+33123456789`, `+1 415 555 0100`), North American
/// (`(415) 555-0100`, `415-555-0100`, `415.555.0100`) and the grouped pairs of European
/// forms (`01 23 45 67 89`).
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+[1-9](?:[ .-]?\(?\d\)?){7,14}\b|\(\d{3}\) ?\d{3}[ .-]\d{4}\b|\b\d{3}[.-]\d{3}[.-]\d{4}\b|\b0\d(?:[ .]\d{2}){4}\b)",
    )
    .expect("a valid pattern")
});

/// The detectors in the order they run: cards before phones, so a card's digits are not
/// read as a phone number.
pub(super) static DETECTORS: [Detector; 6] = [
    Detector {
        pattern: &CARD,
        replace: card,
        never_kept: false,
    },
    Detector {
        pattern: &IBAN,
        replace: iban,
        never_kept: false,
    },
    Detector {
        pattern: &SSN,
        replace: ssn,
        never_kept: false,
    },
    Detector {
        pattern: &CVV,
        replace: cvv,
        never_kept: true,
    },
    Detector {
        pattern: &EMAIL,
        replace: |_| Some("[EMAIL]".into()),
        never_kept: false,
    },
    Detector {
        pattern: &PHONE,
        replace: |_| Some("[PHONE]".into()),
        never_kept: false,
    },
];

fn digits(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// The Luhn checksum holds.
pub(super) fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = (digits.iter().rev().enumerate())
        .map(|(n, &d)| match n % 2 {
            0 => d,
            _ if d * 2 > 9 => d * 2 - 9,
            _ => d * 2,
        })
        .sum();
    sum.is_multiple_of(10)
}

fn card(found: &Captures) -> Option<String> {
    let digits = digits(&found[0]);
    if !(13..=19).contains(&digits.len()) || !luhn(&digits) {
        return None;
    }
    let last: String = digits[digits.len() - 4..]
        .iter()
        .map(u32::to_string)
        .collect();
    Some(format!("[CARD ****{last}]"))
}

/// ISO 13616: the number moved behind its country and check digits, letters as 10 to 35,
/// is 1 modulo 97.
pub(super) fn iban_valid(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut remainder: u64 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c.to_digit(36) {
            Some(v) => v as u64,
            None => return false,
        };
        let width = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * width + value) % 97;
    }
    remainder == 1
}

fn iban(found: &Captures) -> Option<String> {
    iban_valid(&found[0]).then(|| "[IBAN]".into())
}

/// The SSA never issues area 000, 666 or 900–999, group 00 or serial 0000.
fn ssn(found: &Captures) -> Option<String> {
    let (area, group, serial) = (&found[1], &found[2], &found[3]);
    let valid = area != "000"
        && area != "666"
        && !area.starts_with('9')
        && group != "00"
        && serial != "0000";
    valid.then(|| "[SSN]".into())
}

fn cvv(found: &Captures) -> Option<String> {
    Some(format!("{}[CVV]", &found[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_mod_97_are_the_published_checks() {
        assert!(luhn(&digits("4111 1111 1111 1111")));
        assert!(!luhn(&digits("4111 1111 1111 1112")));
        assert!(iban_valid("GB82 WEST 1234 5698 7654 32"));
        assert!(iban_valid("FR1420041010050500013M02606"));
        assert!(!iban_valid("GB82 WEST 1234 5698 7654 33"));
    }
}
