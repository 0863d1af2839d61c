//! The X-Platform dialect's agent family end to end: a visual-IVR session found by its caller
//! keys, its flow documents, its photo at two sizes, and the documented errors. The DNIS
//! family is in xplatform_dnis.rs; the client and the session are in common/xplatform.rs.

mod common;

use common::xplatform::{session, Client, AGENT};
use common::TestApp;
use interlog_store::sql::Backend;
use reqwest::Method;
use serde_json::{json, Value};

/// The session ingested for acme.
async fn spawn(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &session()).await;
    app
}

async fn the_caller_keys_hand_the_session_to_the_agent(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
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
}

async fn the_full_flow_has_every_page_and_its_choices(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
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
}

async fn the_summary_and_a_variable_set_carry_the_answers(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
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
}

async fn the_photo_is_served_at_two_sizes_and_by_content_id(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;
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
}

async fn the_credentials_and_the_tenant_are_checked(backend: Backend) {
    let app = spawn(backend).await;
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

async fn each_documented_error_of_the_agent_routes(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;

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
}

on_every_backend!(
    the_caller_keys_hand_the_session_to_the_agent,
    the_full_flow_has_every_page_and_its_choices,
    the_summary_and_a_variable_set_carry_the_answers,
    the_photo_is_served_at_two_sizes_and_by_content_id,
    the_credentials_and_the_tenant_are_checked,
    each_documented_error_of_the_agent_routes,
);
