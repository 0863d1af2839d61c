//! `interlog serve --nats` against a real nats-server with JetStream, started by the test on
//! a free port: events flow in, poison goes to the dead-letter subject without blocking the
//! stream, a nats-server killed with SIGKILL mid-stream loses and duplicates nothing, and
//! two servers over one PostgreSQL share the durable consumer.

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, Context};
use common::Server;
use interlog_store::testing::PgSchema;
use serde_json::{json, Value};

const SECRET: &str = "nats-test-secret";

/// A nats-server with JetStream, its store in `dir`, killed when dropped.
struct Nats {
    child: Child,
    port: u16,
    dir: std::path::PathBuf,
}

impl Nats {
    fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::on(port, dir)
    }

    fn on(port: u16, dir: &Path) -> Self {
        let binary = [
            "nats-server",
            "/usr/sbin/nats-server",
            "/usr/bin/nats-server",
        ]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .expect("nats-server (Debian package nats-server)");
        let child = Command::new(binary)
            .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// SIGKILL, then a new server on the same port and store.
    fn kill_and_restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let restarted = Self::on(self.port, &self.dir);
        *self = restarted;
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `interlog serve` consuming from `nats`, on PostgreSQL when `database` is given.
fn serve(data: &Path, nats: &Nats, database: Option<&str>, extra: &[&str]) -> Server {
    let url = nats.url();
    let mut flags = vec!["--jwt-secret", SECRET, "--nats", url.as_str()];
    if let Some(database) = database {
        flags.extend(["--database", database]);
    }
    flags.extend(extra);
    Server::start(data, &flags)
}

fn token() -> String {
    let output = Command::new(common::BIN)
        .args(["token", "--tenant", "acme", "--jwt-secret", SECRET])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A JetStream context once the server has created its stream.
async fn context(nats: &Nats) -> Context {
    let client = async_nats::connect(nats.url()).await.unwrap();
    let context = jetstream::new(client);
    let deadline = Instant::now() + Duration::from_secs(20);
    while context.get_stream("INTERLOG").await.is_err() {
        assert!(
            Instant::now() < deadline,
            "interlog did not create its stream"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    context
}

/// Publishes until JetStream acknowledges (retrying while the server is away).
async fn publish(context: &Context, subject: &str, headers: Option<(&str, &str)>, payload: String) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let sent = match headers {
            Some((name, value)) => {
                let mut map = async_nats::HeaderMap::new();
                map.insert(name, value);
                let payload = payload.clone().into();
                context
                    .publish_with_headers(subject.to_string(), map, payload)
                    .await
            }
            None => {
                context
                    .publish(subject.to_string(), payload.clone().into())
                    .await
            }
        };
        if let Ok(ack) = sent {
            if ack.await.is_ok() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "no JetStream acknowledgement");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn event(id: &str, kind: &str, ix: &str, second: u32) -> Value {
    let mut e = json!({"eventId": id, "type": kind, "interactionId": ix,
        "timestamp": format!("2026-11-02T10:00:{second:02}Z")});
    if kind == "interaction-started" {
        e["channelType"] = json!("chat");
        e["direction"] = json!("inbound");
    }
    if kind == "note-added" {
        e["text"] = json!("called back");
    }
    e
}

/// The interaction's logged events (empty while it is unknown).
async fn logged(base: &str, token: &str, id: &str) -> Vec<Value> {
    let url = format!("{base}/api/v1/tenants/acme/interactions/{id}/events");
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body.as_array().cloned().unwrap_or_default()
}

/// Waits until each interaction has exactly `count` logged events.
async fn wait_for(base: &str, token: &str, ids: &[String], count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    for id in ids {
        loop {
            let n = logged(base, token, id).await.len();
            assert!(
                n <= count,
                "{id} has {n} events, more than the {count} sent"
            );
            if n == count {
                break;
            }
            assert!(Instant::now() < deadline, "{id} has {n} of {count} events");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A sample of a Prometheus scrape, 0 when absent.
async fn metric(base: &str, sample: &str) -> f64 {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (text.lines())
        .find_map(|line| line.strip_prefix(sample)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn events_flow_in_and_poison_goes_to_the_dead_letter_subject() {
    let (store, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let nats = Nats::start(store.path());
    let server = serve(data.path(), &nats, None, &[]);
    let (token, context) = (token(), context(&nats).await);
    let subject = "interlog.events.acme";
    let array = json!([
        event("a1", "interaction-started", "i1", 0),
        event("a2", "interaction-ended", "i1", 9)
    ]);
    publish(&context, subject, None, array.to_string()).await;
    publish(&context, subject, None, "not json at all".into()).await;
    let ndjson = format!(
        "{}\n{}\n",
        event("b1", "interaction-started", "i2", 0),
        event("b2", "interaction-ended", "i2", 5)
    );
    publish(&context, subject, None, ndjson).await;
    let mixed = json!([event("c1", "interaction-started", "i3", 0), {"eventId": "c2", "type": "no-such-type"}]);
    publish(&context, subject, None, mixed.to_string()).await;
    let single = event("d1", "interaction-started", "i4", 0).to_string();
    publish(
        &context,
        "interlog.events.other",
        Some(("Interlog-Tenant", "acme")),
        single,
    )
    .await;

    for (id, count) in [("i1", 2), ("i2", 2), ("i3", 1), ("i4", 1)] {
        wait_for(&server.base, &token, &[id.to_string()], count).await;
    }
    // Dead letters and counters follow the commit: wait for them too.
    let mut dead = context.get_stream("INTERLOG_DEAD").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while dead.info().await.unwrap().state.messages < 2 {
        assert!(Instant::now() < deadline, "two dead letters");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = dead.get_raw_message(1).await.unwrap();
    assert_eq!(first.subject.as_str(), "interlog.dead.acme");
    assert_eq!(first.payload.as_ref(), b"not json at all");
    let reason = first
        .headers
        .get("Interlog-Reason")
        .unwrap()
        .as_str()
        .to_string();
    assert!(reason.contains("JSON"), "{reason}");
    let second = dead.get_raw_message(2).await.unwrap();
    assert!(String::from_utf8_lossy(&second.payload).contains("no-such-type"));
    assert!(second.headers.get("Interlog-Reason").is_some());
    let accepted = "interlog_events_total{source=\"nats\",outcome=\"accepted\"}";
    while metric(&server.base, accepted).await < 6.0 {
        assert!(Instant::now() < deadline, "six events counted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(metric(&server.base, accepted).await, 6.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nats_server_killed_mid_stream_loses_and_duplicates_nothing() {
    let (store, data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut nats = Nats::start(store.path());
    let server = serve(data.path(), &nats, None, &[]);
    let (token, context) = (token(), context(&nats).await);
    let ids: Vec<String> = (0..60).map(|n| format!("k{n}")).collect();
    for (n, id) in ids.iter().enumerate() {
        if n == 20 {
            tokio::task::block_in_place(|| nats.kill_and_restart());
        }
        let events = json!([
            event(&format!("{id}-s"), "interaction-started", id, 0),
            event(&format!("{id}-m"), "note-added", id, 1),
            event(&format!("{id}-e"), "interaction-ended", id, 2),
        ]);
        publish(&context, "interlog.events.acme", None, events.to_string()).await;
    }
    wait_for(&server.base, &token, &ids, 3).await;
}

#[tokio::test]
async fn two_servers_over_postgres_share_the_durable_consumer() {
    let schema = PgSchema::create().await;
    let (store, a, b) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let nats = Nats::start(store.path());
    let one = ["--nats-max-in-flight", "1"];
    let first = serve(a.path(), &nats, Some(&schema.url), &one);
    let (token, context) = (token(), context(&nats).await);
    let second = serve(b.path(), &nats, Some(&schema.url), &one);
    let ids: Vec<String> = (0..40).map(|n| format!("p{n}")).collect();
    for id in &ids {
        let events = json!([
            event(&format!("{id}-s"), "interaction-started", id, 0),
            event(&format!("{id}-e"), "interaction-ended", id, 3)
        ]);
        publish(&context, "interlog.events.acme", None, events.to_string()).await;
    }
    wait_for(&first.base, &token, &ids, 2).await;
    let accepted = "interlog_events_total{source=\"nats\",outcome=\"accepted\"}";
    // The counters move just after the commit the API shows.
    let deadline = Instant::now() + Duration::from_secs(20);
    let (x, y) = loop {
        let x = metric(&first.base, accepted).await;
        let y = metric(&second.base, accepted).await;
        if x + y >= 80.0 || Instant::now() > deadline {
            break (x, y);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(x + y, 80.0, "every event stored once: {x} + {y}");
    assert!(x > 0.0 && y > 0.0, "both servers took a share: {x} and {y}");
    drop((first, second));
    schema.drop().await;
}
