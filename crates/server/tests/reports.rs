//! `GET /api/v1/tenants/{tenant}/reports/intervals`: the hand-computed scenario of
//! `examples/reports/scenario.ndjson` in every grouping (README, "Reports"), a late event
//! moving a call between intervals, CSV, time zones, refusals and tenancy.

mod common;

use interlog_store::sql::Backend;
use serde_json::{json, Value};

use common::{error_body, event, TestApp};

const DAY: &str = "from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z";

async fn scenario(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    let body = include_bytes!("../../../examples/reports/scenario.ndjson").to_vec();
    let token = app.token("acme");
    let response = app
        .post_body("acme", &token, "application/x-ndjson", body)
        .await;
    assert_eq!(response.status(), 200);
    app
}

async fn report(app: &TestApp, tenant: &str, query: &str) -> Value {
    let path = format!("/api/v1/tenants/{tenant}/reports/intervals?{query}");
    let response = app.get(&path, Some(&app.token(tenant))).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

/// The rows of a report, keyed by the value of `dimension` ("" for null).
fn by(report: &Value, dimension: &str) -> Vec<(String, Value)> {
    (report["rows"].as_array().unwrap().iter())
        .map(|row| {
            let key = row[dimension].as_str().unwrap_or("").to_string();
            (key, row.clone())
        })
        .collect()
}

/// Asserts that `row` has each (metric, value) of `expected`.
fn expect(row: &Value, expected: Value) {
    for (metric, value) in expected.as_object().unwrap() {
        assert_eq!(&row[metric], value, "{metric} in {row}");
    }
}

fn row<'a>(rows: &'a [(String, Value)], key: &str) -> &'a Value {
    &rows
        .iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no row {key:?}"))
        .1
}

async fn the_scenario_gives_the_documented_numbers_by_queue(backend: Backend) {
    let app = scenario(backend).await;
    let queues = report(&app, "acme", &format!("{DAY}&groupBy=queue")).await;
    assert_eq!(queues["interval"], "P1D");
    assert_eq!(queues["from"], "2026-11-02T00:00:00Z");
    let rows = by(&queues, "queue");
    assert_eq!(rows.len(), 3, "support, sales and no queue: {queues}");
    expect(
        row(&rows, "support"),
        json!({
            "offered": 4, "answered": 2, "answeredWithinSla": 2, "abandoned": 2,
            "shortAbandoned": 1, "abandonedWithinSla": 1, "abandonedAfterSla": 1,
            "abandonRate": 0.5, "serviceLevel": 0.5, "serviceLevelExcludingAbandons": 1.0,
            "answerTime": 25, "averageSpeedOfAnswer": 12.5, "maxSpeedOfAnswer": 15,
            "queueTime": 58,
            "averageQueueTime": 14.5, "abandonTime": 33, "averageAbandonTime": 16.5,
            "ivrTime": 60, "averageIvrTime": 20, "handled": 2, "handleTime": 785,
            "talkTime": 725, "holdTime": 60, "holds": 1, "afterContactWorkTime": 120,
            "transfers": 0, "ended": 4, "started": 0,
        }),
    );
    let support = row(&rows, "support");
    let excluding_short = support["serviceLevelExcludingShortAbandons"]
        .as_f64()
        .unwrap();
    assert!((excluding_short - 2.0 / 3.0).abs() < 1e-9);
    expect(
        row(&rows, "sales"),
        json!({
            "offered": 1, "answered": 1, "answeredWithinSla": 0, "serviceLevel": 0.0,
            "averageSpeedOfAnswer": 30, "maxSpeedOfAnswer": 30, "ivrTime": 5, "handled": 1,
            "handleTime": 165,
            "transfers": 1, "afterContactWorkTime": 0,
        }),
    );
    expect(
        row(&rows, ""),
        json!({
            "offered": 0, "serviceLevel": null, "averageSpeedOfAnswer": null,
            "maxSpeedOfAnswer": null, "started": 6,
            "ivrTime": 65, "ivrOnly": 1, "ended": 2, "handled": 1, "handleTime": 60,
            "outboundAttempts": 1, "outboundConnects": 1,
        }),
    );
}

async fn by_agent_a_report_counts_each_agents_own_work(backend: Backend) {
    let app = scenario(backend).await;
    let agents = report(&app, "acme", &format!("{DAY}&groupBy=agent")).await;
    let rows = by(&agents, "agent");
    assert_eq!(rows.len(), 3, "{agents}");
    expect(
        row(&rows, "alice"),
        json!({
            "answered": 2, "answeredWithinSla": 2, "answerTime": 25, "handled": 2,
            "handleTime": 785, "talkTime": 725, "holdTime": 60, "holds": 1,
            "afterContactWorkTime": 120, "averageAfterContactWorkTime": 60, "transfers": 0,
        }),
    );
    expect(
        row(&rows, "bob"),
        json!({
            "answered": 1, "answeredWithinSla": 0, "averageSpeedOfAnswer": 30, "handled": 1,
            "handleTime": 165, "talkTime": 165, "transfers": 1,
        }),
    );
    expect(
        row(&rows, "carol"),
        json!({"answered": 0, "handled": 1, "handleTime": 60}),
    );
    assert!(
        row(&rows, "alice").get("offered").is_none(),
        "offers are not an agent's"
    );
    let alice = report(&app, "acme", &format!("{DAY}&agent=alice&groupBy=queue")).await;
    let rows = by(&alice, "queue");
    assert_eq!(rows.len(), 1);
    expect(
        row(&rows, "support"),
        json!({"handled": 2, "handleTime": 785}),
    );
}

async fn by_channel_direction_and_hour(backend: Backend) {
    let app = scenario(backend).await;
    let channels = report(&app, "acme", &format!("{DAY}&groupBy=channel")).await;
    let rows = by(&channels, "channel");
    expect(
        row(&rows, "voice"),
        json!({"offered": 4, "abandoned": 1, "shortAbandoned": 0}),
    );
    expect(
        row(&rows, "chat"),
        json!({"offered": 1, "abandoned": 1, "shortAbandoned": 1}),
    );
    let directions = report(&app, "acme", &format!("{DAY}&groupBy=direction,channel")).await;
    let outbound = (directions["rows"].as_array().unwrap().iter())
        .find(|r| r["direction"] == "outbound")
        .unwrap();
    expect(
        outbound,
        json!({"channel": "voice", "outboundAttempts": 1, "offered": 0}),
    );
    let hours = report(
        &app,
        "acme",
        &format!("{DAY}&interval=PT1H&metrics=offered,handled,started"),
    )
    .await;
    let rows = hours["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 24, "every hour of the day has a row");
    assert_eq!(
        rows[9],
        json!({"intervalStart": "2026-11-02T09:00:00Z",
        "intervalEnd": "2026-11-02T10:00:00Z", "offered": 5, "handled": 3, "started": 4})
    );
    expect(&rows[10], json!({"offered": 0, "handled": 1, "started": 2}));
    let paris = report(
        &app,
        "acme",
        &format!("{DAY}&interval=PT1H&timezone=Europe/Paris&metrics=offered"),
    )
    .await;
    assert_eq!(
        paris["from"], "2026-11-02T01:00:00+01:00",
        "the hour holding `from`"
    );
    let ten = (paris["rows"].as_array().unwrap().iter())
        .find(|r| r["intervalStart"] == "2026-11-02T10:00:00+01:00")
        .unwrap();
    assert_eq!(ten["offered"], 5, "09:00 UTC is 10:00 in Paris");
}

async fn a_late_disconnect_moves_an_answer_to_an_abandon(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let at = |t: &str| format!("2026-11-02T{t}Z");
    let call = json!([
        event(
            "g0",
            "interaction-started",
            "call-g",
            &at("11:00:00"),
            json!({"channelType": "voice", "direction": "inbound"})
        ),
        event(
            "g1",
            "queue-entered",
            "call-g",
            &at("11:00:10"),
            json!({"queueId": "support"})
        ),
        event(
            "g2",
            "agent-allocated",
            "call-g",
            &at("11:16:00"),
            json!({"agentId": "dave", "queueId": "support"})
        ),
        event(
            "g3",
            "interaction-ended",
            "call-g",
            &at("11:20:00"),
            json!({})
        ),
    ]);
    app.ingest("acme", &call).await;
    // Another call dave answers in the same quarter hour, after a shorter wait (60 s).
    let other = json!([
        event(
            "h0",
            "interaction-started",
            "call-h",
            &at("11:14:00"),
            json!({"channelType": "voice", "direction": "inbound"})
        ),
        event(
            "h1",
            "queue-entered",
            "call-h",
            &at("11:14:10"),
            json!({"queueId": "support"})
        ),
        event(
            "h2",
            "agent-allocated",
            "call-h",
            &at("11:15:10"),
            json!({"agentId": "dave", "queueId": "support"})
        ),
    ]);
    app.ingest("acme", &other).await;
    let metrics = "metrics=offered,answered,abandoned,maxSpeedOfAnswer";
    let query = format!("{DAY}&interval=PT15M&{metrics}");
    let quarter = |report: &Value, start: &str| {
        (report["rows"].as_array().unwrap().iter())
            .find(|r| r["intervalStart"] == at(start))
            .cloned()
            .unwrap()
    };
    let daves = format!("{DAY}&groupBy=agent&metrics=answered,maxSpeedOfAnswer");
    let before = report(&app, "acme", &query).await;
    expect(
        &quarter(&before, "11:00:00"),
        json!({"offered": 2, "abandoned": 0}),
    );
    expect(
        &quarter(&before, "11:15:00"),
        json!({"answered": 2, "maxSpeedOfAnswer": 950}),
    );
    let dave = report(&app, "acme", &daves).await;
    expect(
        &dave["rows"][0],
        json!({"answered": 2, "maxSpeedOfAnswer": 950}),
    );
    let late = json!([event(
        "g4",
        "customer-disconnected",
        "call-g",
        &at("11:05:00"),
        json!({})
    )]);
    app.ingest("acme", &late).await;
    let after = report(&app, "acme", &query).await;
    expect(
        &quarter(&after, "11:00:00"),
        json!({"offered": 2, "abandoned": 1}),
    );
    expect(
        &quarter(&after, "11:15:00"),
        json!({"answered": 1, "maxSpeedOfAnswer": 60}),
    );
    // The day's rows (the totals' and dave's) lose the longest wait too.
    let day = report(&app, "acme", &format!("{DAY}&{metrics}")).await;
    expect(
        &day["rows"][0],
        json!({"answered": 1, "maxSpeedOfAnswer": 60}),
    );
    let dave = report(&app, "acme", &daves).await;
    expect(
        &dave["rows"][0],
        json!({"answered": 1, "maxSpeedOfAnswer": 60}),
    );
}

async fn csv_on_request(backend: Backend) {
    let app = scenario(backend).await;
    let path = format!(
        "/api/v1/tenants/acme/reports/intervals?{DAY}&groupBy=queue&metrics=offered,serviceLevel"
    );
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(app.token("acme"))
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    // No row for "no queue": nothing there was offered or answered.
    assert_eq!(
        csv,
        "intervalStart,intervalEnd,queue,offered,serviceLevel\r\n\
         2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,sales,1,0.0\r\n\
         2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,support,4,0.5\r\n"
    );
}

async fn bad_parameters_are_named_and_tenants_are_apart(backend: Backend) {
    let app = scenario(backend).await;
    let token = app.token("acme");
    for (query, parameter) in [
        ("to=2026-11-03T00:00:00Z".to_string(), "from"),
        (
            "from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z".into(),
            "to",
        ),
        (format!("{DAY}&interval=PT5M"), "interval"),
        (format!("{DAY}&groupBy=queue,queue"), "groupBy"),
        (format!("{DAY}&groupBy=skill"), "groupBy"),
        (format!("{DAY}&timezone=Mars/Olympus"), "timezone"),
        (format!("{DAY}&metrics=offered,nope"), "metrics"),
        (format!("{DAY}&groupBy=agent&metrics=offered"), "metrics"),
        (format!("{DAY}&channel=fax"), "channel"),
        (format!("{DAY}&colour=red"), "colour"),
        (
            "from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z&interval=PT15M".into(),
            "interval",
        ),
    ] {
        let path = format!("/api/v1/tenants/acme/reports/intervals?{query}");
        let body = error_body(app.get(&path, Some(&token)).await, 400, "invalid_parameter").await;
        assert_eq!(body["fields"][0]["name"], parameter, "{query}: {body}");
    }
    let other = report(&app, "other", &format!("{DAY}&metrics=offered,started")).await;
    expect(&other["rows"][0], json!({"offered": 0, "started": 0}));
    let path = format!("/api/v1/tenants/acme/reports/intervals?{DAY}");
    let response = app.get(&path, Some(&app.token("other"))).await;
    assert_eq!(response.status(), 403);
}

/// What public CxEngage reporting scripts do: Basic credentials, minutes without seconds (and
/// an `end` with no zone), `limit=1000`, the last half hour, `results[]`.
async fn cxengage_wfm_intervals_as_reporting_scripts_read_them(backend: Backend) {
    let app = scenario(backend).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let wfm = |kind: &str, start: &str, end: &str| {
        let url = format!(
            "{}/compat/cxengage/v1/tenants/acme/wfm/intervals/{kind}?start={start}&end={end}&limit=1000",
            app.base
        );
        let request = app.client.get(url).basic_auth(&id, Some(&secret));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let agents = wfm("agent", "2026-11-02T09:00Z", "2026-11-02T09:30").await;
    assert_eq!(agents["total"], 1, "{agents}");
    expect(
        &agents["results"][0],
        json!({
            "tenantId": "acme", "agentId": "alice", "intervalStart": "2026-11-02T09:00:00.000Z",
            "intervalEnd": "2026-11-02T09:30:00.000Z", "offeredCallCount": 1,
            "answeredCallCount": 1, "avgTimeToAnswer": 15, "avgHandleTime": 375,
            "agentWrapUpTime": 120, "holdCount": 1,
        }),
    );
    let pairs = wfm("agent-queue", "2026-11-02T09:30Z", "2026-11-02T10:00Z").await;
    let results = pairs["results"].as_array().unwrap();
    let pair = |agent: &str| results.iter().find(|r| r["agentId"] == agent).unwrap();
    expect(
        pair("alice"),
        json!({"queueId": "support", "queueName": "Support", "answeredCallCount": 1, "handleTime": 410}),
    );
    expect(
        pair("bob"),
        json!({"queueId": "sales", "queueName": "Sales", "avgTimeToAnswer": 30, "transferCount": 1}),
    );
    let queues = wfm("queue", "2026-11-02T09:00Z", "2026-11-02T09:30Z").await;
    expect(
        &queues["results"][0],
        json!({"queueId": "support", "offeredCallCount": 3,
        "answeredCallCount": 1, "abandonedCallCount": 2, "serviceLevel": 0.3333333333333333}),
    );
    let refused = |tail: &str| {
        let url = format!(
            "{}/compat/cxengage/v1/tenants/acme/wfm/intervals/{tail}",
            app.base
        );
        app.client.get(url).basic_auth(&id, Some(&secret)).send()
    };
    let kind = refused("skill?start=2026-11-02T09:00Z&end=2026-11-02T09:30Z").await;
    assert_eq!(kind.unwrap().status(), 404);
    let response = refused("queue?end=2026-11-02T09:30Z").await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("start"),
        "{body}"
    );
    // A later event renames a queue: its results show the new name; the unnamed keep the id.
    let renamed = r#"{"eventId": "call-z-1", "type": "queue-entered", "interactionId": "call-z",
        "timestamp": "2026-11-05T09:00:00.000Z", "queueId": "sales", "queueName": "Renewals"}"#;
    let body = renamed.replace('\n', "").into_bytes();
    let response = (app.post_body("acme", &app.token("acme"), "application/x-ndjson", body)).await;
    assert_eq!(response.status(), 200);
    let pairs = wfm("agent-queue", "2026-11-02T09:30Z", "2026-11-02T10:00Z").await;
    let names: Vec<(&str, &str)> = (pairs["results"].as_array().unwrap().iter())
        .map(|r| {
            (
                r["queueId"].as_str().unwrap(),
                r["queueName"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(names.contains(&("sales", "Renewals")), "{names:?}");
}

async fn by_end_reason_a_report_counts_ends(backend: Backend) {
    let app = scenario(backend).await;
    let reasons = report(&app, "acme", &format!("{DAY}&groupBy=endReason")).await;
    assert_eq!(
        reasons["metrics"],
        json!(["ended"]),
        "only ended is kept per end reason"
    );
    let rows = by(&reasons, "endReason");
    let ended: Vec<(&str, i64)> = (rows.iter())
        .map(|(reason, row)| (reason.as_str(), row["ended"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        ended,
        [
            ("", 2),
            ("agent-disconnect", 2),
            ("customer-disconnect", 1),
            ("self-service", 1)
        ]
    );
    let support = report(
        &app,
        "acme",
        &format!("{DAY}&endReason=agent-disconnect&groupBy=queue"),
    )
    .await;
    let rows = by(&support, "queue");
    assert_eq!(
        rows.len(),
        2,
        "call-d ended in support, call-f in no queue: {support}"
    );
    let token = app.token("acme");
    for query in [
        "groupBy=agent,endReason",
        "groupBy=endReason&metrics=offered",
    ] {
        let path = format!("/api/v1/tenants/acme/reports/intervals?{DAY}&{query}");
        let body = error_body(app.get(&path, Some(&token)).await, 400, "invalid_parameter").await;
        assert!(
            body["message"].as_str().unwrap().contains("endReason")
                || body["message"].as_str().unwrap().contains("end reason"),
            "{body}"
        );
    }
}

on_every_backend!(
    by_end_reason_a_report_counts_ends,
    cxengage_wfm_intervals_as_reporting_scripts_read_them,
    the_scenario_gives_the_documented_numbers_by_queue,
    by_agent_a_report_counts_each_agents_own_work,
    by_channel_direction_and_hour,
    a_late_disconnect_moves_an_answer_to_an_abandon,
    csv_on_request,
    bad_parameters_are_named_and_tenants_are_apart,
);
