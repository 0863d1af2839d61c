//! A group commit's transaction (`commit.rs`): its jobs appended by tenant, each tenant's as
//! one batch, else one by one in savepoints, each job only if its events were redacted
//! under the tenant's settings as stored now.

use std::collections::BTreeMap;

use interlog_core::{Event, TenantId};
use sqlx::AnyPool;
use tokio::sync::oneshot;

use super::commit::Job;
use super::exec::Open;
use super::settings;
use super::statement::Param;
use super::write::{Writer, Written};
use crate::{Appended, StoreError};

/// Appends a group's jobs, by tenant, in one transaction: on SQLite's committer
/// connection (`lite`) while it holds sqlx's writer connection, so that no other write
/// meets it at SQLite's lock, else in a transaction of `pool`. Each job's answer, and what
/// the appends leave for after the commit; or why the transaction failed, with the answers
/// of the jobs it held.
pub(super) async fn append_group(
    writer: &Writer,
    pool: &AnyPool,
    mut lite: Option<&mut rusqlite::Connection>,
    mut tenants: BTreeMap<String, Vec<Job>>,
) -> Result<(Vec<Answer>, Vec<Written>), (StoreError, Vec<Answer>)> {
    let (mut answers, mut written) = (Vec::new(), Vec::new());
    let committed = async {
        let several = tenants.len() > 1;
        if !several {
            let (name, jobs) = tenants.pop_first().expect("one tenant");
            match as_batch(writer, Open::begin(pool, lite.as_deref_mut()).await?, jobs).await? {
                Ok(appended) => {
                    (answers, written) = appended;
                    return Ok(());
                }
                Err(jobs) => tenants.insert(name, jobs),
            };
        }
        let mut tx = Open::begin(pool, lite.as_deref_mut()).await?;
        for jobs in tenants.into_values() {
            let (tenant_answers, tenant_written) =
                append_tenant(writer, &mut tx, jobs, several).await?;
            answers.extend(tenant_answers);
            written.extend(tenant_written);
        }
        tx.commit().await
    }
    .await;
    match committed {
        Ok(()) => Ok((answers, written)),
        Err(error) => Err((error, answers)),
    }
}

/// Appends `jobs` (one tenant's) as one batch in `tx`, which is the group's transaction
/// when the group is one tenant's (the usual group: no savepoint, which costs two more
/// statements, and SQLite a copy of every page it changes), else a savepoint in it. `tx`
/// is committed if the append succeeds; otherwise it is rolled back and the jobs come
/// back, to be appended one by one.
async fn as_batch(
    writer: &Writer,
    mut tx: Open<'_>,
    jobs: Vec<Job>,
) -> Result<Result<(Vec<Answer>, Vec<Written>), Vec<Job>>, StoreError> {
    let tenant = jobs[0].tenant.clone();
    let (jobs, stored) = current(writer, &mut tx, &tenant, jobs).await?;
    if jobs.is_empty() {
        tx.rollback().await?;
        return Ok(Ok((Vec::new(), Vec::new())));
    }
    let (events, rows) = batch(&jobs);
    let stored = stored.as_deref();
    match writer
        .append_in(&mut tx.exec(), &tenant, &events, rows, stored)
        .await
    {
        Ok(written) => {
            // The answers go out only once the caller knows the commit held.
            tx.commit().await?;
            Ok(Ok(answered(jobs, written)))
        }
        Err(_) => {
            tx.rollback().await?;
            Ok(Err(jobs))
        }
    }
}

/// Of one tenant's `jobs`, those redacted under its settings as stored now, read in `tx`,
/// and those settings. Each of the others is answered [`StoreError::SettingsChanged`] now:
/// nothing of it is written, and its caller redacts it again.
async fn current(
    writer: &Writer,
    tx: &mut Open<'_>,
    tenant: &TenantId,
    jobs: Vec<Job>,
) -> Result<(Vec<Job>, Option<String>), StoreError> {
    let (jobs, stale, stored) =
        settings::current(&mut tx.exec(), writer.backend, tenant, jobs, |job| {
            job.settings.as_deref()
        })
        .await?;
    for job in stale {
        let _ = job.reply.send(Err(StoreError::SettingsChanged));
    }
    Ok((jobs, stored))
}

/// The events of `jobs` as one batch, and their rows.
fn batch(jobs: &[Job]) -> (Vec<Event>, Vec<Vec<Param>>) {
    let events = jobs.iter().flat_map(|j| j.events.clone()).collect();
    let rows = jobs.iter().flat_map(|j| j.rows.clone()).collect();
    (events, rows)
}

/// Each job's share of a batch's outcome, and what the batch leaves for after the commit.
fn answered(jobs: Vec<Job>, mut written: Written) -> (Vec<Answer>, Vec<Written>) {
    let mut outcome = std::mem::take(&mut written.outcome);
    let answers = jobs
        .into_iter()
        .map(|job| {
            let rest = outcome.split_off(job.events.len());
            (job.reply, Ok(std::mem::replace(&mut outcome, rest)))
        })
        .collect();
    (answers, vec![written])
}

pub(super) type Answer = (
    oneshot::Sender<Result<Vec<Appended>, StoreError>>,
    Result<Vec<Appended>, StoreError>,
);

/// Appends one tenant's jobs as one batch in a savepoint (when `batch_first`); if that
/// fails, or otherwise, each job alone. Each job's answer, and what the appends that
/// succeeded leave for after the commit.
async fn append_tenant(
    writer: &Writer,
    tx: &mut Open<'_>,
    mut jobs: Vec<Job>,
    batch_first: bool,
) -> Result<(Vec<Answer>, Vec<Written>), StoreError> {
    if batch_first && jobs.len() > 1 {
        match as_batch(writer, tx.savepoint().await?, jobs).await? {
            Ok(appended) => return Ok(appended),
            Err(back) => jobs = back,
        }
    }
    let tenant = jobs[0].tenant.clone();
    let (jobs, stored) = current(writer, tx, &tenant, jobs).await?;
    let mut answers = Vec::with_capacity(jobs.len());
    let mut written = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut savepoint = tx.savepoint().await?;
        let appended = writer
            .append_in(
                &mut savepoint.exec(),
                &tenant,
                &job.events,
                job.rows,
                stored.as_deref(),
            )
            .await;
        let outcome = match appended {
            Ok(mut appended) => {
                savepoint.commit().await?;
                let outcome = std::mem::take(&mut appended.outcome);
                written.push(appended);
                Ok(outcome)
            }
            Err(error) => {
                savepoint.rollback().await?;
                Err(error)
            }
        };
        answers.push((job.reply, outcome));
    }
    Ok((answers, written))
}
