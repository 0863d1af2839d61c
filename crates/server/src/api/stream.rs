//! `GET /api/v1/tenants/{tenant}/stream`: the tenant's interactions as they change, as
//! Server-Sent Events. After each commit, one `interaction` event per changed interaction
//! (a summary: id, status, channel, queues, agents, statistics), its `id` the change's
//! number in the tenant's commit sequence (`interlog_store::ChangeFeed`). A client that
//! reconnects with `Last-Event-ID` gets what it missed, within [`HORIZON`]; older than
//! that, a `reset` event says to reload. A comment every 15 seconds keeps proxies from
//! closing an idle stream.
//!
//! Each stream is a task reading the change table after the last number it sent: woken by
//! the store's word of a commit (this server's, or through PostgreSQL any server's), and
//! every second regardless. It hands events to the response through a queue of
//! [`QUEUE`]; a client that lets it fill and then takes nothing for [`STALL`] is dropped
//! (it reconnects with `Last-Event-ID`), so a slow reader never holds ingest or memory.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use interlog_core::record::{ChannelType, Direction, Statistics, Status};
use interlog_core::{Interaction, TenantId, Timestamp};
use interlog_store::{ChangeEntry, Store};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc, watch};
use utoipa::{IntoParams, ToSchema};

use super::params::{Params, CHANNELS};
use super::paths::TenantPath;
use crate::auth::{Principal, Scope};
use crate::error::ApiError;
use crate::state::AppState;

/// How long changes are kept for clients that reconnect.
pub(crate) const HORIZON: Duration = Duration::from_secs(24 * 3600);
/// Events waiting for a client, at most.
const QUEUE: usize = 512;
/// A client that takes no event for this long while its queue is full is dropped.
pub(crate) const STALL: Duration = Duration::from_secs(5);
/// Changes read per query.
const READ: u32 = 500;
/// How often a stream looks for changes without being told (another process's commits on
/// SQLite, a lost notification on PostgreSQL).
const LOOK: Duration = Duration::from_secs(1);

/// Which interactions a stream shows (all when none is given).
#[derive(Debug, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StreamFilters {
    /// Only interactions this agent was allocated to.
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    agent: Option<String>,
    /// Only interactions that passed this queue (its id).
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    queue: Option<String>,
    /// Only this customer's (their id, else the address they used).
    #[param(min_length = 1, pattern = r"^[^\x00]*$")]
    customer: Option<String>,
    /// Only this channel.
    #[param(value_type = Option<ChannelType>)]
    channel: Option<String>,
}

impl StreamFilters {
    fn parse(params: &mut Params) -> Result<Self, ApiError> {
        Ok(Self {
            agent: params.text("agent")?,
            queue: params.text("queue")?,
            customer: params.text("customer")?,
            channel: (params.choice::<ChannelType>("channel", CHANNELS)?)
                .map(|c| c.as_str().to_string()),
        })
    }

    fn admit(&self, record: &Interaction) -> bool {
        let channel = record.channel_type.map(ChannelType::as_str);
        (self.agent.as_ref()).is_none_or(|a| record.agents.iter().any(|x| x.agent_id.as_str() == a))
            && (self.queue.as_ref())
                .is_none_or(|q| (record.queues.iter()).any(|x| x.queue_id.as_ref() == Some(q)))
            && (self.customer.as_deref()).is_none_or(|c| record.customer_key() == Some(c))
            && (self.channel.as_deref()).is_none_or(|c| channel == Some(c))
    }
}

/// What an `interaction` event carries: enough for a list row or a wallboard, without the
/// transcript or content (read the record for those).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InteractionSummary {
    pub interaction_id: String,
    pub status: Status,
    pub channel_type: Option<ChannelType>,
    pub direction: Option<Direction>,
    pub start_timestamp: Timestamp,
    pub end_timestamp: Option<Timestamp>,
    /// The customer's id, else the address they used.
    pub customer: Option<String>,
    /// The queues it passed, by id, in order.
    pub queues: Vec<String>,
    /// The agents allocated to it, in order.
    pub agents: Vec<String>,
    pub flagged: bool,
    pub statistics: Statistics,
}

fn summary(record: Interaction) -> InteractionSummary {
    InteractionSummary {
        customer: record.customer_key().map(str::to_owned),
        interaction_id: record.interaction_id.to_string(),
        status: record.status,
        channel_type: record.channel_type,
        direction: record.direction,
        start_timestamp: record.start_timestamp,
        end_timestamp: record.end_timestamp,
        queues: (record.queues.into_iter())
            .filter_map(|q| q.queue_id)
            .collect(),
        agents: (record.agents.into_iter())
            .map(|a| a.agent_id.to_string())
            .collect(),
        flagged: !record.flags.is_empty(),
        statistics: record.statistics,
    }
}

/// Live changes to the tenant's interactions, as Server-Sent Events: an `interaction` event
/// (an [`InteractionSummary`]) per changed interaction after each commit, its `id` the
/// change's number in the tenant's commit sequence. Send `Last-Event-ID` to receive what
/// was missed (changes are kept 24 hours; older, a `reset` event says to reload).
/// Comments every 15 seconds keep idle connections open.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant}/stream", tag = "interactions",
    params(TenantPath, StreamFilters,
        ("Last-Event-ID" = Option<String>, Header, pattern = "^[0-9]{1,18}$", example = "0",
            description = "The id of the last event received: what was committed after it follows")),
    responses(
        (status = 200, description = "`text/event-stream`: `interaction` events with an InteractionSummary as data, and `reset` when Last-Event-ID is past the horizon",
            content((InteractionSummary = "text/event-stream"))),
        ApiError),
    security(("bearer" = ["interactions:read"])))]
pub(crate) async fn stream(
    State(state): State<AppState>,
    principal: Principal,
    Path(path): Path<TenantPath>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let tenant = principal.authorize(&path.tenant, Scope::Read)?;
    let mut params = Params::new(query)?;
    let filters = StreamFilters::parse(&mut params)?;
    params.finish()?;
    let last = last_event_id(&headers)?;
    // Subscribed before the bounds are read, so no commit falls between them.
    let commits = state.store.commits();
    let bounds = state.store.change_bounds(&tenant).await?;
    let (tx, rx) = mpsc::channel(QUEUE);
    // An id whose successors are no longer kept (or that this store never gave, as after a
    // restore) cannot be resumed from: the client is told to reload.
    let start = match last {
        Some(id) if (bounds.oldest_kept - 1..=bounds.newest).contains(&id) => id,
        Some(_) => {
            let _ = tx.try_send(reset(bounds.newest));
            bounds.newest
        }
        None => bounds.newest,
    };
    let pump = Pump {
        store: state.store.clone(),
        tenant,
        filters,
        last: start,
        tx,
    };
    tokio::spawn(pump.run(commits, state.stopping.subscribe()));
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|event| (Ok(event), rx))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The `Last-Event-ID` a reconnecting client sent, if any.
fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    let id = (value.to_str().ok()).and_then(|v| v.trim().parse::<i64>().ok());
    match id.filter(|id| *id >= 0) {
        Some(id) => Ok(Some(id)),
        None => Err(ApiError::invalid_parameter(
            "Last-Event-ID",
            "must be the id of an event this stream sent",
        )),
    }
}

/// The event that says the changes since the client's last event are no longer kept.
fn reset(newest: i64) -> Event {
    Event::default().event("reset").id(newest.to_string()).data(
        r#"{"reason":"the changes since Last-Event-ID are past the stream's horizon; reload"}"#,
    )
}

/// A connected client, counted in `interlog_stream_clients` while it lives.
struct Client;

impl Client {
    fn counted() -> Self {
        metrics::gauge!("interlog_stream_clients").increment(1.0);
        Client
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        metrics::gauge!("interlog_stream_clients").decrement(1.0);
    }
}

/// One stream's reader of the change feed.
struct Pump {
    store: Arc<dyn Store>,
    tenant: TenantId,
    filters: StreamFilters,
    /// The number of the last change read.
    last: i64,
    tx: mpsc::Sender<Event>,
}

impl Pump {
    async fn run(
        mut self,
        mut commits: broadcast::Receiver<TenantId>,
        mut stopping: watch::Receiver<bool>,
    ) {
        let _client = Client::counted();
        let mut look = tokio::time::interval(LOOK);
        loop {
            if *stopping.borrow() {
                return;
            }
            match self.send_changes().await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    tracing::warn!(%error, tenant = %self.tenant, "a stream stopped");
                    return;
                }
            }
            loop {
                tokio::select! {
                    _ = self.tx.closed() => return,
                    _ = stopping.changed() => break,
                    _ = look.tick() => break,
                    told = commits.recv() => match told {
                        Ok(tenant) if tenant != self.tenant => continue,
                        Err(broadcast::error::RecvError::Closed) => return,
                        _ => break,
                    },
                }
            }
        }
    }

    /// Sends every change after the last one read; false when the client is gone or has
    /// taken nothing for [`STALL`] (dropped).
    async fn send_changes(&mut self) -> Result<bool, interlog_store::StoreError> {
        loop {
            let changes = self
                .store
                .changes_after(&self.tenant, self.last, READ)
                .await?;
            let read = changes.len();
            for change in changes {
                self.last = change.seq;
                let Some(event) = self.event(change) else {
                    continue;
                };
                match self.tx.send_timeout(event, STALL).await {
                    Ok(()) => {}
                    Err(mpsc::error::SendTimeoutError::Timeout(_)) => {
                        tracing::info!(tenant = %self.tenant, "a stalled stream client was dropped");
                        metrics::counter!("interlog_stream_dropped_total").increment(1);
                        return Ok(false);
                    }
                    Err(mpsc::error::SendTimeoutError::Closed(_)) => return Ok(false),
                }
            }
            if read < READ as usize {
                return Ok(true);
            }
        }
    }

    /// The change as an event, if its interaction still exists and passes the filters.
    fn event(&self, change: ChangeEntry) -> Option<Event> {
        let record: Interaction = serde_json::from_str(change.record.as_deref()?).ok()?;
        if !self.filters.admit(&record) {
            return None;
        }
        let data = serde_json::to_string(&summary(record)).ok()?;
        Some(
            Event::default()
                .event("interaction")
                .id(change.seq.to_string())
                .data(data),
        )
    }
}
