//! The OpenAPI document: every route in it, stable unless changed on purpose, and browsable
//! offline at /docs.

mod common;

use common::TestApp;
use interlog_store::sql::Backend;
use serde_json::Value;

async fn document(app: &TestApp) -> Value {
    let response = app.get("/openapi.json", None).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A change to the document fails here until the snapshot is reviewed and accepted
/// (`INSTA_UPDATE=always cargo test -p interlog-server --test openapi`, then read the diff).
#[tokio::test]
async fn the_document_changes_only_on_purpose() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    insta::assert_json_snapshot!("openapi", document(&app).await);
}

#[tokio::test]
async fn every_route_and_its_errors_are_documented() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let tenant = "/api/v1/tenants/{tenant}";
    for (path, methods) in [
        ("/healthz".to_string(), &["get"][..]),
        (format!("{tenant}/events"), &["post"]),
        (format!("{tenant}/interactions"), &["get"]),
        (format!("{tenant}/interactions/{{interactionId}}"), &["get"]),
        (
            format!("{tenant}/interactions/{{interactionId}}/events"),
            &["get"],
        ),
        (
            format!("{tenant}/interactions/{{interactionId}}/content/{{contentId}}"),
            &["get", "put"],
        ),
        (
            format!("{tenant}/customers/{{customerId}}/interactions"),
            &["get"],
        ),
        (
            format!("{tenant}/agents/{{agentId}}/interactions"),
            &["get"],
        ),
        (format!("{tenant}/lookup"), &["get"]),
        ("/api/v1/admin/keys".to_string(), &["get", "post"]),
        ("/api/v1/admin/keys/{keyId}".to_string(), &["delete"]),
    ] {
        for method in methods {
            let operation = &doc["paths"][&path][*method];
            assert!(operation.is_object(), "{method} {path} is not documented");
            if path != "/healthz" {
                let errors =
                    &operation["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(errors, "#/components/schemas/ErrorBody", "{method} {path}");
            }
        }
    }
    let list_params: Vec<&str> = doc["paths"][format!("{tenant}/interactions")]["get"]
        ["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "from",
        "to",
        "customer",
        "agent",
        "queue",
        "channel",
        "direction",
        "status",
        "flagged",
        "q",
        "order",
        "limit",
        "cursor",
        "include",
    ] {
        assert!(list_params.contains(&name), "{name} is not documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn the_docs_page_is_served_by_the_binary() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "no asset comes from the internet"
    );
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        assert_eq!(app.get(asset, None).await.status(), 200, "{asset}");
    }
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
}
