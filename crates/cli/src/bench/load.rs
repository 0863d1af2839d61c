//! The HTTP load loop: closed-loop clients against one endpoint for a while, and the figure
//! they measure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use interlog_workload::Rng;

use super::memory;

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
    /// The process's peak resident memory while this figure was measured, in bytes.
    pub peak_rss: Option<u64>,
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
    memory::mark(); // this figure's peak starts now
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
        peak_rss: memory::mark(),
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
        let succeeded = match request.send().await {
            Ok(response) => response.status().is_success() && drained(response).await,
            Err(_) => false,
        };
        match succeeded {
            true => latencies.push(began.elapsed()),
            false => errors += 1,
        }
    }
    (latencies, errors)
}

/// Reads a response's body to its end, chunk by chunk as they arrive, as wrk does: a page
/// of 200 KB gathered into one buffer would cost this client (which shares the server's
/// cores) a copy the server's figure then pays for. False when the body fails or ends
/// short of its `content-length`.
async fn drained(mut response: reqwest::Response) -> bool {
    let expected = response.content_length();
    let mut read = 0u64;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len() as u64,
            Ok(None) => return expected.is_none_or(|length| length == read),
            Err(_) => return false,
        }
    }
}
