//! `interlog serve --nats`: the options of the JetStream consumer.

use interlog_server::nats::NatsConfig;

/// Ingest from NATS JetStream as well as HTTP.
#[derive(Debug, clap::Args)]
pub struct NatsArgs {
    /// Consume events from this NATS server's JetStream (e.g. nats://127.0.0.1:4222). Each
    /// message holds one event, a JSON array of them, or NDJSON; it is acknowledged once its
    /// events are committed.
    #[arg(long = "nats", env = "INTERLOG_NATS_URL", value_name = "URL")]
    url: Option<String>,

    /// The JetStream stream (created with --nats-subjects if absent).
    #[arg(
        long,
        env = "INTERLOG_NATS_STREAM",
        default_value = "INTERLOG",
        value_name = "NAME"
    )]
    nats_stream: String,

    /// The subjects consumed. The tenant is the `Interlog-Tenant` header, else the subject's
    /// last token (interlog.events.acme is tenant acme).
    #[arg(
        long,
        env = "INTERLOG_NATS_SUBJECTS",
        default_value = "interlog.events.>",
        value_name = "SUBJECTS"
    )]
    nats_subjects: String,

    /// The durable consumer, shared by every server that names it.
    #[arg(
        long,
        env = "INTERLOG_NATS_DURABLE",
        default_value = "interlog",
        value_name = "NAME"
    )]
    nats_durable: String,

    /// Where refused messages and events go, as `<prefix>.<tenant>` with an
    /// `Interlog-Reason` header (kept in the stream `<stream>_DEAD`).
    #[arg(
        long,
        env = "INTERLOG_NATS_DEAD_LETTER",
        default_value = "interlog.dead",
        value_name = "PREFIX"
    )]
    nats_dead_letter: String,

    /// Messages delivered and not yet acknowledged, at most (back-pressure on the stream).
    #[arg(
        long,
        env = "INTERLOG_NATS_MAX_IN_FLIGHT",
        default_value_t = 512,
        value_name = "N"
    )]
    nats_max_in_flight: usize,
}

impl NatsArgs {
    /// The consumer's configuration, when --nats is given.
    pub fn config(&self) -> Option<NatsConfig> {
        let url = self.url.clone()?;
        Some(NatsConfig {
            url,
            stream: self.nats_stream.clone(),
            subjects: self.nats_subjects.clone(),
            durable: self.nats_durable.clone(),
            dead_letter: self.nats_dead_letter.clone(),
            max_in_flight: self.nats_max_in_flight.max(1),
        })
    }
}
