//! The X-Platform dialect end to end: a visual-IVR session as events, a DNIS allocation,
//! the hand-off lookups, the flow documents and the photo at two sizes.

mod common;

use std::io::Cursor;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::{event, TestApp};
use interlog_store::sql::Backend;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

const AGENT: &str = "/compat/xplatform/interact/agent/version/2/account/acme";
const DNIS: &str = "/compat/xplatform/interact/version/v2/dnis";

struct Client<'a> {
    app: &'a TestApp,
    id: String,
    secret: String,
}

impl<'a> Client<'a> {
    async fn new(app: &'a TestApp) -> Self {
        let (id, secret) = app
            .create_key("acme", &["interactions:read", "interactions:write"])
            .await;
        Self { app, id, secret }
    }

    /// A request with the agent application's headers.
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, format!("{}{path}", self.app.base))
            .header("Tenant-Id", "acme")
            .header("Application-Key", &self.secret)
    }

    /// A request with the access-token headers the DNIS administration needs.
    fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, format!("{}{path}", self.app.base))
            .header("Tenant-Id", "acme")
            .header("User-Id", STANDARD.encode(&self.id))
            .header("User-Password", STANDARD.encode(&self.secret))
    }

    async fn text(&self, path: &str) -> (u16, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    async fn create_phone(&self, number: &str, dnid: &str) -> u16 {
        let body =
            json!({"phoneNumber": number, "dnId": dnid, "groupName": "test", "enabled": true});
        self.admin(Method::POST, DNIS)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn allocate(&self, id: &str) -> (u16, String) {
        let response = self
            .request(Method::POST, &format!("{DNIS}/allocate/new"))
            .json(&json!({"group": "test", "id": id}))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 220]));
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

fn session() -> Value {
    let at = |s: &str| format!("2024-07-01T12:00:{s}Z");
    json!([
        event(
            "v1",
            "interaction-started",
            "vivr-1",
            &at("00.000"),
            json!({"channelType": "messaging", "direction": "inbound",
            "callerKeys": {"dtmf": "4567", "callReturnNumber": "2121234567"}})
        ),
        event(
            "v2",
            "flow-step",
            "vivr-1",
            &at("05.000"),
            json!({"stepId": "p1", "title": "What is it about?",
            "header": "<span style=\"color:red\">Choose&nbsp;a <b>topic</b></span>",
            "choices": [{"id": "billing", "label": "Billing", "value": "1", "kind": "option", "selected": true},
                        {"id": "tech", "label": "Technical", "value": "2", "kind": "option", "selected": false}]})
        ),
        event(
            "v3",
            "flow-step",
            "vivr-1",
            &at("15.000"),
            json!({"stepId": "p2", "title": "Your account",
            "choices": [{"id": "accountNumber", "label": "Account number", "kind": "text-input", "input": "998877"}]})
        ),
        event(
            "v4",
            "content-added",
            "vivr-1",
            &at("20.000"),
            json!({"contentId": "photo-1", "kind": "photo", "mime": "image/png",
            "data": STANDARD.encode(png(400, 300))})
        ),
        event(
            "v5",
            "flow-step",
            "vivr-1",
            &at("25.000"),
            json!({"stepId": "p3", "title": "A photo of the meter", "footer": "<i>Thanks</i>",
            "choices": [{"id": "meterPhoto", "label": "Meter", "kind": "upload-image-list"}],
            "photos": [{"contentId": "photo-1", "path": "/mnt/sdcard/home/downloads/i1152998579.png"}],
            "variables": {"customerInfoSet": {"firstName": "Jane", "customerId": "12345"}}})
        ),
        event(
            "v6",
            "flow-step",
            "vivr-1",
            &at("30.000"),
            json!({"stepId": "p4", "title": "Call us now",
            "choices": [{"id": "call", "label": "Call", "kind": "click-to-continue"}]})
        ),
    ])
}

async fn a_visual_ivr_session_is_handed_to_the_agent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &session()).await;
    let client = Client::new(&app).await;

    assert_eq!(client.create_phone("2111234567", "4501").await, 200);
    let (status, number) = client.allocate("vivr-1").await;
    assert_eq!((status, number.as_str()), (200, "2111234567"));
    for key in ["2111234567", "4501"] {
        assert_eq!(
            client.text(&format!("{DNIS}/allocate/get/{key}")).await,
            (200, "vivr-1".to_string())
        );
    }
    assert_eq!(
        client.text(&format!("{AGENT}/uniqueId/dtmf/4567")).await,
        (200, "vivr-1".to_string())
    );
    assert_eq!(
        client
            .text(&format!("{AGENT}/uniqueId/callReturn/2121234567"))
            .await,
        (200, "vivr-1".to_string())
    );
    let native = app
        .get(
            "/api/v1/tenants/acme/lookup?phone=2111234567",
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(
        native.json::<Value>().await.unwrap()["interactionId"],
        "vivr-1",
        "the allocation is in the record too"
    );

    let flow = client
        .json(&format!("{AGENT}/interactiondata/vivr-1/fullFlow"))
        .await;
    let pages = flow.as_array().unwrap();
    assert_eq!(pages.len(), 4);
    assert_eq!(
        pages[0]["pageNavigation"]["navigationTitle"],
        "What is it about?"
    );
    assert_eq!(
        pages[0]["pageContent"]["contentSections"][0]["sectionChoices"][0]["choiceOption"],
        json!({"selected": true})
    );
    assert_eq!(pages[0]["timestamp"], "2024-07-01T12:00:05.000Z");
    assert_eq!(
        pages[1]["pageContent"]["contentSections"][0]["sectionChoices"][0]["textInput"],
        json!({"value": "998877"})
    );
    let upload =
        &pages[2]["pageContent"]["contentSections"][0]["sectionChoices"][0]["uploadImageList"];
    assert_eq!(
        upload["images"][0]["img_path"],
        "/mnt/sdcard/home/downloads/i1152998579.png"
    );
    assert!(
        pages[3]["pageContent"]["contentSections"][0]["sectionChoices"][0]["clickToContinue"]
            .is_object()
    );

    let summary = client
        .json(&format!("{AGENT}/interactiondata/vivr-1/summary"))
        .await;
    assert_eq!(
        summary.as_array().unwrap().len(),
        3,
        "the click-through page has no input"
    );
    assert_eq!(
        summary[0]["questions"],
        json!([{"answer": "Billing", "referenceName": "billing", "label": "Billing",
        "header": "Choose a topic", "footer": ""}])
    );
    assert_eq!(summary[1]["questions"][0]["answer"], "998877");
    assert_eq!(summary[2]["questions"][0]["footer"], "Thanks");
    assert_eq!(summary[2]["pageId"], "p3");

    let variables = client
        .json(&format!(
            "{AGENT}/interactiondata/vivr-1/variableSet/customerInfoSet"
        ))
        .await;
    assert_eq!(
        variables,
        json!({"voice": {"data": {"firstName": "Jane", "customerId": "12345"}}})
    );

    // The photo by its double-encoded path with the @@@@@ dot, at two sizes, and by content id.
    let path = "%252Fmnt%252Fsdcard%252Fhome%252Fdownloads%252Fi1152998579@@@@@png";
    for (max, expected) in [(100, (100, 75)), (200, (200, 150))] {
        let response = client
            .request(
                Method::GET,
                &format!("{AGENT}/photo/vivr-1/{path}?maxSize={max}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "image/png");
        let image = image::load_from_memory(&response.bytes().await.unwrap()).unwrap();
        assert_eq!((image.width(), image.height()), expected);
    }
    let original = client
        .request(Method::GET, &format!("{AGENT}/photo/vivr-1/photo-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        image::load_from_memory(&original.bytes().await.unwrap())
            .unwrap()
            .width(),
        400
    );

    // The IVR frees the number once it has read the id.
    let freed = client
        .admin(
            Method::POST,
            "/compat/xplatform/interact/version/2/dnis/allocate/free/4501",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(freed.status(), 200);
    assert_eq!(
        client
            .text(&format!("{DNIS}/allocate/get/2111234567"))
            .await,
        (200, String::new())
    );
}

async fn each_documented_error(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &session()).await;
    let client = Client::new(&app).await;

    let anonymous = app
        .client
        .get(format!(
            "{}{AGENT}/interactiondata/vivr-1/fullFlow",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("unauthenticated-reason"));
    assert_eq!(
        anonymous.json::<Value>().await.unwrap(),
        json!({"code": "0x7000000",
        "message": "Request is unauthorized, missing or wrong credentials", "moreInfoUrl": "http://support.uniphore.com"})
    );
    let no_tenant = app
        .client
        .get(format!(
            "{}{AGENT}/interactiondata/vivr-1/fullFlow",
            app.base
        ))
        .header("Application-Key", &client.secret)
        .send()
        .await
        .unwrap();
    assert_eq!(no_tenant.status(), 401);

    let (status, text) = client.text(&format!("{AGENT}/uniqueId/dtmf/0000")).await;
    assert_eq!(status, 404);
    assert!(text.contains("0000"));
    assert_eq!(
        client
            .text(&format!("{AGENT}/interactiondata/nope/fullFlow"))
            .await
            .0,
        404
    );
    assert_eq!(
        client
            .text(&format!(
                "{AGENT}/interactiondata/vivr-1/variableSet/unknownSet"
            ))
            .await
            .0,
        404
    );
    let (status, text) = client
        .text(&format!("{AGENT}/photo/vivr-1/photo-1?maxSize=big"))
        .await;
    assert_eq!(
        (status, text.as_str()),
        (400, "missing or invalid parameter maxSize")
    );
    assert_eq!(
        client
            .text(&format!("{AGENT}/photo/vivr-1/nothing.png"))
            .await,
        (404, "photo was not found".to_string())
    );
    let (status, text) = client.text(&format!("{DNIS}/allocate/get/999")).await;
    assert_eq!(
        (status, text.as_str()),
        (404, "Phone number 999 was not found")
    );

    assert_eq!(client.create_phone("2111234567", "4501").await, 200);
    let again = client
        .admin(Method::POST, DNIS)
        .json(&json!({"phoneNumber": "2111234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.text().await.unwrap(),
        "Cannot create Phone '2111234567'. A phone with that name already exists"
    );
    assert_eq!(client.allocate("vivr-1").await.0, 200);
    assert_eq!(
        client.allocate("vivr-2").await,
        (
            403,
            "Currently there are no available phone numbers".to_string()
        )
    );
    let other = app.create_key("globex", &["interactions:read"]).await;
    let wrong_tenant = app
        .client
        .get(format!(
            "{}{AGENT}/interactiondata/vivr-1/fullFlow",
            app.base
        ))
        .header("Tenant-Id", "globex")
        .header("Application-Key", &other.1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_tenant.status(),
        403,
        "globex's key names globex, not the account in the path"
    );
}

async fn allocations_lapse_after_the_timeout(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.dnis_timeout = Duration::from_millis(800)
    })
    .await;
    let client = Client::new(&app).await;
    assert_eq!(client.create_phone("2111234567", "4501").await, 200);
    assert_eq!(client.allocate("vivr-1").await.0, 200);
    assert_eq!(client.allocate("vivr-2").await.0, 403);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        client.text(&format!("{DNIS}/allocate/get/4501")).await,
        (200, String::new()),
        "lapsed"
    );
    assert_eq!(
        client.allocate("vivr-2").await,
        (200, "2111234567".to_string()),
        "a lapsed number is free again"
    );
}

async fn concurrent_allocations_never_share_a_number(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let client = Client::new(&app).await;
    for n in 0..5 {
        assert_eq!(
            client
                .create_phone(&format!("21100000{n}"), &format!("45{n}"))
                .await,
            200
        );
    }
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..8 {
        let request = client
            .request(Method::POST, &format!("{DNIS}/allocate/new"))
            .json(&json!({"group": "test", "id": format!("s{n}")}));
        tasks.spawn(async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        });
    }
    let mut numbers = Vec::new();
    let mut refused = 0;
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (200, number) => numbers.push(number),
            (403, _) => refused += 1,
            other => panic!("{other:?}"),
        }
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!((numbers.len(), refused), (5, 3));
}

on_every_backend!(
    a_visual_ivr_session_is_handed_to_the_agent,
    each_documented_error,
    allocations_lapse_after_the_timeout,
    concurrent_allocations_never_share_a_number,
);
