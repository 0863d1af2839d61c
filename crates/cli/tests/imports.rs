//! `interlog import` of each vendor's sample, read back through the vendor's dialect as it
//! was.

mod common;

use std::path::Path;
use std::process::Command;

use common::{token, Server, BIN};
use serde_json::Value;

fn import(data: &Path, format: &str, file: &Path) -> String {
    let file = file.to_str().expect("a UTF-8 path");
    let args = ["import", "--format", format, "--tenant", "acme", file];
    common::interlog(data, &args)
}

#[tokio::test]
async fn a_talkdesk_page_imports_and_reads_back_field_for_field() {
    let data = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/talkdesk-page.json");
    let summary = import(data.path(), "talkdesk", &file);
    assert!(
        summary.contains("2 new, 0 already imported, 0 rejected"),
        "{summary}"
    );
    let again = import(data.path(), "talkdesk", &file);
    assert!(
        again.contains("0 new, 2 already imported"),
        "importing twice changes nothing: {again}"
    );

    let server = Server::start(data.path(), &[]);
    let token = token(data.path(), "acme", &[]);
    let url = format!("{}/compat/talkdesk/interactions?start_date=2020-03-09T00:00:00Z&end_date=2020-03-16T00:00:00Z", server.base);
    let page: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        page["_embedded"]["interactions"],
        original["_embedded"]["interactions"]
    );
}

#[test]
fn a_record_holding_a_nul_is_rejected_alone_naming_where() {
    let data = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/talkdesk-page.json");
    let mut page: Value = serde_json::from_str(&std::fs::read_to_string(sample).unwrap()).unwrap();
    page["_embedded"]["interactions"][0]["messages"][0]["text"] = "cancel\u{0}".into();
    let file = data.path().join("page.json");
    std::fs::write(&file, page.to_string()).unwrap();
    let summary = import(data.path(), "talkdesk", &file);
    assert!(
        summary.contains("1 new, 0 already imported, 1 rejected"),
        "{summary}"
    );
    assert!(summary.contains("messages[0].text"), "{summary}");
}

#[tokio::test]
async fn the_cxengage_sample_imports_and_reads_back_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/cxengage-sample.json");
    let output = Command::new(BIN)
        .args([
            "import",
            "--format",
            "cxengage",
            "--tenant",
            "2336d1ec-c956-47e1-b3b1-fe8fde81b2b4",
        ])
        .arg(&file)
        .arg("--data")
        .arg(data.path())
        .env_remove("INTERLOG_DATABASE_URL")
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        summary.contains("1 new"),
        "{summary} {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let server = Server::start(data.path(), &[]);
    let token = token(data.path(), "2336d1ec-c956-47e1-b3b1-fe8fde81b2b4", &[]);
    let url = format!(
        "{}/compat/cxengage/v1/tenants/2336d1ec-c956-47e1-b3b1-fe8fde81b2b4/interactions/b2109780-db83-11e7-9709-c2b07aa3bee9",
        server.base
    );
    let got: Value = reqwest::Client::new()
        .get(url)
        .header("authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sample: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(got, sample);
}

#[tokio::test]
async fn the_genesys_example_resource_imports_and_reads_back_key_for_key() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/genesys-ucs-resource.json");
    let summary = import(data.path(), "genesys-ucs", &file);
    assert!(summary.contains("1 new"), "{summary}");
    let server = Server::start(data.path(), &["--public-url", "http://ucshost:8080"]);
    let token = token(data.path(), "acme", &[]);
    let url = format!(
        "{}/compat/genesys-ucs/interactions/00001a57JGQ00BW8",
        server.base
    );
    let got = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Interlog serves the dialect under /compat/genesys-ucs; the example's host is ucshost:8080.
    let got: Value = serde_json::from_str(&got.replace("/compat/genesys-ucs", "")).unwrap();
    let example: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(got, example);
    assert_eq!(
        got["udata"][" smsSrcNumber"], "+33298143456",
        "keys kept byte for byte"
    );
}

/// Amazon Connect contact records, streamed: a dry run writes nothing; the import keeps the
/// newest update of a contact; a re-run changes nothing; a broken line is reported with its
/// place while what came before it is imported.
#[tokio::test]
async fn amazon_connect_records_import_streamed_and_newest_first() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/imports/amazon-connect.ndjson");
    let path = file.to_str().unwrap();
    let dry = common::interlog(
        data.path(),
        &[
            "import",
            "--format",
            "amazon-connect",
            "--tenant",
            "acme",
            "--dry-run",
            path,
        ],
    );
    assert!(
        dry.contains("dry run, nothing written: read 6 records for acme: 6 valid, 0 rejected"),
        "{dry}"
    );
    assert!(
        !data.path().join("interlog.db").exists(),
        "a dry run opens no store"
    );

    let summary = import(data.path(), "amazon-connect", &file);
    assert!(
        summary.contains(
            "6 new, 0 already imported, 0 rejected (6 records read, 0 about no interaction)"
        ),
        "{summary}"
    );
    let again = import(data.path(), "amazon-connect", &file);
    assert!(again.contains("0 new, 6 already imported"), "{again}");

    let broken = data.path().join("broken.ndjson");
    let first = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .replace("a1b2c3d4", "c0ffee00");
    std::fs::write(&broken, format!("{first}\n{{\"ContactId\": \n")).unwrap();
    let partial = import(data.path(), "amazon-connect", &broken);
    assert!(
        partial.contains("1 new, 0 already imported, 1 rejected"),
        "{partial}"
    );
    assert!(
        partial.contains("rejected line 3, column 0: not JSON"),
        "{partial}"
    );

    let [record] = served(data.path(), ["6f2b1c3d-0001-4a5b-8c9d-0e1f2a3b4c5d"]).await;
    assert_eq!(
        record["agents"][0]["handleTime"], 425,
        "the newest update wins: {record}"
    );
    assert_eq!(record["flags"][0]["code"], "source-holds-without-times");
}

/// Asterisk's queue log, line by line: the calls' lines become events (the agents' and
/// queues' own lines are skipped), a re-run adds nothing, and the records read back.
#[tokio::test]
async fn an_asterisk_queue_log_imports_line_by_line() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/imports/asterisk-queue_log");
    let summary = import(data.path(), "asterisk-queue-log", &file);
    assert!(
        summary
            .contains("0 already imported, 0 rejected (19 records read, 4 about no interaction)"),
        "{summary}"
    );
    let again = import(data.path(), "asterisk-queue-log", &file);
    assert!(again.contains(" 0 new, "), "{again}");

    let [answered, abandoned] = served(data.path(), ["1764407000.11", "1764407300.21"]).await;
    assert_eq!(answered["statistics"]["queueTime"], 20, "{answered}");
    assert_eq!(answered["agents"][0]["agentId"], "SIP/1002");
    assert_eq!(
        abandoned["queues"][0]["queueAbandoned"], true,
        "{abandoned}"
    );
}

/// Genesys Cloud conversation details: a page of two conversations, read back with the
/// statistics that agree with the source's metrics.
#[tokio::test]
async fn genesys_cloud_conversations_import_with_their_statistics() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/imports/genesys-cloud.json");
    let summary = import(data.path(), "genesys-cloud", &file);
    assert!(
        summary.contains("2 new, 0 already imported, 0 rejected (1 records read"),
        "{summary}"
    );
    let [record] = served(data.path(), ["c7a3e2d1-1b2c-4d5e-8f90-1a2b3c4d5e6f"]).await;
    assert_eq!(record["statistics"]["handleTime"], 310, "{record}");
    assert_eq!(record["extensions"]["genesysCloud.agent.tHandle"], 310000);
    assert_eq!(record["flagged"], false);
}

/// Asterisk CEL as psql exports it: a transferred call's rows become one interaction.
#[tokio::test]
async fn an_asterisk_cel_dump_imports_a_call_per_linkedid() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/imports/asterisk-cel.csv");
    let summary = import(data.path(), "asterisk-cel", &file);
    assert!(
        summary.contains("1 new, 0 already imported, 0 rejected (1 records read"),
        "{summary}"
    );
    let again = import(data.path(), "asterisk-cel", &file);
    assert!(again.contains("0 new, 1 already imported"), "{again}");
    let [record] = served(data.path(), ["1764407000.1"]).await;
    assert_eq!(record["statistics"]["transfers"], 1, "{record}");
    assert_eq!(record["agents"][1]["agentId"], "SIP/1002");
}

/// The records of `ids` in tenant acme, as a server started on `data` serves them.
async fn served<const N: usize>(data: &Path, ids: [&str; N]) -> [Value; N] {
    let server = Server::start(data, &[]);
    let token = token(data, "acme", &[]);
    let client = reqwest::Client::new();
    let mut records = Vec::new();
    for id in ids {
        let url = format!("{}/api/v1/tenants/acme/interactions/{id}", server.base);
        let response = client.get(url).bearer_auth(&token).send().await.unwrap();
        records.push(response.json::<Value>().await.unwrap());
    }
    records
        .try_into()
        .unwrap_or_else(|_| unreachable!("one record per id"))
}
