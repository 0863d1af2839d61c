//! Webhooks out: the worker that empties the outbox. Each append writes its deliveries in
//! its own transaction (the store's `enqueue`); this worker, woken by commits and every
//! second, claims the due ones (each the head of its subscription's and interaction's, so
//! one interaction's go in order), POSTs them concurrently and settles each attempt.
//!
//! The contract receivers see (the Standard Webhooks shape, so its libraries verify it):
//! - headers `webhook-id` (the delivery's id, the same on every attempt: dedupe on it),
//!   `webhook-timestamp` (this attempt's Unix seconds), and `webhook-signature`:
//!   `v1,` and the base64 HMAC-SHA256, keyed by the secret's bytes, of
//!   `{webhook-id}.{webhook-timestamp}.{body}`;
//! - a 2xx within the timeout delivers; anything else is tried again after an exponential
//!   back-off with jitter (the first retry, doubling to at most an hour), until the retry
//!   period since the commit has passed: then the delivery is `failed`.
//!
//! A worker that dies mid-attempt leaves its claim's lease to run out; the delivery is then
//! attempted again (at least once: receivers dedupe on the id).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use interlog_core::webhooks::secret_key;
use interlog_core::TenantId;
use interlog_store::{Attempt, AttemptNext, Store, WebhookDelivery, WebhookSubscription};
use tokio::sync::watch;

/// How deliveries are attempted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebhookConfig {
    /// The wait before the first retry; each later one doubles it (to at most an hour).
    pub first_retry: Duration,
    /// How long after its commit a delivery is still attempted.
    pub retry_period: Duration,
    /// How long a receiver has to answer one attempt.
    pub timeout: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            first_retry: Duration::from_secs(5),
            retry_period: Duration::from_secs(24 * 3600),
            timeout: Duration::from_secs(10),
        }
    }
}

/// The longest wait between attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// Deliveries claimed (and attempted concurrently) at once.
const CLAIM: u32 = 32;

/// How often the worker looks for due deliveries without word of a commit.
const LOOK: Duration = Duration::from_secs(1);

/// How long after word of a commit the worker looks (the commits of that while share it).
const COALESCE: Duration = Duration::from_millis(20);

/// Starts the worker on the current runtime; it stops when `stopping` turns true.
pub(crate) fn spawn(store: Arc<dyn Store>, config: WebhookConfig, stopping: watch::Receiver<bool>) {
    let client = reqwest::Client::builder()
        .timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Interlog-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("an HTTP client with a timeout");
    let worker = Worker {
        store,
        config,
        client,
    };
    tokio::spawn(worker.run(stopping));
}

struct Worker {
    store: Arc<dyn Store>,
    config: WebhookConfig,
    client: reqwest::Client,
}

impl Worker {
    async fn run(self, mut stopping: watch::Receiver<bool>) {
        let mut commits = self.store.commits();
        while !*stopping.borrow() {
            let now = now_ms();
            let lease = now + (self.config.timeout + Duration::from_secs(5)).as_millis() as i64;
            match self.store.claim_deliveries(now, lease, CLAIM).await {
                Ok(claimed) if !claimed.is_empty() => {
                    self.attempt_all(claimed).await;
                    continue; // more may be due
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot claim webhook deliveries"),
            }
            tokio::select! {
                _ = commits.recv() => {
                    // One look for a burst of commits, not one per commit.
                    tokio::time::sleep(COALESCE).await;
                    while commits.try_recv().is_ok() {}
                }
                _ = tokio::time::sleep(LOOK) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// Attempts the claimed deliveries concurrently (each is the head of its interaction's,
    /// so order holds) and settles each.
    async fn attempt_all(&self, claimed: Vec<WebhookDelivery>) {
        let mut subscriptions: HashMap<TenantId, Vec<WebhookSubscription>> = HashMap::new();
        for delivery in &claimed {
            if !subscriptions.contains_key(&delivery.tenant) {
                match self.store.webhooks(&delivery.tenant).await {
                    Ok(found) => subscriptions.insert(delivery.tenant.clone(), found),
                    Err(error) => {
                        tracing::warn!(%error, "cannot read webhook subscriptions");
                        return; // the leases run out, and the deliveries come due again
                    }
                };
            }
        }
        let attempts = claimed.iter().filter_map(|delivery| {
            let subscription = subscriptions
                .get(&delivery.tenant)?
                .iter()
                .find(|s| s.subscription_id == delivery.subscription_id)?; // removed meanwhile: its deliveries went with it
            Some(self.attempt(subscription, delivery))
        });
        futures_util::future::join_all(attempts).await;
    }

    async fn attempt(&self, subscription: &WebhookSubscription, delivery: &WebhookDelivery) {
        let outcome = self.post(subscription, delivery).await;
        let at_ms = now_ms();
        let (status, error) = match outcome {
            Ok(status) if (200..300).contains(&status) => (Some(status), None),
            Ok(status) => (
                Some(status),
                Some(format!("the receiver answered {status}")),
            ),
            Err(error) => (None, Some(error)),
        };
        let next = match &error {
            None => AttemptNext::Delivered,
            Some(_) => self.next_attempt(delivery, at_ms),
        };
        let label = match next {
            AttemptNext::Delivered => "delivered",
            AttemptNext::RetryAt(_) => "retry",
            AttemptNext::GiveUp => "failed",
        };
        metrics::counter!("interlog_webhook_attempts_total", "outcome" => label).increment(1);
        if let Some(error) = &error {
            tracing::info!(delivery = %delivery.delivery_id, tenant = %delivery.tenant,
                attempts = delivery.attempts + 1, outcome = label, %error, "webhook attempt failed");
        }
        let attempt = Attempt {
            at_ms,
            status,
            error,
            next,
        };
        let settled = (self.store)
            .settle_delivery(&delivery.tenant, &delivery.delivery_id, &attempt)
            .await;
        if let Err(error) = settled {
            // The lease runs out and the delivery is attempted again: at least once.
            tracing::warn!(%error, delivery = %delivery.delivery_id, "cannot settle a webhook delivery");
        }
    }

    /// POSTs one delivery, signed; the receiver's status, or why there was none.
    async fn post(
        &self,
        subscription: &WebhookSubscription,
        delivery: &WebhookDelivery,
    ) -> Result<u16, String> {
        let body = delivery.payload.clone().unwrap_or_default();
        let key = secret_key(&subscription.secret).map_err(|e| format!("the secret {e}"))?;
        let timestamp = now_ms() / 1000;
        let signature = sign(&key, &delivery.delivery_id, timestamp, &body);
        let response = (self.client.post(&subscription.url))
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.delivery_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        Ok(response.status().as_u16())
    }

    /// After a failed attempt: the next, `first_retry` doubled per attempt made (at most an
    /// hour), less up to half of it at random (so receivers coming back are not stampeded);
    /// or none, once that would fall after the retry period.
    fn next_attempt(&self, delivery: &WebhookDelivery, at_ms: i64) -> AttemptNext {
        let doublings = delivery.attempts.min(20);
        let wait = (self.config.first_retry * 2u32.pow(doublings)).min(LONGEST_WAIT);
        let [jitter] = crate::auth::keys::random_bytes::<1>();
        let wait = wait.mul_f64(1.0 - f64::from(jitter) / 512.0);
        let next = at_ms + wait.as_millis() as i64;
        let end = delivery.created_ms + self.config.retry_period.as_millis() as i64;
        if next > end {
            AttemptNext::GiveUp
        } else {
            AttemptNext::RetryAt(next)
        }
    }
}

/// `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` (Standard Webhooks).
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let signed = format!("{id}.{timestamp}.{body}");
    let tag = ring::hmac::sign(&key, signed.as_bytes());
    format!("v1,{}", STANDARD.encode(tag.as_ref()))
}

/// A failed request in a few words (the error's chain, without the URL's query).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut text = kind.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(300).collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Standard Webhooks specification's published example, so that its libraries
    /// verify what Interlog signs.
    #[test]
    fn signs_as_standard_webhooks_does() {
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_or_default();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
