//! Just enough of the W3C WebDriver protocol to drive Debian's headless Chromium through
//! its ChromeDriver: a session, navigation, finding, typing, clicking, reading, running a
//! script and taking a screenshot. Screenshots go to the test's temporary directory, and
//! to `docs/screenshots/` when `INTERLOG_UPDATE_SCREENSHOTS` is set.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};

/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait lasts before the test fails.
const WAIT: Duration = Duration::from_secs(15);

pub struct Browser {
    driver: Child,
    client: reqwest::Client,
    /// `http://127.0.0.1:PORT/session/ID`.
    session: String,
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium session.
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) is installed");
        let client = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while client.get(format!("{base}/status")).send().await.is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--window-size=1400,1000",
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}});
        let created: Value = (client.post(format!("{base}/session")).json(&capabilities))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(id) = created["value"]["sessionId"].as_str() else {
            panic!("no session: {created}");
        };
        let session = format!("{base}/session/{id}");
        Browser {
            driver,
            client,
            session,
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.session);
        let mut request = self.client.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.unwrap().json().await.unwrap();
        answer["value"].clone()
    }

    pub async fn open(&self, url: &str) {
        self.call(Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    /// The element `css` selects, waiting for it.
    pub async fn wait_for(&self, css: &str) -> String {
        let deadline = Instant::now() + WAIT;
        let query = json!({"using": "css selector", "value": css});
        loop {
            let found = self
                .call(Method::POST, "/element", Some(query.clone()))
                .await;
            if let Some(id) = found[ELEMENT].as_str() {
                return id.to_string();
            }
            assert!(Instant::now() < deadline, "{css} did not appear");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.wait_for(css).await;
        self.call(
            Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
        let keys = json!({ "text": text });
        self.call(Method::POST, &format!("/element/{id}/value"), Some(keys))
            .await;
    }

    pub async fn click(&self, css: &str) {
        let id = self.wait_for(css).await;
        self.call(
            Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let id = self.wait_for(css).await;
        let text = self
            .call(Method::GET, &format!("/element/{id}/text"), None)
            .await;
        text.as_str().unwrap_or_default().to_string()
    }

    /// What a script returns.
    pub async fn run(&self, script: &str) -> Value {
        let body = json!({"script": script, "args": []});
        self.call(Method::POST, "/execute/sync", Some(body)).await
    }

    /// Waits for `script` to return true.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        while self.run(script).await != json!(true) {
            assert!(Instant::now() < deadline, "{what}: not within {WAIT:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, name: &str) {
        let encoded = self.call(Method::GET, "/screenshot", None).await;
        let png = (base64::engine::general_purpose::STANDARD)
            .decode(encoded.as_str().unwrap())
            .unwrap();
        let tmp = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(tmp.join(name), &png).unwrap();
        if std::env::var_os("INTERLOG_UPDATE_SCREENSHOTS").is_some() {
            let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/screenshots");
            std::fs::create_dir_all(docs).unwrap();
            std::fs::write(std::path::Path::new(docs).join(name), &png).unwrap();
        }
    }

    pub async fn quit(self) {
        self.call(Method::DELETE, "", None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
