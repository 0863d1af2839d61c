//! The OpenAPI document: every route in it, stable unless changed on purpose, and browsable
//! offline at /docs.

mod common;
mod documented;

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

/// Every documented operation is routed: without a credential it is refused (401), not
/// missing (404) or of another method (405); and every authenticated native operation
/// documents the error shape.
#[tokio::test]
async fn every_documented_route_is_served_and_its_errors_are_documented() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let routes = documented::routes(&app).await;
    for route in &routes {
        let status = route.send(&app, None).await.status();
        assert_eq!(
            status, 401,
            "{} {} answers {status}",
            route.method, route.template
        );
    }
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let native: Vec<_> = routes
        .iter()
        .filter(|r| r.template.starts_with("/api/"))
        .collect();
    assert!(native.len() >= 12, "{} native routes", native.len());
    for route in native {
        let method = route.method.as_str().to_lowercase();
        let operation = &doc["paths"][&route.template][&method];
        let errors =
            &operation["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(
            errors, "#/components/schemas/ErrorBody",
            "{method} {}",
            route.template
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// The lists document the parameters their handlers read, and only those.
#[tokio::test]
async fn the_list_parameters_are_the_ones_the_handler_reads() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = document(&app).await;
    let tenant = "/api/v1/tenants/{tenant}";
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let list = names(&format!("{tenant}/interactions"));
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
        assert!(list.contains(&name.to_string()), "{name} is not documented");
    }
    // The customer's route takes the customer from its path, and refuses it as a parameter.
    let history = names(&format!("{tenant}/customers/{{customerId}}/interactions"));
    assert!(!history.contains(&"customer".to_string()), "{history:?}");
    let refused = app
        .get(
            "/api/v1/tenants/acme/customers/c1/interactions?customer=c2",
            Some(&app.token("acme")),
        )
        .await;
    assert_eq!(refused.status(), 400);
    // Every other documented parameter is one the handler takes (an unknown one is a 400).
    for name in list.iter().chain(&history) {
        let response = app
            .get(
                &format!("/api/v1/tenants/acme/interactions?{name}=%01"),
                Some(&app.token("acme")),
            )
            .await;
        let body: serde_json::Value = response.json().await.unwrap();
        assert_ne!(
            body["fields"][0]["description"], "is not a parameter of this route",
            "{name}"
        );
    }
}

/// Each dialect's document is served under its base path, which is its server, so a
/// client generated from it calls Interlog's routes.
#[tokio::test]
async fn each_dialect_has_its_own_document_under_its_base_path() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for location in &documented::DOCUMENTS[1..] {
        let doc = documented::document(&app, location).await;
        let base = location.trim_end_matches("/openapi.json");
        assert_eq!(doc["openapi"], "3.1.0", "{location}");
        assert_eq!(
            doc["servers"],
            serde_json::json!([{"url": base}]),
            "{location}"
        );
        let paths = doc["paths"].as_object().unwrap();
        assert!(!paths.is_empty(), "{location}");
        for path in paths.keys() {
            assert!(
                !path.starts_with("/compat"),
                "{location}: {path} is not relative"
            );
        }
        assert!(
            doc["components"]["securitySchemes"]
                .as_object()
                .is_some_and(|s| !s.is_empty()),
            "{location}: no credentials documented"
        );
    }
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

#[tokio::test]
async fn the_report_documents_every_metric_and_no_other() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc = document(&app).await;
    let operation = &doc["paths"]["/api/v1/tenants/{tenant}/reports/intervals"]["get"];
    let metrics = (operation["parameters"].as_array().unwrap().iter())
        .find(|p| p["name"] == "metrics")
        .unwrap();
    let pattern = metrics["schema"]["pattern"].as_str().unwrap();
    let names: Vec<&str> = interlog_core::report::METRICS
        .iter()
        .map(|m| m.name)
        .collect();
    let alternation = format!("({})", names.join("|"));
    assert_eq!(pattern, format!("^{alternation}(,{alternation})*$"));
}
