//! One batch of ready messages: decoded, grouped by tenant, appended (one `append_events`
//! per tenant), then each message acknowledged, dead-lettered and terminated, or left to be
//! delivered again.

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::jetstream::{self, AckKind};
use async_nats::HeaderMap;
use interlog_core::{Event, TenantId};
use interlog_store::{Appended, Store};

use super::decode::{decode, Decoded, Poison};
use super::NatsConfig;

/// How long a message whose events could not be stored waits before it is delivered again.
const RETRY_DELAY: Duration = Duration::from_secs(2);

/// What becomes of a message.
enum Outcome {
    Stored,
    /// Not stored (the database failed): delivered again later.
    Retry,
    Poison(Poison),
}

pub(super) async fn handle(
    store: &dyn Store,
    context: &jetstream::Context,
    config: &NatsConfig,
    messages: Vec<jetstream::Message>,
) {
    let mut decoded: Vec<Result<Decoded, Poison>> = Vec::with_capacity(messages.len());
    for message in &messages {
        if let Ok(info) = message.info() {
            metrics::gauge!("interlog_nats_pending_messages").set(info.pending as f64);
            if info.delivered > 1 {
                metrics::counter!("interlog_nats_redeliveries_total").increment(1);
            }
        }
        let headers = message.headers.as_ref();
        decoded.push(decode(message.subject.as_str(), headers, &message.payload));
    }
    let stored = append(store, &decoded).await;
    for ((message, decoded), stored) in messages.iter().zip(decoded).zip(stored) {
        let outcome = match decoded {
            Err(poison) => Outcome::Poison(poison),
            Ok(_) if !stored => Outcome::Retry,
            Ok(decoded) => {
                for (json, reason) in &decoded.rejected {
                    dead_letter(
                        context,
                        config,
                        Some(&decoded.tenant),
                        message,
                        json.as_bytes(),
                        reason,
                    )
                    .await;
                }
                Outcome::Stored
            }
        };
        settle(context, config, message, outcome).await;
    }
}

/// Appends every decoded message's events, one `append_events` per tenant; for each
/// message, whether its events are stored.
async fn append(store: &dyn Store, decoded: &[Result<Decoded, Poison>]) -> Vec<bool> {
    let mut tenants: BTreeMap<&TenantId, (Vec<Event>, Vec<usize>)> = BTreeMap::new();
    for (n, message) in decoded.iter().enumerate() {
        if let Ok(message) = message {
            let (events, members) = tenants.entry(&message.tenant).or_default();
            events.extend(message.events.iter().cloned());
            members.push(n);
        }
    }
    let mut stored = vec![false; decoded.len()];
    for (tenant, (events, members)) in tenants {
        match store.append_events(tenant, &events).await {
            Ok(outcome) => {
                let accepted = outcome.iter().filter(|o| **o == Appended::New).count();
                let rejected: usize = (members.iter())
                    .filter_map(|&n| decoded[n].as_ref().ok())
                    .map(|d| d.rejected.len())
                    .sum();
                crate::telemetry::events("nats", accepted, outcome.len() - accepted, rejected);
                members.into_iter().for_each(|n| stored[n] = true);
            }
            Err(error) => {
                tracing::warn!(%error, tenant = %tenant, "nats: events not stored; they will be delivered again");
            }
        }
    }
    stored
}

/// Acknowledges, retries or terminates a message.
async fn settle(
    context: &jetstream::Context,
    config: &NatsConfig,
    message: &jetstream::Message,
    outcome: Outcome,
) {
    let kind = match outcome {
        Outcome::Stored => AckKind::Ack,
        Outcome::Retry => AckKind::Nak(Some(RETRY_DELAY)),
        Outcome::Poison(Poison(reason)) => {
            let tenant = super::decode::tenant(message.subject.as_str(), message.headers.as_ref());
            let payload = message.payload.as_ref();
            dead_letter(
                context,
                config,
                tenant.ok().as_ref(),
                message,
                payload,
                &reason,
            )
            .await;
            crate::telemetry::events("nats", 0, 0, 1);
            AckKind::Term
        }
    };
    if let Err(error) = message.ack_with(kind).await {
        tracing::warn!(%error, "nats: cannot settle a message; it will be delivered again");
    }
}

/// Publishes `payload` to the dead-letter subject with the reason, and waits until the
/// stream has it.
async fn dead_letter(
    context: &jetstream::Context,
    config: &NatsConfig,
    tenant: Option<&TenantId>,
    message: &jetstream::Message,
    payload: &[u8],
    reason: &str,
) {
    let subject = format!(
        "{}.{}",
        config.dead_letter,
        tenant.map_or("unknown", |t| t.as_str())
    );
    let mut headers = HeaderMap::new();
    headers.insert(
        "Interlog-Reason",
        reason.replace(['\r', '\n'], " ").as_str(),
    );
    headers.insert("Interlog-Subject", message.subject.as_str());
    tracing::warn!(%subject, reason, "nats: dead letter");
    let published = context
        .publish_with_headers(subject, headers, payload.to_vec().into())
        .await;
    let acked = match published {
        Ok(ack) => ack.await.map(drop).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    if let Err(error) = acked {
        tracing::error!(%error, "nats: the dead letter was not kept");
    }
}
