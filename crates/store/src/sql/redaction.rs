//! Redaction at ingest (`interlog_core::redact`): each append is redacted under its tenant's
//! settings as this process last read them, and when redaction is on only the redacted
//! events are stored. The group committer reads the settings again inside the append's
//! transaction (`group.rs`): an append redacted under settings that have changed since
//! (through another server, or `interlog tenants` on the data directory) is not written but
//! redacted again under the new ones, so a change applies to every append written after it,
//! everywhere, without a read per request (a round trip on PostgreSQL). Under
//! `redact-and-keep-original`, each event redaction changed also keeps its original (but
//! for security codes, which are never kept: PCI DSS 3.3.1), sealed with the originals key ([`crate::originals`]), in its row's `original` column:
//! erasure and retention delete it with the row. Compiled redactors are kept by the
//! settings' text, so a tenant's patterns compile once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use interlog_core::redact::{Redaction, Redactor};
use interlog_core::{Event, InteractionId, TenantId};
use sqlx::Row;

use super::write::event_rows;
use super::{corrupt, SqlStore};
use crate::originals::OriginalsKey;
use crate::{Appended, StoreError};

/// Settings texts whose redactor is kept, and tenants whose settings are, at most (then
/// the cache starts again).
const KEPT: usize = 1024;
/// How many times an append is redacted before it gives up on settings that change under
/// every try.
const SETTINGS_TRIES: usize = 5;

/// What is redacted from kept originals too (security codes).
static NEVER_KEPT: LazyLock<Redactor> = LazyLock::new(Redactor::never_kept);

/// A tenant's policy, ready to apply.
struct Policy {
    redactor: Redactor,
    keep_original: bool,
}

/// Redactors by the settings text they were made from (`None` when redaction is off), the
/// settings text each tenant's appends are redacted under, and the key that seals kept
/// originals.
#[derive(Default)]
pub(super) struct Redactors {
    kept: Mutex<HashMap<String, Option<Arc<Policy>>>>,
    /// Each tenant's stored settings as last read (`None`: the tenant has none stored).
    settings: Mutex<HashMap<TenantId, Settings>>,
    key: OnceLock<OriginalsKey>,
}

/// A tenant's stored settings text, shared by the appends redacted under it.
pub(super) type Settings = Option<Arc<str>>;

/// Events as a tenant's policy stores them.
pub(super) struct Redacted<'a> {
    pub(super) events: Cow<'a, [Event]>,
    /// Each event's sealed original, where one is kept (empty when none is).
    pub(super) originals: Vec<Option<String>>,
    /// The settings they were redacted under, for the committer to check.
    pub(super) settings: Settings,
}

/// What a sealed original is bound to: its row.
fn row(tenant: &TenantId, event: &Event) -> String {
    format!("{tenant}/{}", event.event_id)
}

impl Redactors {
    /// Remembers `tenant`'s stored settings, read or written by this process.
    pub(super) fn saw(&self, tenant: &TenantId, settings: Settings) {
        let mut seen = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= KEPT && !seen.contains_key(tenant) {
            seen.clear();
        }
        seen.insert(tenant.clone(), settings);
    }

    fn seen(&self, tenant: &TenantId) -> Option<Settings> {
        let seen = self.settings.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(tenant).cloned()
    }

    fn for_settings(&self, json: &str) -> Result<Option<Arc<Policy>>, StoreError> {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(policy) = kept.get(json) {
            return Ok(policy.clone());
        }
        let settings = super::settings::parse(json)?;
        let policy = match settings.redaction.redacts() {
            false => None,
            true => Some(Arc::new(Policy {
                redactor: Redactor::new(
                    &settings.redaction_patterns,
                    &settings.redaction_customer_fields,
                )
                .map_err(StoreError::Corrupt)?,
                keep_original: settings.redaction == Redaction::RedactAndKeepOriginal,
            })),
        };
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(json.to_string(), policy.clone());
        Ok(policy)
    }

    fn key(&self) -> Result<&OriginalsKey, StoreError> {
        self.key.get().ok_or_else(|| {
            StoreError::Config(
                "the tenant keeps originals (redact-and-keep-original) but this process has \
                 no originals key"
                    .into(),
            )
        })
    }

    /// The originals sealed for the events `redacted` changed.
    fn seal(
        &self,
        tenant: &TenantId,
        events: &[Event],
        redacted: &[Event],
    ) -> Result<Vec<Option<String>>, StoreError> {
        let key = self.key()?;
        (events.iter().zip(redacted))
            .map(|(event, stored)| {
                if event == stored {
                    return Ok(None);
                }
                let mut original = event.clone();
                NEVER_KEPT.event(&mut original);
                let json = serde_json::to_vec(&original).map_err(|e| corrupt("event", e))?;
                key.seal(&row(tenant, event), &json).map(Some)
            })
            .collect()
    }
}

impl SqlStore {
    /// See [`crate::EventLog::use_originals_key`].
    pub(super) fn set_originals_key(&self, key: OriginalsKey) {
        let _ = self.redactors.key.set(key);
    }

    /// Appends `events` as the tenant's redaction policy stores them: redacted under its
    /// settings as last read, and again under the stored ones when the group committer
    /// finds that they changed meanwhile.
    pub(super) async fn append_redacted(
        &self,
        tenant: &TenantId,
        events: &[Event],
    ) -> Result<Vec<Appended>, StoreError> {
        let mut fresh = false;
        for _ in 0..SETTINGS_TRIES {
            let redacted = self.redacted(tenant, events, fresh).await?;
            let rows = event_rows(tenant, &redacted.events, &redacted.originals)?;
            let (events, settings) = (&redacted.events, redacted.settings.clone());
            match self.committer.append(tenant, events, rows, settings).await {
                Err(StoreError::SettingsChanged) => fresh = true,
                outcome => return outcome,
            }
        }
        Err(StoreError::SettingsChanged)
    }

    /// `events` as the tenant's redaction policy stores them: under its settings as last
    /// read, or as read now when `fresh` (or never read).
    pub(super) async fn redacted<'a>(
        &self,
        tenant: &TenantId,
        events: &'a [Event],
        fresh: bool,
    ) -> Result<Redacted<'a>, StoreError> {
        let settings = match self.redactors.seen(tenant).filter(|_| !fresh) {
            Some(settings) => settings,
            None => {
                let settings: Settings = self.settings_json(tenant).await?.map(Arc::from);
                self.redactors.saw(tenant, settings.clone());
                settings
            }
        };
        let policy = match &settings {
            Some(json) => self.redactors.for_settings(json)?,
            None => None,
        };
        let Some(policy) = policy else {
            return Ok(Redacted {
                events: Cow::Borrowed(events),
                originals: Vec::new(),
                settings,
            });
        };
        let mut redacted = events.to_vec();
        redacted.iter_mut().for_each(|e| policy.redactor.event(e));
        let originals = match policy.keep_original {
            true => self.redactors.seal(tenant, events, &redacted)?,
            false => Vec::new(),
        };
        Ok(Redacted {
            events: Cow::Owned(redacted),
            originals,
            settings,
        })
    }

    /// See [`crate::EventLog::revealed_events`].
    pub(super) async fn load_revealed(
        &self,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT body, original FROM events WHERE tenant_id = $1 AND interaction_id = $2 \
             ORDER BY {}",
            self.backend.arrival()
        ))
        .bind(tenant.as_str())
        .bind(id.as_str())
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|r| {
                let body: String = r.try_get(0)?;
                let event: Event = serde_json::from_str(&body).map_err(|e| corrupt("event", e))?;
                let Some(sealed) = r.try_get::<Option<String>, _>(1)? else {
                    return Ok(event);
                };
                let original = self.redactors.key()?.open(&row(tenant, &event), &sealed)?;
                serde_json::from_slice(&original).map_err(|e| corrupt("original", e))
            })
            .collect()
    }
}
