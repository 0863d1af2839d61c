//! Group commit: appends that arrive while a transaction is being committed wait together
//! and share the next transaction, so N concurrent one-event requests cost one commit (one
//! fsync on SQLite, one WAL flush on PostgreSQL) instead of N. Each is still acknowledged
//! only after the commit that holds it.
//!
//! Appends go to the queue of a worker (one on SQLite, which has one writer; a few on
//! PostgreSQL): the one their tenant names, or for a batch of several interactions each in
//! turn ([`Committer`]). Each worker takes every job waiting in its queue, up to
//! [`GROUP_EVENTS`], and appends them in one transaction. A tenant's jobs are appended as
//! one batch (one statement per table for the whole group): right in the transaction when
//! the group is one tenant's, else inside a savepoint; if that fails, each of its jobs is
//! retried in a savepoint of its own (in a new transaction when there was none), so one
//! job's failure is its own and never another's. Tenants go in the order of their lock
//! keys, so two workers' groups cannot deadlock on PostgreSQL's per-interaction locks.
//! SQLite's worker runs its statements on a connection of its own, on its own thread
//! (`exec.rs`).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use interlog_core::{Event, TenantId};
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

use super::exec::spawn_writer;
use super::group::append_group;
use super::redaction::Settings;
use super::statement::Param;
use super::write::Writer;
use super::Backend;
use crate::{Appended, StoreError};

/// A group takes jobs until it holds this many events (a single larger job goes alone).
const GROUP_EVENTS: usize = 2_000;
/// Jobs that may wait in the queues; more wait to enter them (backpressure).
const QUEUE: usize = 4_096;
/// PostgreSQL's workers (its transactions run side by side).
const POSTGRES_WORKERS: usize = 4;

/// One append waiting for its commit.
pub(super) struct Job {
    pub(super) tenant: TenantId,
    pub(super) events: Vec<Event>,
    pub(super) rows: Vec<Vec<Param>>,
    /// The tenant's settings its events were redacted under (`redaction.rs`).
    pub(super) settings: Settings,
    pub(super) reply: oneshot::Sender<Result<Vec<Appended>, StoreError>>,
}

/// The queues in front of the workers, one each. Dropping them (with their store) stops
/// the workers once the queues are empty.
///
/// A job of one interaction's events (a webhook's single event, a conversation's message)
/// goes to the worker its tenant names, so a tenant's live traffic shares one worker's
/// groups. With one queue for all, two workers' groups held events of the same
/// interactions, and each waited on the other's lock on them for its whole transaction.
/// Named by the interaction instead, a tenant's single events were spread over every
/// worker in groups a quarter the size, which then committed one after another anyway:
/// each transaction holds its tenant's change head (`changes.rs`) from near its end to its
/// commit, WAL flush included. Under 64 connections of single-event posts, one worker per
/// tenant took a sixth to a third less CPU per post, with a lower p99, at about the same
/// rate (the README's Performance section). A job of several interactions (a batch, whose
/// statements are most of its transaction) goes to the workers in turn, so batches'
/// statements run side by side.
pub(super) struct Committer {
    queues: Vec<mpsc::Sender<Job>>,
    /// The worker the next job of several interactions goes to.
    turn: AtomicUsize,
}

impl Committer {
    /// Starts the workers, which commit through `pool`.
    pub(super) fn start(
        writer: Arc<Writer>,
        pool: AnyPool,
        lite: Option<rusqlite::Connection>,
    ) -> Self {
        let workers = match writer.backend {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_WORKERS,
        };
        let (queues, mut receivers): (Vec<_>, Vec<_>) =
            (0..workers).map(|_| mpsc::channel(QUEUE / workers)).unzip();
        match writer.backend {
            // SQLite's one worker runs on a thread of its own, where it runs SQLite
            // synchronously (`exec.rs`), off the runtime that serves requests.
            Backend::Sqlite => {
                let queue = receivers.remove(0);
                spawn_writer("interlog-commit", move || work(writer, pool, queue, lite));
            }
            Backend::Postgres => {
                for queue in receivers {
                    tokio::spawn(work(writer.clone(), pool.clone(), queue, None));
                }
            }
        }
        Self {
            queues,
            turn: AtomicUsize::new(0),
        }
    }

    /// The worker (modulo their number) a job of `events` goes to.
    fn worker_for(&self, tenant: &TenantId, events: &[Event]) -> usize {
        if self.queues.len() == 1 {
            return 0;
        }
        let first = events.first().map(|e| &e.interaction_id);
        if events.iter().any(|e| Some(&e.interaction_id) != first) {
            return self.turn.fetch_add(1, Ordering::Relaxed);
        }
        let mut hasher = std::hash::DefaultHasher::new();
        tenant.hash(&mut hasher);
        hasher.finish() as usize
    }

    /// Appends `events` (whose `events` rows are `rows`, redacted under `settings`) in the
    /// next group's transaction, and answers once it is committed; or
    /// [`StoreError::SettingsChanged`], having written nothing, when the tenant's stored
    /// settings are no longer `settings`.
    pub(super) async fn append(
        &self,
        tenant: &TenantId,
        events: &[Event],
        rows: Vec<Vec<Param>>,
        settings: Settings,
    ) -> Result<Vec<Appended>, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            tenant: tenant.clone(),
            events: events.to_vec(),
            rows,
            settings,
            reply,
        };
        let stopped = || StoreError::Database(sqlx::Error::PoolClosed);
        let queue = &self.queues[self.worker_for(tenant, events) % self.queues.len()];
        queue.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// A worker: takes every job waiting in its queue (up to a group's size) and commits them
/// together.
async fn work(
    writer: Arc<Writer>,
    pool: AnyPool,
    mut queue: mpsc::Receiver<Job>,
    mut lite: Option<rusqlite::Connection>,
) {
    while let Some(first) = queue.recv().await {
        let mut events = first.events.len();
        let mut group = vec![first];
        while events < GROUP_EVENTS {
            let Ok(job) = queue.try_recv() else { break };
            events += job.events.len();
            group.push(job);
        }
        commit(&writer, &pool, lite.as_mut(), group).await;
    }
}

/// Appends a group in one transaction and answers each job.
async fn commit(
    writer: &Writer,
    pool: &AnyPool,
    lite: Option<&mut rusqlite::Connection>,
    group: Vec<Job>,
) {
    let mut tenants: BTreeMap<String, Vec<Job>> = BTreeMap::new();
    for job in group {
        // The lock keys are `tenant/interaction`; ordering tenants by `tenant/` keeps
        // every key of the group in one global order.
        tenants
            .entry(format!("{}/", job.tenant))
            .or_default()
            .push(job);
    }
    let events: usize = (tenants.values().flatten())
        .map(|job| job.events.len())
        .sum();
    let began = std::time::Instant::now();
    let names: Vec<TenantId> = (tenants.values())
        .map(|jobs| jobs[0].tenant.clone())
        .collect();
    let committed = append_group(writer, pool, lite, tenants).await;
    metrics::histogram!("interlog_store_commit_duration_seconds").record(began.elapsed());
    metrics::histogram!("interlog_store_commit_events").record(events as f64);
    match committed {
        Ok((answers, written)) => {
            writer.keep(written);
            writer.committed(&names);
            for (reply, outcome) in answers {
                let _ = reply.send(outcome);
            }
        }
        Err((error, answers)) => {
            let error = Arc::new(error);
            for (reply, _) in answers {
                let _ = reply.send(Err(StoreError::GroupCommit(error.clone())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize, interaction: &str) -> Event {
        interlog_core::parse_event(serde_json::json!({
            "eventId": format!("e-{n}"),
            "interactionId": interaction,
            "type": "customer-disconnected",
            "timestamp": "2024-01-01T00:00:00Z",
        }))
        .expect("an event")
    }

    fn committer(workers: usize) -> Committer {
        Committer {
            queues: (0..workers).map(|_| mpsc::channel(1).0).collect(),
            turn: AtomicUsize::new(0),
        }
    }

    #[test]
    fn one_tenants_single_interaction_appends_share_a_worker_and_batches_take_turns() {
        let committer = committer(POSTGRES_WORKERS);
        let worker = |tenant: &str, events: &[Event]| {
            let tenant = TenantId::parse(tenant).unwrap();
            committer.worker_for(&tenant, events) % POSTGRES_WORKERS
        };
        let acme = worker("acme", &[event(0, "i-0")]);
        for n in 1..32 {
            let id = format!("i-{n}");
            assert_eq!(worker("acme", &[event(n, &id), event(n + 100, &id)]), acme);
        }
        let others: std::collections::BTreeSet<_> = (0..32)
            .map(|n| worker(&format!("tenant-{n}"), &[event(n, "i-0")]))
            .collect();
        assert!(others.len() > 1, "tenants spread over the workers");
        let batch = [event(0, "i-0"), event(1, "i-1")];
        let turns: Vec<_> = (0..POSTGRES_WORKERS)
            .map(|_| worker("acme", &batch))
            .collect();
        assert_eq!(turns, (0..POSTGRES_WORKERS).collect::<Vec<_>>());
    }
}
