//! Redaction at ingest: sensitive data in the text of events replaced by typed tokens
//! before anything is stored, so the original never reaches the log, the record, the
//! search index or a dialect.
//!
//! Detected (`detect.rs`): payment cards (13–19 digits, Luhn-checked) as `[CARD ****1111]`,
//! a security code after words that announce one as `[CVV]`, US social security numbers as
//! `[SSN]`, IBANs (mod 97) as `[IBAN]`, e-mail addresses as `[EMAIL]`, phone numbers as
//! `[PHONE]`, and a tenant's own patterns as `[NAME]`. Applied to transcript text, notes,
//! subjects, attached-data and flow-variable values, and text content, in every event type
//! that carries them (an imported record's too).

mod detect;
mod policy;

pub use policy::{CustomerField, Redaction, RedactionPattern, MAX_REDACTION_PATTERNS};

use std::borrow::Cow;

use regex::Regex;
use serde_json::Value;

use crate::event::{Event, EventBody};
use crate::record::{Attributes, Customer, Interaction};

/// What a redacted customer name is stored as.
pub const NAME_TOKEN: &str = "[NAME]";
/// What a redacted customer address is stored as (never a customer key: see
/// [`Interaction::customer_key`]).
pub const ADDRESS_TOKEN: &str = "[ADDRESS]";

/// A tenant's redaction, ready to apply: the built-in detectors, its own patterns and the
/// customer fields it names.
#[derive(Clone, Debug)]
pub struct Redactor {
    /// Each pattern with its token (`[ACCOUNT]` for the pattern named `account`).
    patterns: Vec<(Regex, String)>,
    customer_fields: Vec<CustomerField>,
    /// Only the detectors of what may never be kept run ([`Redactor::never_kept`]).
    never_kept_only: bool,
}

impl Redactor {
    /// The redactor with a tenant's extra patterns (validated with the settings) and the
    /// customer fields to redact.
    pub fn new(
        patterns: &[RedactionPattern],
        customer_fields: &[CustomerField],
    ) -> Result<Self, String> {
        let patterns = (patterns.iter())
            .map(|p| Ok((p.compile()?, format!("[{}]", p.name.to_uppercase()))))
            .collect::<Result<_, String>>()?;
        let customer_fields = customer_fields.to_vec();
        Ok(Self {
            patterns,
            customer_fields,
            never_kept_only: false,
        })
    }

    /// The redactor of what may never be kept, even sealed as an original: a card's
    /// security code (PCI DSS 3.3.1).
    pub fn never_kept() -> Self {
        Self {
            patterns: Vec::new(),
            customer_fields: Vec::new(),
            never_kept_only: true,
        }
    }

    /// `text` with everything detected replaced by its token.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        let detectors =
            (detect::DETECTORS.iter()).filter(|d| d.never_kept || !self.never_kept_only);
        for detector in detectors {
            let replaced = detector
                .pattern
                .replace_all(&out, |found: &regex::Captures| {
                    (detector.replace)(found).unwrap_or_else(|| found[0].to_string())
                });
            if let Cow::Owned(changed) = replaced {
                out = Cow::Owned(changed);
            }
        }
        for (pattern, token) in &self.patterns {
            if let Cow::Owned(changed) = pattern.replace_all(&out, token.as_str()) {
                out = Cow::Owned(changed);
            }
        }
        out
    }

    fn string(&self, text: &mut String) {
        if let Cow::Owned(changed) = self.text(text) {
            *text = changed;
        }
    }

    fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.string(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(fields) => fields.values_mut().for_each(|v| self.value(v)),
            _ => {}
        }
    }

    fn attributes(&self, attributes: &mut Attributes) {
        attributes.values_mut().for_each(|v| self.value(v));
    }

    fn customer(&self, customer: &mut Option<Customer>) {
        let Some(customer) = customer else { return };
        for field in &self.customer_fields {
            let (value, token) = match field {
                CustomerField::Name => (&mut customer.name, NAME_TOKEN),
                CustomerField::Address => (&mut customer.address, ADDRESS_TOKEN),
            };
            if value.is_some() {
                *value = Some(token.to_string());
            }
        }
    }

    /// Redacts an event's text in place.
    pub fn event(&self, event: &mut Event) {
        match &mut event.body {
            EventBody::InteractionStarted(started) => {
                started.subject.iter_mut().for_each(|s| self.string(s));
                self.attributes(&mut started.attributes);
                self.customer(&mut started.customer);
            }
            EventBody::Message(message) => self.string(&mut message.text),
            EventBody::NoteAdded(note) => self.string(&mut note.text),
            EventBody::AttributesSet(set) => self.attributes(&mut set.attributes),
            EventBody::FlowStep(step) => {
                step.variables.values_mut().for_each(|v| self.attributes(v))
            }
            EventBody::ContentAdded(content) => {
                content.text.iter_mut().for_each(|t| self.string(t))
            }
            EventBody::InteractionImported(import) => self.record(&mut import.record),
            _ => {}
        }
    }

    /// Redacts an imported record's text in place.
    fn record(&self, record: &mut Interaction) {
        record.subject.iter_mut().for_each(|s| self.string(s));
        self.customer(&mut record.customer);
        record
            .notes
            .iter_mut()
            .for_each(|n| self.string(&mut n.text));
        record
            .messages
            .iter_mut()
            .for_each(|m| self.string(&mut m.text));
        self.attributes(&mut record.attributes);
        record
            .variable_sets
            .values_mut()
            .for_each(|v| self.attributes(v));
        record
            .content
            .plain_text
            .iter_mut()
            .for_each(|t| self.string(t));
        if let Some(structured) = &mut record.content.structured_text {
            self.string(&mut structured.body);
        }
    }
}

#[cfg(test)]
mod tests;
