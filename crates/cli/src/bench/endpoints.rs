//! The measured endpoints: a table of each endpoint's name, the headers its requests carry
//! beside the token, and how it picks its next URL from the loaded workload.

use std::sync::Arc;

use interlog_workload::Rng;

use super::load::{Headers, Pick, Request};
use super::{DAY_MS, START_MS, TENANT, ZONE};

/// What the URLs are drawn from: the server and the shape of the loaded workload.
struct Target {
    /// The server's base URL (`http://127.0.0.1:PORT`).
    base: String,
    /// The native API's tenant root.
    api: String,
    /// Interactions loaded (at least 1).
    interactions: u64,
    /// Days the workload spans.
    days: u32,
    /// Distinct customers drawn from (a third of the interactions).
    population: u64,
    /// Agents drawn from (one per 40 interactions, 20 to 300).
    agents: u64,
}

impl Target {
    fn new(base: &str, interactions: u64, days: u32) -> Self {
        let n = interactions.max(1);
        Self {
            base: base.to_string(),
            api: format!("{base}/api/v1/tenants/{TENANT}"),
            interactions: n,
            days,
            population: (n / 3).max(1),
            agents: (n / 40).clamp(20, 300),
        }
    }

    /// A loaded interaction's id, uniformly.
    fn id(&self, rng: &mut Rng) -> String {
        format!("gen-1-{}", rng.below(self.interactions))
    }

    /// One day of the workload, as RFC 3339 bounds.
    fn day(&self, rng: &mut Rng) -> (String, String) {
        self.day_at(rng.below(u64::from(self.days)) as i64)
    }

    /// The `n`th day from the workload's first, as RFC 3339 bounds.
    fn day_at(&self, n: i64) -> (String, String) {
        let from = START_MS + n * DAY_MS;
        let t = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        (t(from), t(from + DAY_MS))
    }

    /// A customer, skewed towards the first ones (a few callers call often).
    fn customer(&self, rng: &mut Rng) -> u64 {
        (self.population as f64 * rng.unit().powi(3)) as u64
    }

    /// An agent, among a multiple of three.
    fn agent(&self, rng: &mut Rng) -> u64 {
        rng.below(self.agents - self.agents % 3)
    }
}

/// One measured endpoint.
struct Endpoint {
    /// The name in the tables and the JSON (`endpoint`); the floor's ends with "(floor)".
    name: &'static str,
    /// Measured at one connection only (a supervisor's page, whose answers are large),
    /// rather than at each `--connections`.
    alone: bool,
    headers: Headers,
    url: fn(&Target, &mut Rng) -> String,
}

/// The measured endpoints, in the order they are measured and reported.
const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        name: "GET /healthz (floor)",
        alone: false,
        headers: &[],
        url: |t, _| format!("{}/healthz", t.base),
    },
    Endpoint {
        name: "native: get by id",
        alone: false,
        headers: &[],
        url: |t, r| format!("{}/interactions/{}", t.api, t.id(r)),
    },
    Endpoint {
        name: "cxengage: get by id",
        alone: false,
        headers: &[],
        url: |t, r| {
            let b = &t.base;
            format!(
                "{b}/compat/cxengage/v1/tenants/{TENANT}/interactions/{}",
                t.id(r)
            )
        },
    },
    Endpoint {
        name: "genesys-ucs: get by id",
        alone: false,
        headers: &[],
        url: |t, r| format!("{}/compat/genesys-ucs/interactions/{}", t.base, t.id(r)),
    },
    Endpoint {
        name: "x-platform: summary by id",
        alone: false,
        headers: &[("tenant-id", TENANT)],
        url: |t, r| {
            let b = &t.base;
            let account = format!("{b}/compat/xplatform/interact/agent/version/2/account");
            format!("{account}/{TENANT}/interactiondata/{}/summary", t.id(r))
        },
    },
    Endpoint {
        name: "native: 100 in a 1-day window",
        alone: false,
        headers: &[],
        url: |t, r| {
            let (from, to) = t.day(r);
            format!("{}/interactions?limit=100&from={from}&to={to}", t.api)
        },
    },
    Endpoint {
        name: "talkdesk: 100 in a 1-day window",
        alone: false,
        headers: &[],
        url: |t, r| {
            let (from, to) = t.day(r);
            let b = &t.base;
            format!("{b}/compat/talkdesk/interactions?per_page=100&start_date={from}&end_date={to}")
        },
    },
    Endpoint {
        name: "native: customer history",
        alone: false,
        headers: &[],
        url: |t, r| format!("{}/customers/cust-{:06}/interactions", t.api, t.customer(r)),
    },
    Endpoint {
        name: "vonage: agent latest (v2)",
        alone: false,
        headers: &[("accept", "application/json;version=2")],
        url: |t, r| {
            let b = &t.base;
            let agent = t.agent(r);
            format!(
                "{b}/compat/vonage/v0/{TENANT}/agents/agent-{agent:03}/latestInteractions?size=3"
            )
        },
    },
    Endpoint {
        name: "native: full-text search",
        alone: false,
        headers: &[],
        url: |t, _| format!("{}/interactions?q=charged%20twice&limit=20", t.api),
    },
    Endpoint {
        // The rare end: a word in no interaction (the workload's words are all common).
        name: "native: full-text search, a rare word",
        alone: false,
        headers: &[],
        url: |t, _| format!("{}/interactions?q=chargeback&limit=20", t.api),
    },
    Endpoint {
        name: "report: 30 days by day and queue",
        alone: true,
        headers: &[],
        // In the tenant's zone (New York), whose day rows its days read.
        url: |t, _| {
            let (from, _) = t.day_at(0);
            let (to, _) = t.day_at(30);
            let zone = format!("timezone={ZONE}");
            let metrics = "metrics=offered,answered,abandoned,serviceLevel,averageSpeedOfAnswer,averageHandleTime";
            format!(
                "{}/reports/intervals?from={from}&to={to}&groupBy=queue&{zone}&{metrics}",
                t.api
            )
        },
    },
    Endpoint {
        name: "report: 1 day by 15 minutes and agent",
        alone: true,
        headers: &[],
        url: |t, r| {
            let (from, to) = t.day(r);
            // What a WFM system takes per agent and quarter hour.
            let by = "interval=PT15M&groupBy=agent";
            let metrics = "metrics=answered,handled,averageHandleTime,averageSpeedOfAnswer,afterContactWorkTime";
            format!(
                "{}/reports/intervals?from={from}&to={to}&{by}&{metrics}",
                t.api
            )
        },
    },
];

/// The measured endpoints, each with whether it is measured at one connection only and how
/// it picks its next URL (and its headers), over a server at `base` loaded with
/// `interactions` over `days`.
pub(super) fn endpoints(
    base: &str,
    interactions: u64,
    days: u32,
) -> Vec<(&'static str, bool, Pick)> {
    let target = Arc::new(Target::new(base, interactions, days));
    ENDPOINTS
        .iter()
        .map(|endpoint| {
            let (target, url, headers) = (target.clone(), endpoint.url, endpoint.headers);
            let pick: Pick = Arc::new(move |rng: &mut Rng| Request {
                url: url(&target, rng),
                headers,
                body: None,
            });
            (endpoint.name, endpoint.alone, pick)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ENDPOINTS;

    /// The report finds the floor by its name: there must be exactly one, measured first.
    #[test]
    fn the_floor_comes_first_and_names_are_unique() {
        let floors: Vec<_> = ENDPOINTS
            .iter()
            .filter(|e| e.name.ends_with("(floor)"))
            .collect();
        assert_eq!(floors.len(), 1);
        assert!(ENDPOINTS[0].name.ends_with("(floor)"));
        let mut names: Vec<_> = ENDPOINTS.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ENDPOINTS.len());
    }
}
