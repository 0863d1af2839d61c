//! Ingest from NATS JetStream (`serve --nats URL`): a durable pull consumer on a stream of
//! contact-center events. A message is acknowledged only after its events are committed, so
//! a crash redelivers it and the event ids make the redelivery a duplicate. A message with
//! nothing valid in it is published to the dead-letter subject with the reason and then
//! terminated (never redelivered); a valid message's invalid events go there one by one.
//! At most `max_in_flight` messages are unacknowledged at once (the consumer's
//! `max_ack_pending`): the bound on memory and the back-pressure on the stream. Several
//! servers on one PostgreSQL database share the durable consumer's work.
//!
//! The messages that are ready are taken together: grouped by tenant, each group is one
//! `append_events`, the same path as an HTTP batch.
//!
//! # Layout
//! - this file: the configuration, connecting (again, after a failure), the loop;
//! - `decode.rs`: a message as a tenant and events (pure);
//! - `batch.rs`: appending a batch, then acknowledging, dead-lettering or retrying each
//!   message.

mod batch;
mod decode;

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use futures_util::StreamExt;
use interlog_store::Store;
use tokio::sync::watch;

pub use decode::TENANT_HEADER;

/// Where the events come from.
#[derive(Clone, Debug)]
pub struct NatsConfig {
    /// `nats://127.0.0.1:4222`.
    pub url: String,
    /// The stream, created with `subjects` if it does not exist.
    pub stream: String,
    /// The subjects consumed (the consumer's filter); the tenant is their last token.
    pub subjects: String,
    /// The durable consumer's name, shared by every server.
    pub durable: String,
    /// Dead letters go to `<dead_letter>.<tenant>` (`.unknown` when there is none), kept in
    /// the stream `<stream>_DEAD`, created if need be.
    pub dead_letter: String,
    /// Messages delivered and not yet acknowledged, at most.
    pub max_in_flight: usize,
}

impl NatsConfig {
    /// The defaults, for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            stream: "INTERLOG".into(),
            subjects: "interlog.events.>".into(),
            durable: "interlog".into(),
            dead_letter: "interlog.dead".into(),
            max_in_flight: 512,
        }
    }
}

/// Why consuming stopped (it is started again).
type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Consumes until `stop` turns true, connecting again after a failure; the batch in hand
/// when it stops is committed and acknowledged first.
pub async fn consume(store: Arc<dyn Store>, config: NatsConfig, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match consume_once(&store, &config, &mut stop).await {
            Ok(()) => break,
            Err(error) => {
                tracing::warn!(%error, url = %config.url, "nats: consuming failed; trying again in 2 s");
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(2)) => {}
                    _ = stop.wait_for(|stop| *stop) => {}
                }
            }
        }
    }
    tracing::info!("nats: consumer stopped");
}

async fn consume_once(
    store: &Arc<dyn Store>,
    config: &NatsConfig,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), Failure> {
    let client = async_nats::connect(&config.url).await?;
    let context = jetstream::new(client);
    let consumer = setup(&context, config).await?;
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(config.max_in_flight)
        .messages()
        .await?
        .ready_chunks(config.max_in_flight);
    tracing::info!(url = %config.url, stream = %config.stream, durable = %config.durable, "nats: consuming");
    loop {
        let chunk = tokio::select! {
            chunk = messages.next() => chunk,
            _ = stop.wait_for(|stop| *stop) => return Ok(()),
        };
        let Some(chunk) = chunk else {
            return Err("the message stream ended".into());
        };
        let mut ready = Vec::with_capacity(chunk.len());
        for message in chunk {
            ready.push(message?);
        }
        batch::handle(store.as_ref(), &context, config, ready).await;
    }
}

/// The stream, the dead-letter stream and the durable consumer, each created if absent.
async fn setup(
    context: &jetstream::Context,
    config: &NatsConfig,
) -> Result<consumer::PullConsumer, Failure> {
    let events = context
        .get_or_create_stream(stream::Config {
            name: config.stream.clone(),
            subjects: vec![config.subjects.clone()],
            ..Default::default()
        })
        .await?;
    context
        .get_or_create_stream(stream::Config {
            name: format!("{}_DEAD", config.stream),
            subjects: vec![format!("{}.>", config.dead_letter)],
            ..Default::default()
        })
        .await?;
    let consumer = events
        .get_or_create_consumer(
            &config.durable,
            consumer::pull::Config {
                durable_name: Some(config.durable.clone()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(30),
                max_ack_pending: config.max_in_flight as i64,
                filter_subject: config.subjects.clone(),
                ..Default::default()
            },
        )
        .await?;
    Ok(consumer)
}
