//! The HTTP load loop: closed-loop clients against one endpoint for a while, and the figure
//! they measure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interlog_workload::Rng;

/// Headers a dialect's requests carry beside the token.
pub(super) type Headers = &'static [(&'static str, &'static str)];

/// One request of a measured endpoint: a GET, or a POST of a JSON body.
pub(super) struct Request {
    pub url: String,
    pub headers: Headers,
    pub body: Option<String>,
}

/// How an endpoint picks its next request.
pub(super) type Pick = Arc<dyn Fn(&mut Rng) -> Request + Send + Sync>;

/// One measured figure.
pub(super) struct Figure {
    pub endpoint: &'static str,
    pub connections: usize,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// Runs `connections` closed-loop clients against the requests `pick` makes for `duration`.
pub(super) async fn measure(
    client: &reqwest::Client,
    token: &str,
    endpoint: &'static str,
    connections: usize,
    duration: Duration,
    pick: Pick,
) -> Figure {
    let deadline = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..connections {
        let (client, token, pick) = (client.clone(), token.to_string(), pick.clone());
        tasks.spawn(client_loop(client, token, pick, n, deadline));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while let Some(Ok((l, e))) = tasks.join_next().await {
        latencies.extend(l);
        errors += e;
    }
    latencies.sort();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Figure {
        endpoint,
        connections,
        requests_per_second: latencies.len() as f64 / duration.as_secs_f64(),
        p50_ms: percentile(0.50),
        p99_ms: percentile(0.99),
        errors,
    }
}

/// Client `n`: one request after another until `deadline`; the latencies of the successful
/// ones, and how many failed.
async fn client_loop(
    client: reqwest::Client,
    token: String,
    pick: Pick,
    n: usize,
    deadline: Instant,
) -> (Vec<Duration>, u64) {
    let mut rng = Rng::new(n as u64 + 1);
    let (mut latencies, mut errors) = (Vec::new(), 0u64);
    while Instant::now() < deadline {
        let next = pick(&mut rng);
        let mut request = match next.body {
            Some(body) => client
                .post(&next.url)
                .header("content-type", "application/json")
                .body(body),
            None => client.get(&next.url),
        }
        .bearer_auth(&token);
        for (name, value) in next.headers {
            request = request.header(*name, *value);
        }
        let began = Instant::now();
        match request.send().await {
            Ok(response) if response.status().is_success() => {
                let _ = response.bytes().await;
                latencies.push(began.elapsed());
            }
            _ => errors += 1,
        }
    }
    (latencies, errors)
}
