//! The read side: list queries built as SQL with numbered parameters, for both backends.
//!
//! Every list is keyset-paged: the WHERE clause continues after the cursor's position and
//! the ORDER BY matches an index, so a page costs the same at the start or the end of a
//! million rows and no OFFSET is ever used.

use interlog_core::query::{AgentQuery, HookFilter, InteractionQuery, Order, Position};
use interlog_core::TenantId;

use super::points::Visits;
use super::search::{self, SearchPlan};
use super::statement::{text, Param, Sql};
use super::Backend;

fn wire_name<T: serde::Serialize>(value: T) -> Param {
    text(super::wire_name(value))
}

/// Continue after `position` in `order` over the columns (time, id[, allocation]).
fn push_after(sql: &mut Sql, order: Order, columns: &[&str], position: &Position) {
    let (op, strict) = match order {
        Order::Desc => ("<=", "<"),
        Order::Asc => (">=", ">"),
    };
    // Written as a range on the leading column plus a tie-break, so that every backend uses
    // the index range (row-value comparisons are not range-optimised everywhere).
    let mut values = vec![
        Param::Int(position.millis),
        text(position.interaction.as_str()),
    ];
    values.extend(position.allocation.clone().map(text));
    let time = columns[0];
    sql.push(&format!(" AND {time} {op} ?"), [values[0].clone()]);
    sql.push(&format!(" AND ({time} {strict} ?"), [values[0].clone()]);
    match (columns.get(2), values.get(2)) {
        (Some(alloc_col), Some(alloc)) => {
            let id_col = columns[1];
            sql.push(&format!(" OR {id_col} {strict} ?"), [values[1].clone()]);
            sql.push(
                &format!(" OR ({id_col} = ? AND {alloc_col} {strict} ?))"),
                [values[1].clone(), alloc.clone()],
            );
        }
        _ => sql.push(
            &format!(" OR {} {strict} ?)", columns[1]),
            [values[1].clone()],
        ),
    }
}

fn direction(order: Order) -> &'static str {
    match order {
        Order::Desc => "DESC",
        Order::Asc => "ASC",
    }
}

/// What the list query of `q` visits: only the rows it returns when one index answers every
/// filter (the tenant's start times, or one customer's or contact's) and no row is skipped.
pub(crate) fn visits(q: &InteractionQuery) -> Visits {
    let InteractionQuery {
        from: _,
        to: _,
        customer,
        contact,
        agent,
        queue,
        channel,
        direction,
        status,
        flagged,
        text,
        hooks,
        order: _,
        limit: _,
        after: _,
        offset,
    } = q;
    let tested = (customer.is_some() && contact.is_some())
        || agent.is_some()
        || queue.is_some()
        || channel.is_some()
        || direction.is_some()
        || status.is_some()
        || flagged.is_some()
        || text.is_some()
        || !hooks.is_empty()
        || *offset > 0;
    match tested {
        true => Visits::Many,
        false => Visits::Returned,
    }
}

pub(crate) fn list_interactions(
    backend: Backend,
    tenant: &TenantId,
    q: &InteractionQuery,
    plan: &SearchPlan,
) -> Sql {
    let head = "SELECT i.record, i.start_ms, i.interaction_id FROM interactions i WHERE";
    list_of(backend, head, tenant, q, plan)
}

/// The list query of `q` selecting `head`'s columns (`SELECT ... FROM interactions i WHERE`).
pub(crate) fn list_of(
    backend: Backend,
    head: &str,
    tenant: &TenantId,
    q: &InteractionQuery,
    plan: &SearchPlan,
) -> Sql {
    let mut sql = Sql::new(backend, head);
    push_filters(&mut sql, backend, tenant, q, plan);
    if let Some(window) = &plan.window {
        window.push_bound(&mut sql, q.order);
    }
    if let Some(after) = &q.after {
        push_after(
            &mut sql,
            q.order,
            &["i.start_ms", "i.interaction_id"],
            after,
        );
    }
    let dir = direction(q.order);
    // `+ 0` keeps PostgreSQL's start-time index out of a plan that words' matches drive.
    let time = match plan.matches_drive && backend == Backend::Postgres {
        true => "i.start_ms + 0",
        false => "i.start_ms",
    };
    sql.push(
        &format!(" ORDER BY {time} {dir}, i.interaction_id {dir} LIMIT ?"),
        [Param::Int(i64::from(q.limit) + 1)],
    );
    if q.offset > 0 {
        sql.push(" OFFSET ?", [Param::Int(q.offset as i64)]);
    }
    sql
}

/// `q`'s page (its search's words tested per candidate) among its first `size` candidates:
/// every filter but the search, in the list's order. For PostgreSQL, whose walk of the
/// start-time index would otherwise go on until a page fills.
pub(crate) fn among_first(
    backend: Backend,
    tenant: &TenantId,
    q: &InteractionQuery,
    size: usize,
) -> Sql {
    let candidates = InteractionQuery {
        text: None,
        limit: size.saturating_sub(1) as u32,
        ..q.clone()
    };
    let none = SearchPlan::default();
    let head = "SELECT i.* FROM interactions i WHERE";
    let mut sql = list_of(backend, head, tenant, &candidates, &none).wrapped(
        "SELECT i.record, i.start_ms, i.interaction_id FROM (",
        ") i WHERE TRUE",
    );
    if let Some(words) = &q.text {
        search::push_filter(&mut sql, backend, words, &none);
    }
    let dir = direction(q.order);
    sql.push(
        &format!(" ORDER BY i.start_ms {dir}, i.interaction_id {dir} LIMIT ?"),
        [Param::Int(i64::from(q.limit) + 1)],
    );
    sql
}

/// How many interactions match the filters of `q` (its position and paging aside).
pub(crate) fn count_interactions(
    backend: Backend,
    tenant: &TenantId,
    q: &InteractionQuery,
    plan: &SearchPlan,
) -> Sql {
    let mut sql = Sql::new(backend, "SELECT COUNT(*) FROM interactions i WHERE");
    push_filters(&mut sql, backend, tenant, q, plan);
    sql
}

fn push_filters(
    sql: &mut Sql,
    backend: Backend,
    tenant: &TenantId,
    q: &InteractionQuery,
    plan: &SearchPlan,
) {
    // `+` keeps the tenant's indexes out of a plan that words' matches drive.
    let tenant_column = match plan.matches_drive && backend == Backend::Sqlite {
        true => " +i.tenant_id = ?",
        false => " i.tenant_id = ?",
    };
    sql.push(tenant_column, [text(tenant.as_str())]);
    if let Some(contact) = &q.contact {
        sql.push(" AND i.contact_id = ?", [text(contact.as_str())]);
    }
    push_hook_filters(sql, &q.hooks);
    if let Some(from) = q.from {
        sql.push(" AND i.start_ms >= ?", [Param::Int(from.millis())]);
    }
    if let Some(to) = q.to {
        sql.push(" AND i.start_ms < ?", [Param::Int(to.millis())]);
    }
    if let Some(customer) = &q.customer {
        sql.push(" AND i.customer_id = ?", [text(customer.as_str())]);
    }
    if let Some(channel) = q.channel {
        sql.push(" AND i.channel_type = ?", [wire_name(channel)]);
    }
    if let Some(direction) = q.direction {
        sql.push(" AND i.direction = ?", [wire_name(direction)]);
    }
    if let Some(status) = q.status {
        sql.push(" AND i.status = ?", [text(status.as_str())]);
    }
    if let Some(flagged) = q.flagged {
        sql.push(" AND i.flagged = ?", [Param::Bool(flagged)]);
    }
    push_related_filters(sql, backend, q, plan);
}

/// One `EXISTS` over `interaction_hooks` per hook filter; unset parts match anything.
fn push_hook_filters(sql: &mut Sql, hooks: &[HookFilter]) {
    for hook in hooks {
        sql.push(" AND EXISTS (SELECT 1 FROM interaction_hooks h WHERE h.tenant_id = i.tenant_id AND h.interaction_id = i.interaction_id", []);
        for (column, value) in [
            ("hook_type", &hook.hook_type),
            ("hook_sub_type", &hook.hook_sub_type),
            ("hook_id", &hook.hook_id),
            ("hook_name", &hook.hook_name),
        ] {
            if let Some(value) = value {
                sql.push(&format!(" AND h.{column} = ?"), [text(value.as_str())]);
            }
        }
        sql.push(")", []);
    }
}

/// The filters answered by other tables: an agent's allocations, the queues passed
/// through, and the full-text search.
fn push_related_filters(sql: &mut Sql, backend: Backend, q: &InteractionQuery, plan: &SearchPlan) {
    if let Some(agent) = &q.agent {
        sql.push(
            " AND EXISTS (SELECT 1 FROM interaction_agents a WHERE a.tenant_id = i.tenant_id \
             AND a.interaction_id = i.interaction_id AND a.agent_id = ?)",
            [text(agent.as_str())],
        );
    }
    if let Some(queue) = &q.queue {
        sql.push(
            " AND EXISTS (SELECT 1 FROM interaction_queues q WHERE q.tenant_id = i.tenant_id \
             AND q.interaction_id = i.interaction_id AND q.queue_id = ?)",
            [text(queue.as_str())],
        );
    }
    if let Some(words) = &q.text {
        search::push_filter(sql, backend, words, plan);
    }
}

/// What the agent query of `q` visits: only the rows it returns unless channels are tested.
pub(crate) fn agent_visits(q: &AgentQuery) -> Visits {
    match q.channels.is_empty() {
        true => Visits::Returned,
        false => Visits::Many,
    }
}

pub(crate) fn agent_interactions(backend: Backend, tenant: &TenantId, q: &AgentQuery) -> Sql {
    let mut sql = Sql::new(
        backend,
        "SELECT i.record, a.start_ms, a.interaction_id, a.interaction_agent_id FROM interaction_agents a \
         JOIN interactions i ON i.tenant_id = a.tenant_id AND i.interaction_id = a.interaction_id WHERE",
    );
    sql.push(
        " a.tenant_id = ? AND a.agent_id = ?",
        [text(tenant.as_str()), text(q.agent.as_str())],
    );
    if q.active_only {
        sql.push(" AND a.end_ms IS NULL", []);
    }
    if !q.channels.is_empty() {
        sql.push(" AND i.channel_type IN", []);
        sql.push_list(q.channels.iter().map(|c| wire_name(*c)));
    }
    if let Some(after) = &q.after {
        push_after(
            &mut sql,
            Order::Desc,
            &["a.start_ms", "a.interaction_id", "a.interaction_agent_id"],
            after,
        );
    }
    sql.push(
        " ORDER BY a.start_ms DESC, a.interaction_id DESC, a.interaction_agent_id DESC LIMIT ?",
        [Param::Int(i64::from(q.limit) + 1)],
    );
    sql
}

#[cfg(test)]
mod tests {
    use interlog_core::query::HookFilter;
    use interlog_core::CustomerId;

    use super::*;

    #[test]
    fn only_pages_one_index_answers_whole_visit_just_what_they_return() {
        let customer = CustomerId::parse("c1").ok();
        let returned = [
            InteractionQuery::default(),
            InteractionQuery {
                customer: customer.clone(),
                order: Order::Asc,
                ..InteractionQuery::default()
            },
            InteractionQuery {
                contact: Some("k".into()),
                ..InteractionQuery::default()
            },
        ];
        for q in &returned {
            assert_eq!(visits(q), Visits::Returned, "{q:?}");
        }
        let many = [
            InteractionQuery {
                customer,
                contact: Some("k".into()),
                ..InteractionQuery::default()
            },
            InteractionQuery {
                flagged: Some(true),
                ..InteractionQuery::default()
            },
            InteractionQuery {
                text: Some("refund".into()),
                ..InteractionQuery::default()
            },
            InteractionQuery {
                hooks: vec![HookFilter::default()],
                ..InteractionQuery::default()
            },
            InteractionQuery {
                offset: 50,
                ..InteractionQuery::default()
            },
        ];
        for q in &many {
            assert_eq!(visits(q), Visits::Many, "{q:?}");
        }
    }
}
