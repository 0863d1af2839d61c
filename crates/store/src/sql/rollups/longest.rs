//! The longest answered wait (`longest_answer_ms`), a maximum: a wait that enters a row is
//! kept with MAX by the upsert; one that leaves or shrinks makes its rows stale, and they are
//! recomputed: a quarter-hour row from the answers kept in `report_answers` (an agent's
//! totals from its quarter-hour agent rows), an hour or day row from its quarter-hour rows.
//! Answers leave when a correction re-projects a record, and in live traffic whenever an
//! interaction's events arrive out of order (webhooks sent in parallel): until the
//! `interaction-started` that names its channel arrives, say, its answer sits in a cell
//! without one. So a recompute reads by index seeks only.

use std::collections::BTreeSet;

use interlog_core::report::{Cell, Change, Level, Rollup, BUCKET_MS};
use interlog_core::settings::TimeZone;
use interlog_core::TenantId;

use super::super::exec::Exec;
use super::super::statement::{text, values_statements, Param, Sql};
use super::super::Backend;
use super::{containing, key_value, keys, table};
use crate::StoreError;

/// The answer facts' key columns, after the tenant.
const ANSWER_KEYS: [&str; 6] = [
    "bucket_ms",
    "agent_id",
    "queue_id",
    "channel",
    "direction",
    "interaction_id",
];

/// Keeps (`Some(wait)`) or forgets (`None`) each interaction's answered wait in a cell, as
/// a change's latest answers say.
pub(super) async fn keep_answers(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    answers: &Change,
) -> Result<(), StoreError> {
    let conditions: Vec<String> = (["tenant_id"].iter().chain(&ANSWER_KEYS))
        .map(|k| format!("{k} = ?"))
        .collect();
    let forget = format!(
        "DELETE FROM report_answers WHERE {}",
        conditions.join(" AND ")
    );
    let mut kept = Vec::new();
    for (cell, interaction, wait) in answers.latest_answers() {
        let mut key = vec![text(tenant.as_str())];
        key.extend(
            ANSWER_KEYS[..5]
                .iter()
                .map(|k| key_value(k, Level::Quarter, cell)),
        );
        key.push(text(interaction.as_str()));
        match wait {
            Some(wait) => kept.push([key, vec![Param::Int(*wait)]].concat()),
            None => {
                tx.execute(&Sql::with(backend, &forget, key)).await?;
            }
        }
    }
    let keys = ANSWER_KEYS.join(", ");
    let head = format!("INSERT INTO report_answers (tenant_id, {keys}, wait_ms)");
    let row = format!("({})", vec!["?"; ANSWER_KEYS.len() + 2].join(", "));
    let tail = format!("ON CONFLICT (tenant_id, {keys}) DO UPDATE SET wait_ms = excluded.wait_ms");
    for sql in values_statements(backend, &head, &row, kept, &tail) {
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// Recomputes the rows holding each stale quarter-hour cell, finest level first.
pub(super) async fn recompute(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    day_zone: TimeZone,
    stale: &BTreeSet<Cell>,
) -> Result<(), StoreError> {
    let mut rows = BTreeSet::new();
    let mut days = Default::default();
    for cell in stale {
        for (rollup, level, cell) in containing(cell, day_zone, &mut days) {
            rows.insert((level, rollup, cell));
        }
    }
    for (level, rollup, cell) in rows {
        tx.execute(&recompute_sql(
            backend, tenant, day_zone, level, rollup, &cell,
        ))
        .await?;
    }
    Ok(())
}

/// The statement setting one row's longest wait to the largest of what it is made of.
fn recompute_sql(
    backend: Backend,
    tenant: &TenantId,
    day_zone: TimeZone,
    level: Level,
    rollup: Rollup,
    cell: &Cell,
) -> Sql {
    let mut sql = Sql::new(
        backend,
        &format!(
            "UPDATE {} SET longest_answer_ms = COALESCE((",
            table(rollup)
        ),
    );
    let (first, rest) = keys(rollup).split_at(2); // level and bucket_ms, then dimensions
    let equal = |keys: &[&str], sql: &mut Sql| {
        for key in keys {
            sql.push(&format!(" AND {key} = ?"), [key_value(key, level, cell)]);
        }
    };
    if level == Level::Quarter && rollup != Rollup::AgentTotals {
        sql.push(
            "SELECT MAX(wait_ms) FROM report_answers WHERE tenant_id = ? AND bucket_ms = ?",
            [text(tenant.as_str()), Param::Int(cell.bucket_ms)],
        );
        equal(&ANSWER_KEYS[1..5], &mut sql);
    } else {
        let (source, within) = match level {
            Level::Quarter => (Rollup::Agents, (cell.bucket_ms, cell.bucket_ms + 1)),
            _ => (rollup, level.bucket(cell.bucket_ms, day_zone)),
        };
        sql.push(
            &format!(
                "SELECT MAX(longest_answer_ms) FROM {} WHERE tenant_id = ? AND level = ? \
                 AND bucket_ms IN",
                table(source)
            ),
            [text(tenant.as_str()), Param::Int(Level::Quarter.code())],
        );
        sql.push_list(quarters(within).map(Param::Int));
        equal(rest, &mut sql);
    }
    sql.push("), 0) WHERE tenant_id = ?", [text(tenant.as_str())]);
    equal(first, &mut sql);
    equal(rest, &mut sql);
    sql
}

/// The quarter-hour buckets in `[from, to)`, listed: each is one index seek, where the range
/// itself scans every agent's and queue's rows of those buckets.
fn quarters((from, to): (i64, i64)) -> impl Iterator<Item = i64> {
    let first = from.div_euclid(BUCKET_MS) + i64::from(from.rem_euclid(BUCKET_MS) != 0);
    (first..)
        .map(|q| q * BUCKET_MS)
        .take_while(move |&q| q < to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_list_each_bucket_of_a_range_once() {
        let day = 19_723 * 86_400_000;
        assert_eq!(quarters((day, day + 86_400_000)).count(), 96);
        assert_eq!(
            quarters((day, day + 4 * BUCKET_MS)).collect::<Vec<_>>(),
            [0, 1, 2, 3].map(|q| day + q * BUCKET_MS)
        );
        assert_eq!(quarters((day, day + 1)).collect::<Vec<_>>(), [day]);
        assert_eq!(
            quarters((day - 1, day + 1)).collect::<Vec<_>>(),
            [day],
            "an unaligned start begins at the next bucket, as the range did"
        );
    }
}
