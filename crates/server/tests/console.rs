//! The console in a real browser (Debian's Chromium, driven through its ChromeDriver over
//! the WebDriver protocol): signing in, searching, an interaction's timeline, a hostile
//! transcript that stays text, a new interaction appearing in the open list and on the
//! wallboard without a reload; and the headers that keep the page strict.

mod common;
mod webdriver;

use std::time::Duration;

use common::{event, TestApp};
use interlog_store::sql::Backend;
use serde_json::{json, Value};
use webdriver::Browser;

const HOSTILE: &str = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";

/// A call through the support queue to agent ann, with a hold, that ends; at `at` (today).
fn call(id: &str, at: chrono::DateTime<chrono::Utc>, said: &str) -> Value {
    let t = |s: i64| {
        (at + chrono::Duration::seconds(s)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    let e = |n: u32, kind: &str, s: i64, extra: Value| {
        event(&format!("{id}-{n}"), kind, id, &t(s), extra)
    };
    json!([
        e(
            1,
            "interaction-started",
            0,
            json!({"channelType": "voice", "direction": "inbound", "customer": {"id": "cust-1"}})
        ),
        e(2, "queue-entered", 5, json!({"queueId": "support"})),
        e(
            3,
            "agent-allocated",
            20,
            json!({"agentId": "ann", "queueId": "support"})
        ),
        e(
            4,
            "message",
            25,
            json!({"participant": "customer", "text": said})
        ),
        e(5, "hold-started", 40, json!({"agentId": "ann"})),
        e(6, "hold-ended", 55, json!({"agentId": "ann"})),
        e(7, "customer-disconnected", 80, json!({})),
        e(
            8,
            "interaction-ended",
            81,
            json!({"reason": "customer-disconnect"})
        ),
        e(9, "agent-deallocated", 90, json!({"agentId": "ann"})),
    ])
}

#[tokio::test]
async fn the_console_is_served_with_a_strict_policy() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (path, kind) in [
        ("/", "text/html"),
        ("/console/app.js", "text/javascript"),
        ("/console/app.css", "text/css"),
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("script-src 'self'") && !policy.contains("unsafe"),
            "{policy}"
        );
    }
    let page = app.get("/", None).await.text().await.unwrap();
    assert!(!page.contains("<script>"), "no inline script");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no other origin"
    );
}

#[tokio::test]
async fn a_supervisor_signs_in_searches_opens_a_timeline_and_watches_live() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Five minutes ago, but never yesterday: the wallboard counts today's calls (UTC), and
    // a run in the first minutes after midnight would otherwise count one of three.
    let today = (chrono::Utc::now().date_naive().and_hms_opt(0, 0, 0))
        .expect("midnight exists")
        .and_utc();
    let now = (chrono::Utc::now() - chrono::Duration::minutes(5)).max(today);
    app.ingest("acme", &call("c1", now, "I want a refund please"))
        .await;
    app.ingest(
        "acme",
        &call("c2", now + chrono::Duration::seconds(1), HOSTILE),
    )
    .await;
    let token = app.token("acme");
    let browser = Browser::start().await;

    browser.open(&format!("{}/", app.base)).await;
    browser.type_into("#tenant", "acme").await;
    browser.type_into("#credential", &token).await;
    browser.click("form.signin button[type=submit]").await;
    browser.wait_for("tr[data-id='c1']").await;
    browser.wait_for("tr[data-id='c2']").await;

    browser.type_into("#f-q", "refund").await;
    browser.click("form.filters button[type=submit]").await;
    browser.wait_until("only the match is listed", "return document.querySelectorAll('#rows tr').length === 1 && !!document.querySelector(\"tr[data-id='c1']\")").await;

    browser.click("tr[data-id='c1'] a").await;
    browser.wait_for(".timeline .span.agent").await;
    for lane in [".span.queue", ".span.hold", ".span.segment"] {
        browser.wait_for(&format!(".timeline {lane}")).await;
    }
    browser.screenshot("console-timeline.png").await;

    browser
        .open(&format!("{}/#/interaction/c2", app.base))
        .await;
    browser.wait_for(".transcript li").await;
    let shown = browser.text(".transcript li").await;
    assert!(
        shown.contains(HOSTILE),
        "the transcript shows as characters: {shown}"
    );
    assert_eq!(
        browser
            .run("return window.pwned === undefined && !document.querySelector('.transcript img')")
            .await,
        json!(true)
    );

    browser.open(&format!("{}/#/", app.base)).await;
    browser.wait_for("tr[data-id='c1']").await;
    app.ingest("acme", &call("c3", chrono::Utc::now(), "new call"))
        .await;
    browser.wait_for("tr[data-id='c3']").await;

    browser.open(&format!("{}/#/wallboard", app.base)).await;
    browser.wait_until("three calls offered", "const row = document.querySelector(\"tr[data-queue='support']\"); return !!row && row.children[1].textContent === '3'").await;
    app.ingest("acme", &call("c4", chrono::Utc::now(), "another"))
        .await;
    browser.wait_until("the wallboard counts the new call", "const row = document.querySelector(\"tr[data-queue='support']\"); return !!row && row.children[1].textContent === '4'").await;
    let title = browser.text(".wallboard h1").await;
    assert_eq!(
        title, "Today by queue (UTC)",
        "the tenant's day, in its zone"
    );
    browser.screenshot("console-wallboard.png").await;
    browser.quit().await;
    tokio::time::sleep(Duration::from_millis(10)).await;
}
