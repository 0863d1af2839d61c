//! Live traffic, as platforms send it: one event per POST at each concurrency (a webhook
//! per event, many interactions in flight at once), and the cost of the Nth event of one
//! conversation that goes on for days.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use interlog_workload::{long_conversation, Workload};
use serde_json::{json, Value};

use super::backend::spec;
use super::load::{measure, Figure, Pick, Request};
use super::{Args, START_MS, TENANT};

/// The name of the single-event figures in the tables and the JSON.
pub(super) const SINGLE_EVENTS: &str = "native: one event per POST";
/// Interactions whose events are interleaved, as live ones are.
const IN_FLIGHT: usize = 64;
/// The Nth events whose cost the long conversation reports.
const CHECKPOINTS: [usize; 3] = [100, 1_000, 3_000];
/// Events around each checkpoint whose median is its cost.
pub(super) const WINDOW: usize = 21;

/// The cost of the Nth message of one conversation.
pub(super) struct Nth {
    pub n: usize,
    pub median_ms: f64,
}

impl Nth {
    pub fn json(&self) -> Value {
        json!({"n": self.n, "medianMs": self.median_ms})
    }
}

/// Where single events go, and what their figures are called.
pub(super) struct Traffic<'a> {
    pub name: &'static str,
    /// The workload's seed: a seed of its own per measurement, so no event is a duplicate.
    pub seed: u64,
    pub tenant: &'a str,
    pub token: &'a str,
}

impl Traffic<'_> {
    /// The single-event figures of the loaded tenant.
    pub fn loaded(token: &str) -> Traffic<'_> {
        Traffic {
            name: SINGLE_EVENTS,
            seed: 3,
            tenant: TENANT,
            token,
        }
    }
}

/// POSTs events of fresh interactions one per request at each concurrency; the events of
/// [`IN_FLIGHT`] interactions at a time, in timestamp order.
pub(super) async fn single_events(
    args: &Args,
    client: &reqwest::Client,
    base: &str,
    traffic: Traffic<'_>,
) -> Vec<Figure> {
    let events = Arc::new(Mutex::new(Interleaved {
        workload: Workload::new(spec(10_000_000, traffic.seed)),
        ready: Vec::new(),
    }));
    let url = format!("{base}/api/v1/tenants/{}/events", traffic.tenant);
    let pick: Pick = Arc::new(move |_| Request {
        url: url.clone(),
        headers: &[],
        body: events.lock().ok().and_then(|mut e| e.next()),
    });
    let duration = Duration::from_millis(args.duration_ms);
    let mut figures = Vec::new();
    for &c in &args.connections {
        let figure = measure(
            client,
            traffic.token,
            traffic.name,
            c,
            duration,
            pick.clone(),
        );
        figures.push(figure.await);
    }
    figures
}

/// Events of a few interactions at a time, merged by timestamp.
struct Interleaved {
    workload: Workload,
    /// The current interactions' events, latest first (so `pop` takes the earliest).
    ready: Vec<(String, String)>,
}

impl Iterator for Interleaved {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.ready.is_empty() {
            for event in self.workload.by_ref().take(IN_FLIGHT).flatten() {
                let at = event["timestamp"].as_str().unwrap_or_default().to_string();
                self.ready.push((at, event.to_string()));
            }
            // Latest first, for `pop`: reversed, then sorted stably, so that events of one
            // millisecond still pop in the order they were made.
            self.ready.reverse();
            self.ready.sort_by(|a, b| b.0.cmp(&a.0));
        }
        self.ready.pop().map(|(_, event)| event)
    }
}

/// POSTs one conversation's `--long-messages` messages one at a time and reports the
/// median cost of the events around each checkpoint it reaches.
pub(super) async fn long_interaction(
    args: &Args,
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> anyhow::Result<Vec<Nth>> {
    let url = format!("{base}/api/v1/tenants/{TENANT}/events");
    let events = long_conversation("bench-long-1", START_MS, args.long_messages);
    // The start, queue and agent come before the first message.
    let first_message = events.len() - args.long_messages;
    let mut costs = Vec::with_capacity(events.len());
    let progress = crate::common::bar(events.len() as u64, "long conversation");
    for event in &events {
        let began = Instant::now();
        let response = client
            .post(&url)
            .bearer_auth(token)
            .json(event)
            .send()
            .await
            .context("cannot reach the server")?;
        if !response.status().is_success() {
            bail!("the server answered {}", response.status());
        }
        costs.push(began.elapsed());
        progress.inc(1);
    }
    progress.finish_and_clear();
    let messages = &costs[first_message..];
    Ok(CHECKPOINTS
        .into_iter()
        .filter(|&n| n <= messages.len())
        .map(|n| {
            let mut around: Vec<Duration> = messages[n.saturating_sub(WINDOW)..n].to_vec();
            around.sort();
            Nth {
                n,
                median_ms: around[around.len() / 2].as_secs_f64() * 1000.0,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Each interaction's events as `Interleaved` sends them, and as made, stably sorted by
    /// timestamp.
    #[test]
    fn events_of_one_millisecond_go_in_the_order_they_were_made() {
        let by_interaction = |events: Vec<Value>| {
            let mut by: BTreeMap<String, Vec<Value>> = BTreeMap::new();
            for event in events {
                let id = event["interactionId"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                by.entry(id).or_default().push(event);
            }
            by
        };
        let interleaved = Interleaved {
            workload: Workload::new(spec(IN_FLIGHT as u64, 7)),
            ready: Vec::new(),
        };
        let sent = interleaved
            .map(|text| serde_json::from_str(&text).expect("an event"))
            .collect();
        let mut made = by_interaction(Workload::new(spec(IN_FLIGHT as u64, 7)).flatten().collect());
        for events in made.values_mut() {
            events.sort_by(|a, b| a["timestamp"].as_str().cmp(&b["timestamp"].as_str()));
        }
        let sent = by_interaction(sent);
        assert_eq!(sent.len(), IN_FLIGHT);
        let ties = (made.values())
            .flat_map(|events| events.windows(2))
            .filter(|pair| pair[0]["timestamp"] == pair[1]["timestamp"])
            .count();
        assert!(ties > 0, "the workload has events of one millisecond");
        assert_eq!(sent, made);
    }
}
