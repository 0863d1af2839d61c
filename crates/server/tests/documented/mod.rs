//! The routes as the OpenAPI documents describe them: the native document and each
//! dialect's, enumerated into requests a test can send. Tests that must cover every route
//! take them from here, so a new route is covered by being documented.

#![allow(dead_code)] // each test binary that includes this module uses a part of it

use interlog_server::auth::Scope;
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::TestApp;

/// Every document the server serves.
pub const DOCUMENTS: &[&str] = &[
    "/openapi.json",
    "/compat/cxengage/v1/openapi.json",
    "/compat/talkdesk/openapi.json",
    "/compat/genesys-ucs/openapi.json",
    "/compat/vonage/openapi.json",
    "/compat/xplatform/openapi.json",
];

/// One documented operation, made concrete for tenant `acme`'s data (see `sample`).
#[derive(Clone, Debug)]
pub struct Route {
    pub method: Method,
    /// The path as documented (relative to the document's server).
    pub template: String,
    /// The path to request, with the server's base and sample values, and the query.
    pub path: String,
    /// What the route needs: the scopes its security requirement names, else reads for
    /// GET and writes for the rest.
    pub scope: Scope,
    /// Documented headers, with sample values.
    pub headers: Vec<(String, String)>,
    /// Whether the request names acme (in its path, query or headers); a route that names
    /// no tenant (a login) answers for whatever tenant the credential has.
    pub names_tenant: bool,
    pub body: Option<Value>,
}

/// A value for a parameter, by name: what `acme`'s data in the tests has.
fn sample(name: &str) -> &'static str {
    match name {
        "tenant" | "account" | "accountKey" | "account_id" | "Tenant-Id" | "ContactCenterId" => {
            "acme"
        }
        "interactionId" | "uid" => "call-1",
        "contentId" | "img_path" => "photo",
        "artifactId" => "recording-0",
        "customerId" | "contactId" => "cust-1",
        "agentId" => "ann",
        "serviceId" => "42",
        "keyId" => "key_0000000000000000",
        "webhookId" => "wh_000000000000000a",
        "version" => "v2",
        "kind" => "dtmf",
        "value" | "attr" => "4567",
        "phone" => "555",
        "from" => "2026-11-02T00:00:00Z",
        "to" => "2026-11-03T00:00:00Z",
        _ => "x",
    }
}

/// A body for an operation that takes one, by operation id.
fn body(operation_id: &str) -> Value {
    match operation_id {
        "ingest_events" | "import_amazon_connect" => json!([]),
        "create_key" => json!({"tenant": "acme", "scopes": ["interactions:read"]}),
        "put_content" => json!("bytes"),
        "create_phone" => json!({"phoneNumber": "556"}),
        "allocate" => json!({"id": "call-1"}),
        "put_settings" => json!({"timeZone": "Europe/Paris"}),
        "put_twilio" => {
            json!({"accountSid": "AC00000000000000000000000000000001", "authToken": "t"})
        }
        "create_webhook" => {
            json!({"url": "http://127.0.0.1:9/hooks", "events": ["interaction.ended"]})
        }
        other => panic!("no sample body for {other}: add one"),
    }
}

pub async fn document(app: &TestApp, path: &str) -> Value {
    let response = app.get(path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// Every operation of every document that needs a credential.
pub async fn routes(app: &TestApp) -> Vec<Route> {
    let mut routes = Vec::new();
    for location in DOCUMENTS {
        let doc = document(app, location).await;
        let base = doc["servers"][0]["url"].as_str().unwrap_or("").to_string();
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if let Some(route) = route(&base, template, method, operation) {
                    routes.push(route);
                }
            }
        }
    }
    routes
}

fn route(base: &str, template: &str, method: &str, operation: &Value) -> Option<Route> {
    let requirement = operation["security"][0].as_object()?;
    let (_, scopes) = requirement.iter().next()?;
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let scope = match scopes.get(0).and_then(Value::as_str) {
        Some(name) => Scope::from_claim(name).unwrap(),
        None if method == Method::GET => Scope::Read,
        None => Scope::Write,
    };
    let mut path = format!("{base}{template}");
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().unwrap();
        let example = parameter["example"].as_str();
        match parameter["in"].as_str().unwrap() {
            "path" => path = path.replace(&format!("{{{name}}}"), sample(name)),
            "header" => headers.push((name.into(), example.unwrap_or(sample(name)).into())),
            // The lookup's one exploded parameter: one caller key.
            "query" if name == "key" => query.push(format!("dtmf={}", sample("value"))),
            // Required parameters, and those that name the tenant: the route then reads
            // acme whoever asks, as an intruder would try.
            "query" if parameter["required"] == true || sample(name) == "acme" => {
                query.push(format!("{name}={}", sample(name)))
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let names_tenant = path.contains("acme") || headers.iter().any(|(_, v)| v == "acme");
    let body = operation
        .get("requestBody")
        .map(|_| body(operation["operationId"].as_str().unwrap()));
    Some(Route {
        method,
        template: format!("{base}{template}"),
        path,
        scope,
        headers,
        names_tenant,
        body,
    })
}

impl Route {
    /// Sends the route with `authorization` (if any).
    pub async fn send(&self, app: &TestApp, authorization: Option<&str>) -> reqwest::Response {
        let url = format!("{}{}", app.base, self.path);
        let mut request = app.client.request(self.method.clone(), url);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        request.send().await.unwrap()
    }
}
