//! The write side: append events (`contents.rs` keeps the bytes of binaries they name), and
//! re-project each touched interaction (`records.rs` rewrites its record and index rows).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use interlog_core::{Event, EventBody, InteractionId, Projection, TenantId};
use sqlx::{Any, Executor, Transaction};

use super::contents::store_content;
use super::exec::Exec;
use super::kept::{folded, refolded, Digests, Kept};
use super::known::{Contributed, Known, RowKeys};
use super::rollups;
use super::search;
use super::statement::{in_lists, opt_text, text, values_statements, Param};
use super::transcript::Rewrite;
use super::webhooks;
use super::{corrupt, Backend, SqlStore};
use crate::{now_ms, Appended, StoreError};

pub(super) type Tx<'a> = Transaction<'a, Any>;

/// The write side of a store: what appending needs beside a transaction. The group
/// committer's workers share it (`commit.rs`).
pub(super) struct Writer {
    pub(super) backend: Backend,
    /// Recent projections, so an in-order event costs the same however long its log.
    kept: Mutex<Kept>,
    /// Tenants whose changes committed, for the live stream's readers (`changes.rs`).
    pub(super) commits: tokio::sync::broadcast::Sender<TenantId>,
}

/// An interaction an append touched: its projection after the append, and how its
/// transcript rows change.
pub(super) struct Touched {
    pub(super) id: InteractionId,
    pub(super) projection: Projection,
    pub(super) rewrite: Rewrite,
    /// The digests of the index rows and search head written before (kept projections).
    pub(super) previous: Option<Digests>,
    /// The search parts of the stored messages from the first one written on, where a
    /// refold knows them (`kept.rs`): only the parts that differ are written again.
    pub(super) searched: Option<Vec<search::Part>>,
    /// The digests of those this append writes (`records.rs` sets them).
    pub(super) digest: Digests,
    /// What the stored record added to the report rollups (none for a new record).
    pub(super) contributed: Option<Contributed>,
    /// Whether the stored record had ended (false for a new record).
    pub(super) ended_before: bool,
    /// The stored row's indexed columns (none for a new record).
    pub(super) stored_keys: Option<RowKeys>,
}

impl Touched {
    /// A projection folded from scratch (`Fresh`, `Whole`) has every message as changed;
    /// the rewrite says so already, and the projection is kept from now on.
    pub(super) fn new(id: &InteractionId, mut projection: Projection, rewrite: Rewrite) -> Self {
        if !matches!(rewrite, Rewrite::From { .. }) {
            projection.take_transcript_changes();
        }
        Self {
            id: id.clone(),
            projection,
            rewrite,
            previous: None,
            searched: None,
            digest: Digests::default(),
            contributed: None,
            ended_before: false,
            stored_keys: None,
        }
    }
}

/// What a refold knows of the projection a stored record's rows were written from.
enum Stored {
    /// It was kept, with the digests of what was written for it (an event arrived out of
    /// order).
    Kept(Box<Projection>, Digests),
    /// It was not kept (the interaction was quiet while others were written, or another
    /// process wrote it last): it is the projection of the log as it was before this
    /// append, its first `log_len` events in arrival order (the record's `log_len`; this
    /// append's events come after them), folded again. Without it, every transcript row
    /// and search part of the interaction was written again, and on SQLite each part's
    /// delete is FTS5's secure delete, a seek per word in every segment of the index.
    Logged(usize),
    /// Nothing is assumed of them: everything is written again (a re-projection).
    Unknown,
}

/// What an append leaves to do once its transaction commits.
pub(super) struct Written {
    /// Each event's outcome, in the order given.
    pub(super) outcome: Vec<Appended>,
    /// The touched interactions' projections, to keep ([`Writer::keep`]).
    projections: Vec<((TenantId, InteractionId), Projection, Digests)>,
}

impl Writer {
    pub(super) fn new(backend: Backend) -> Self {
        Self {
            backend,
            kept: Mutex::default(),
            commits: tokio::sync::broadcast::channel(super::changes::COMMITS).0,
        }
    }

    /// Forgets the kept projections of erased interactions.
    pub(super) fn forget(&self, tenant: &TenantId, ids: &BTreeSet<&InteractionId>) {
        let mut kept = self.kept.lock().expect("kept projections");
        for id in ids {
            kept.forget(tenant, id);
        }
    }

    /// Keeps the projections of committed appends.
    pub(super) fn keep(&self, written: impl IntoIterator<Item = Written>) {
        let projections = written.into_iter().flat_map(|w| w.projections).collect();
        self.kept.lock().expect("kept projections").put(projections);
    }

    /// Appends `events` inside `tx`, re-projecting every interaction that gained one. Each
    /// step is one statement per table for the whole batch (multi-row inserts, `IN` lists),
    /// not one per event: the statement count, not SQLite, bounds ingest otherwise.
    /// `rows` are the events' [`event_rows`], made before the transaction began so that
    /// serializing them does not hold the writer; `settings` the tenant's stored settings,
    /// read in `tx`.
    pub(super) async fn append_in(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        events: &[Event],
        rows: Vec<Vec<Param>>,
        settings: Option<&str>,
    ) -> Result<Written, StoreError> {
        let interactions: BTreeSet<&InteractionId> =
            events.iter().map(|e| &e.interaction_id).collect();
        self.lock_interactions(tx, tenant, &interactions).await?;
        let mut inserted = self.insert_events(tx, rows).await?;
        let mut outcome = Vec::with_capacity(events.len());
        let mut fresh: BTreeMap<&InteractionId, Vec<&Event>> = BTreeMap::new();
        for event in events {
            if !inserted.remove(event.event_id.as_str()) {
                outcome.push(Appended::Duplicate);
                continue;
            }
            fresh.entry(&event.interaction_id).or_default().push(event);
            outcome.push(Appended::New);
            // Inline binaries are also kept as bytes, so the content endpoint serves them.
            if let EventBody::ContentAdded(content) = &event.body {
                if let (Some(bytes), Some(mime)) = (content.decoded_data(), &content.mime) {
                    store_content(tx, self.backend, tenant, event, mime, &bytes).await?;
                }
            }
        }
        let mut touched = self.project_touched(tx, tenant, fresh).await?;
        let thresholds = rollups::thresholds_of(settings)?;
        let records = self
            .write_records(tx, tenant, thresholds, &mut touched)
            .await?;
        let ids: Vec<&InteractionId> = touched.iter().map(|t| &t.id).collect();
        let subscriptions = match ids.is_empty() {
            true => Vec::new(),
            false => webhooks::subscriptions(tx, self.backend, tenant).await?,
        };
        // From here to the commit the tenant's change head is held: keep what follows short.
        let first = self.record_changes(tx, tenant, &ids).await?;
        let ended_before = touched.iter().map(|t| t.ended_before);
        let changed = records.iter().zip(ended_before).collect::<Vec<_>>();
        webhooks::enqueue(tx, self.backend, tenant, &subscriptions, &changed, first).await?;
        let projections = touched
            .into_iter()
            .map(|t| ((tenant.clone(), t.id), t.projection, t.digest))
            .collect();
        Ok(Written {
            outcome,
            projections,
        })
    }

    /// The projection of every interaction that gained `fresh` events (each in arrival
    /// order). A new interaction (no record yet: every append writes one) is folded from
    /// its fresh events; a known one's fresh events are folded onto its kept projection
    /// when that is current and they sort after it; any other is folded from its whole log.
    async fn project_touched(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        fresh: BTreeMap<&InteractionId, Vec<&Event>>,
    ) -> Result<Vec<Touched>, StoreError> {
        let known = self.known_interactions(tx, tenant, fresh.keys()).await?;
        let mut projected = Vec::with_capacity(fresh.len());
        let mut stale = Vec::new();
        {
            let mut kept = self.kept.lock().expect("kept projections");
            for (&id, events) in &fresh {
                let Some(Known { log_len, .. }) = known.get(id.as_str()) else {
                    let projection = Projection::fold(tenant, id, events.iter().copied());
                    projected.push(Touched::new(id, projection, Rewrite::Fresh));
                    folded("new");
                    continue;
                };
                let Some((mut projection, digest)) = kept.take(tenant, id, *log_len) else {
                    stale.push((id, Stored::Logged(*log_len)));
                    continue;
                };
                let before = projection.messages().len();
                if !projection.apply_all(events) {
                    stale.push((id, Stored::Kept(Box::new(projection), digest)));
                    continue;
                }
                let from = projection.take_transcript_changes();
                let mut touched = Touched::new(id, projection, Rewrite::From { from, before });
                touched.previous = Some(digest);
                projected.push(touched);
                folded("kept");
            }
        }
        projected.extend(self.refold(tx, tenant, stale).await?);
        Known::attach(known, &mut projected);
        Ok(projected)
    }

    /// Interactions projected from their whole logs, each beside the projection its stored
    /// rows were written from ([`Stored`]).
    async fn refold(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        stale: Vec<(&InteractionId, Stored)>,
    ) -> Result<Vec<Touched>, StoreError> {
        let ids: Vec<&InteractionId> = stale.iter().map(|(id, _)| *id).collect();
        let logs = self.load_logs(tx, tenant, &ids).await?;
        Ok((stale.into_iter())
            .map(|(id, stored)| {
                let log = logs.get(id.as_str()).map_or(&[][..], Vec::as_slice);
                folded("log");
                let stored = match stored {
                    Stored::Kept(projection, digest) => Some((*projection, Some(digest))),
                    Stored::Logged(log_len) => (log.get(..log_len))
                        .map(|before| (Projection::fold(tenant, id, before), None)),
                    Stored::Unknown => None,
                };
                refolded(id, Projection::fold(tenant, id, log), stored)
            })
            .collect())
    }

    /// Re-projects `ids` from their logs, rewriting their records, index rows and
    /// rollups (their contributions computed with the tenant's current thresholds).
    pub(super) async fn reproject_in(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        ids: &[InteractionId],
    ) -> Result<(), StoreError> {
        let set: BTreeSet<&InteractionId> = ids.iter().collect();
        self.lock_interactions(tx, tenant, &set).await?;
        let known = self.known_interactions(tx, tenant, set.iter()).await?;
        let ids: Vec<&InteractionId> = set.into_iter().collect();
        let stale = ids.iter().map(|&id| (id, Stored::Unknown)).collect();
        let mut touched = self.refold(tx, tenant, stale).await?;
        Known::attach(known, &mut touched);
        let thresholds = rollups::thresholds(tx, self.backend, tenant).await?;
        self.write_records(tx, tenant, thresholds, &mut touched)
            .await?;
        self.record_changes(tx, tenant, &ids).await?;
        Ok(())
    }

    /// Inserts the events' rows, returning the eventIds that were new. Rows are inserted in
    /// order, so of two events with one id in a batch the first is kept; RETURNING names
    /// only the rows that were new.
    async fn insert_events(
        &self,
        tx: &mut Exec<'_, '_>,
        rows: Vec<Vec<Param>>,
    ) -> Result<HashSet<String>, StoreError> {
        let mut inserted = HashSet::new();
        for sql in values_statements(
            self.backend,
            "INSERT INTO events (tenant_id, event_id, interaction_id, timestamp_ms, received_ms, body, original)",
            "(?, ?, ?, ?, ?, ?, ?)",
            rows,
            "ON CONFLICT (tenant_id, event_id) DO NOTHING RETURNING event_id",
        ) {
            let rows: Vec<(String,)> = tx.rows(&sql).await?;
            inserted.extend(rows.into_iter().map(|(id,)| id));
        }
        Ok(inserted)
    }

    /// Serializes writers of one interaction across connections and servers (PostgreSQL):
    /// a transaction-scoped advisory lock per interaction, taken in one statement, in one
    /// global order (bytewise, as the set is), so two batches cannot deadlock. Locking is
    /// volatile, so PostgreSQL evaluates it after the sort.
    pub(super) async fn lock_interactions(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        ids: &BTreeSet<&InteractionId>,
    ) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let keys = ids
            .iter()
            .map(|id| vec![text(format!("{tenant}/{id}"))])
            .collect();
        let head = "SELECT pg_advisory_xact_lock(hashtextextended(v.k, 0))::text FROM (";
        for sql in values_statements(
            self.backend,
            head,
            "(?)",
            keys,
            ") AS v(k) ORDER BY v.k COLLATE \"C\"",
        ) {
            tx.execute(&sql).await?;
        }
        Ok(())
    }

    /// The logs of several interactions, each in arrival order, keyed by interaction id.
    async fn load_logs(
        &self,
        tx: &mut Exec<'_, '_>,
        tenant: &TenantId,
        ids: &[&InteractionId],
    ) -> Result<HashMap<String, Vec<Event>>, StoreError> {
        let mut logs: HashMap<String, Vec<Event>> = HashMap::new();
        let order = format!(" ORDER BY {}", self.backend.arrival());
        let head =
            "SELECT interaction_id, body FROM events WHERE tenant_id = ? AND interaction_id IN";
        for sql in in_lists(
            self.backend,
            head,
            &[text(tenant.as_str())],
            ids.iter().map(|id| text(id.as_str())).collect(),
            &order,
        ) {
            let rows: Vec<(String, String)> = tx.rows(&sql).await?;
            for (id, body) in rows {
                logs.entry(id).or_default().push(parse_event(&body)?);
            }
        }
        Ok(logs)
    }
}

impl SqlStore {
    pub(super) async fn load_events<'e>(
        &self,
        executor: impl Executor<'e, Database = Any>,
        tenant: &TenantId,
        id: &InteractionId,
    ) -> Result<Vec<Event>, StoreError> {
        let bodies: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT body FROM events WHERE tenant_id = $1 AND interaction_id = $2 ORDER BY {}",
            self.backend.arrival()
        ))
        .bind(tenant.as_str())
        .bind(id.as_str())
        .fetch_all(executor)
        .await?;
        bodies.iter().map(|(body,)| parse_event(body)).collect()
    }
}

/// The `events` rows of a batch, received now, with each event's sealed original where
/// `originals` holds one.
pub(super) fn event_rows(
    tenant: &TenantId,
    events: &[Event],
    originals: &[Option<String>],
) -> Result<Vec<Vec<Param>>, StoreError> {
    let received = now_ms();
    events
        .iter()
        .enumerate()
        .map(|(n, event)| {
            let body = serde_json::to_string(event).map_err(|e| corrupt("event", e))?;
            let original = originals.get(n).cloned().flatten();
            Ok(vec![
                text(tenant.as_str()),
                text(event.event_id.as_str()),
                text(event.interaction_id.as_str()),
                Param::Int(event.timestamp.millis()),
                Param::Int(received),
                text(body),
                opt_text(original),
            ])
        })
        .collect()
}

fn parse_event(body: &str) -> Result<Event, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt("event", e))
}
