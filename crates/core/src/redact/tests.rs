//! Each detector with true and false positives, and a tenant's own pattern.

use super::*;

fn redacted(text: &str) -> String {
    Redactor::new(&[], &[]).unwrap().text(text).into_owned()
}

#[test]
fn card_numbers_that_pass_luhn_keep_their_last_four() {
    for (said, token) in [
        (
            "my card is 4111 1111 1111 1111 thanks",
            "my card is [CARD ****1111] thanks",
        ),
        ("4111-1111-1111-1111", "[CARD ****1111]"),
        ("5555555555554444", "[CARD ****4444]"),
        ("amex 378282246310005.", "amex [CARD ****0005]."),
    ] {
        assert_eq!(redacted(said), token, "{said}");
    }
}

#[test]
fn security_codes_are_taken_only_after_words_that_announce_them() {
    assert_eq!(redacted("the CVV is 123"), "the CVV is [CVV]");
    assert_eq!(redacted("security code: 4321."), "security code: [CVV].");
    assert_eq!(
        redacted("the code on the back is 987"),
        "the code on the back is [CVV]"
    );
    assert_eq!(redacted("room 123 please"), "room 123 please");
}

#[test]
fn ssns_ibans_emails_and_phones() {
    assert_eq!(redacted("SSN 123-45-6789"), "SSN [SSN]");
    assert_eq!(
        redacted("IBAN GB82 WEST 1234 5698 7654 32 ok"),
        "IBAN [IBAN] ok"
    );
    assert_eq!(redacted("FR1420041010050500013M02606"), "[IBAN]");
    assert_eq!(
        redacted("write to jane.doe+cc@example.co.uk."),
        "write to [EMAIL]."
    );
    for phone in [
        "+33123456789",
        "+1 415 555 0100",
        "(415) 555-0100",
        "415-555-0100",
        "01 23 45 67 89",
    ] {
        assert_eq!(
            redacted(&format!("call {phone} now")),
            "call [PHONE] now",
            "{phone}"
        );
    }
}

#[test]
fn order_numbers_dates_times_prices_and_near_misses_stay() {
    for text in [
        "order 4111111111111112 shipped",  // fails Luhn
        "order number 1234567890123",      // fails Luhn
        "on 2026-11-29 at 10:30",          // a date and a time
        "it cost $1,234.56 or 1 234,56 €", // prices
        "SSN 000-12-3456 is not issued",   // area 000
        "GB82 WEST 1234 5698 7654 33",     // bad IBAN checksum
        "ticket 12345, room 42, 3 items",
        "version 1.2.3.4",
    ] {
        assert_eq!(redacted(text), text, "{text}");
    }
}

#[test]
fn a_tenants_own_pattern_has_its_token() {
    let pattern = RedactionPattern {
        name: "member".into(),
        regex: r"\bMBR-\d{6}\b".into(),
    };
    let redactor = Redactor::new(&[pattern], &[]).unwrap();
    assert_eq!(redactor.text("id MBR-123456 here"), "id [MEMBER] here");
}

#[test]
fn events_are_redacted_in_every_text_field() {
    let redactor = Redactor::new(&[], &[]).unwrap();
    let mut event = crate::parse_event(
        serde_json::json!({"eventId": "e", "type": "interaction-started",
        "interactionId": "i", "timestamp": "2026-11-29T10:00:00Z", "channelType": "chat",
        "direction": "inbound", "subject": "card 4111 1111 1111 1111",
        "attributes": {"nested": {"email": "a@b.example"}, "list": ["123-45-6789"]}}),
    )
    .unwrap();
    redactor.event(&mut event);
    let json = serde_json::to_string(&event.body).unwrap();
    assert!(
        json.contains("[CARD ****1111]") && json.contains("[EMAIL]") && json.contains("[SSN]"),
        "{json}"
    );
}

#[test]
fn the_customer_fields_a_policy_names_are_replaced_whole_and_the_id_stays() {
    let started = |customer: serde_json::Value| {
        crate::parse_event(
            serde_json::json!({"eventId": "e", "type": "interaction-started",
            "interactionId": "i", "timestamp": "2026-11-29T10:00:00Z", "channelType": "voice",
            "direction": "inbound", "customer": customer}),
        )
        .unwrap()
    };
    let customer = serde_json::json!({"id": "c-7", "name": "Jane Roe", "address": "+14155550100"});
    let name_only = Redactor::new(&[], &[CustomerField::Name]).unwrap();
    let mut event = started(customer.clone());
    name_only.event(&mut event);
    let EventBody::InteractionStarted(started_body) = &event.body else {
        unreachable!()
    };
    let kept = started_body.customer.as_ref().unwrap();
    assert_eq!(kept.name.as_deref(), Some(NAME_TOKEN));
    assert_eq!(kept.address.as_deref(), Some("+14155550100"));
    assert_eq!(kept.id.as_ref().unwrap().as_str(), "c-7");

    let both = Redactor::new(&[], &[CustomerField::Name, CustomerField::Address]).unwrap();
    let mut anonymous = started(serde_json::json!({"address": "+14155550100"}));
    both.event(&mut anonymous);
    let record = crate::project(
        &crate::TenantId::parse("t").unwrap(),
        &anonymous.interaction_id,
        &[anonymous.clone()],
    );
    let customer = record.customer.as_ref().unwrap();
    assert_eq!(customer.address.as_deref(), Some(ADDRESS_TOKEN));
    assert_eq!(customer.name, None, "a field that was absent stays absent");
    assert_eq!(
        record.customer_key(),
        None,
        "a redacted address is no one's key"
    );
}

#[test]
fn only_security_codes_are_redacted_from_what_is_kept() {
    let said = "card 4111 1111 1111 1111, cvv 737, mail jane@example.com";
    assert_eq!(
        Redactor::never_kept().text(said),
        "card 4111 1111 1111 1111, cvv [CVV], mail jane@example.com"
    );
}
