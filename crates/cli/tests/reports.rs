//! `interlog report` and `interlog reproject` as a supervisor's script uses them: the
//! README's scenario posted to a running server, its report as a table, CSV and JSON, and a
//! threshold change applied to history by re-projecting.

mod common;

use std::path::Path;
use std::process::Command;

use common::{interlog, Server, BIN};
use serde_json::Value;

const DAY: [&str; 4] = [
    "--from",
    "2026-11-02T00:00:00Z",
    "--to",
    "2026-11-03T00:00:00Z",
];

fn report(data: &Path, extra: &[&str]) -> String {
    let mut args = vec!["report", "--tenant", "acme"];
    args.extend(DAY);
    args.extend(extra);
    interlog(data, &args)
}

#[tokio::test]
async fn a_report_is_printed_and_a_new_threshold_reaches_history_by_reprojecting() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let token = common::token(data.path(), "acme", &[]);
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/tenants/acme/events", server.base))
        .bearer_auth(&token)
        .header("content-type", "application/x-ndjson")
        .body(include_str!("../../../examples/reports/scenario.ndjson"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let table = report(data.path(), &["--group-by", "queue"]);
    let support = table.lines().find(|l| l.contains("support")).unwrap();
    let cells: Vec<&str> = support.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "2026-11-02T00:00:00Z",
            "support",
            "4",
            "2",
            "2",
            "0.5",
            "12.5",
            "392.5"
        ],
        "{table}"
    );
    let within = [
        "--group-by",
        "queue",
        "--metrics",
        "answeredWithinSla",
        "--format",
        "csv",
    ];
    assert!(report(data.path(), &within).contains(",support,2\r\n"));

    interlog(
        data.path(),
        &[
            "tenants",
            "set",
            "--tenant",
            "acme",
            "--sla-threshold-seconds",
            "10",
        ],
    );
    assert!(
        report(data.path(), &within).contains(",support,2\r\n"),
        "history keeps the threshold it was projected with"
    );
    let done = interlog(data.path(), &["reproject", "--tenant", "acme"]);
    assert_eq!(done, "re-projected 6 interactions of acme\n");
    assert!(
        report(data.path(), &within).contains(",support,1\r\n"),
        "15 s is over 10 s; 10 s is within"
    );

    let json: Value = serde_json::from_str(&report(
        data.path(),
        &[
            "--format",
            "json",
            "--interval",
            "PT1H",
            "--timezone",
            "Asia/Kolkata",
        ],
    ))
    .unwrap();
    assert_eq!(json["from"], "2026-11-02T05:00:00+05:30");
    assert_eq!(
        json["rows"].as_array().unwrap().len(),
        25,
        "a UTC day straddles 25 of Kolkata's half-past hours"
    );

    let refused = Command::new(BIN)
        .args(["report", "--tenant", "acme", "--interval", "PT5M"])
        .args(DAY)
        .arg("--data")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--interval"));
}
