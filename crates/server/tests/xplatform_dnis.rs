//! The X-Platform dialect's DNIS family end to end: a phone number allocated to a visual-IVR
//! session hands it to the agent and is freed; the documented errors; allocations lapse and
//! are never shared. The client and the session are in common/xplatform.rs.

mod common;

use std::time::Duration;

use common::xplatform::{session, Client, DNIS};
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

async fn an_allocated_number_hands_the_session_over_until_freed(backend: Backend) {
    let app = spawn(backend).await;
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

async fn each_documented_error_of_the_dnis_routes(backend: Backend) {
    let app = spawn(backend).await;
    let client = Client::new(&app).await;

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
    an_allocated_number_hands_the_session_over_until_freed,
    each_documented_error_of_the_dnis_routes,
    allocations_lapse_after_the_timeout,
    concurrent_allocations_never_share_a_number,
);
