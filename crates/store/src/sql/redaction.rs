//! Redaction at ingest (`interlog_core::redact`): each append reads its tenant's settings
//! (one primary-key read, so a change made through any server applies to the next append
//! everywhere) and, when redaction is on, stores only the redacted events. Compiled
//! redactors are kept by the settings' text, so a tenant's patterns compile once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use interlog_core::redact::{Redaction, Redactor};
use interlog_core::{Event, TenantId};

use super::SqlStore;
use crate::StoreError;

/// Settings texts whose redactor is kept, at most (then the cache starts again).
const KEPT: usize = 1024;

/// Redactors by the settings text they were made from; `None` when redaction is off.
#[derive(Default)]
pub(super) struct Redactors(Mutex<HashMap<String, Option<Arc<Redactor>>>>);

impl Redactors {
    fn for_settings(&self, json: &str) -> Result<Option<Arc<Redactor>>, StoreError> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(redactor) = kept.get(json) {
            return Ok(redactor.clone());
        }
        let settings = super::settings::parse(json)?;
        let redactor = match settings.redaction {
            Redaction::Off => None,
            Redaction::Redact => Some(Arc::new(
                Redactor::new(&settings.redaction_patterns).map_err(StoreError::Corrupt)?,
            )),
        };
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(json.to_string(), redactor.clone());
        Ok(redactor)
    }
}

impl SqlStore {
    /// `events` as the tenant's redaction policy stores them.
    pub(super) async fn redacted<'a>(
        &self,
        tenant: &TenantId,
        events: &'a [Event],
    ) -> Result<Cow<'a, [Event]>, StoreError> {
        let Some(json) = super::settings::stored(&self.reader, tenant).await? else {
            return Ok(Cow::Borrowed(events));
        };
        let Some(redactor) = self.redactors.for_settings(&json)? else {
            return Ok(Cow::Borrowed(events));
        };
        let mut redacted = events.to_vec();
        redacted.iter_mut().for_each(|event| redactor.event(event));
        Ok(Cow::Owned(redacted))
    }
}
