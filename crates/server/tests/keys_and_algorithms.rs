//! API keys (Basic, Token, Application-Key), the admin API, RS256/ES256/JWKS tokens,
//! issuer/audience checks and the rate limit.

mod common;

use std::path::PathBuf;

use common::{error_body, worked_example, TestApp};
use interlog_server::auth::{JwtOptions, RateLimit};
use interlog_store::sql::Backend;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{json, Value};

const RECORD: &str = "/api/v1/tenants/acme/interactions/b2109780-db83-11e7-9709-c2b07aa3bee9";

fn basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

async fn api_keys_authenticate_three_ways_and_only_for_their_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    assert!(secret.starts_with(&format!("{id}.")));

    for authorization in [basic(&id, &secret), format!("Token {secret}")] {
        let response = app
            .send(Method::GET, RECORD, Some(&authorization), None)
            .await;
        assert_eq!(response.status(), 200, "{authorization}");
    }
    let header = app
        .client
        .get(format!("{}{RECORD}", app.base))
        .header("Application-Key", &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(header.status(), 200);

    let wrong = app
        .send(Method::GET, RECORD, Some(&basic(&id, "nope")), None)
        .await;
    let body = error_body(wrong, 401, "unauthorized").await;
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("unknown API key"));
    let write = app
        .send(
            Method::POST,
            "/api/v1/tenants/acme/events",
            Some(&format!("Token {secret}")),
            Some(json!([])),
        )
        .await;
    error_body(write, 403, "forbidden").await;
}

async fn listed_keys_hide_their_secret_and_revoked_keys_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.ingest("acme", &worked_example()).await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let admin = format!(
        "Bearer {}",
        app.token_with(&["acme"], &[interlog_server::auth::Scope::Admin], 600)
    );
    let listed: Value = app
        .send(
            Method::GET,
            "/api/v1/admin/keys?tenant=acme",
            Some(&admin),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0].get("secret").is_none(), "secrets are shown once");
    assert!(!listed.to_string().contains(&secret));

    let revoked = app
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/keys/{id}?tenant=acme"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    let after = app
        .send(Method::GET, RECORD, Some(&format!("Token {secret}")), None)
        .await;
    let body = error_body(after, 401, "unauthorized").await;
    assert!(body["message"].as_str().unwrap().contains("revoked"));
    let again = app
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/keys/{id}?tenant=acme"),
            Some(&admin),
            None,
        )
        .await;
    error_body(again, 404, "not_found").await;
}

async fn the_admin_api_is_for_admins_of_the_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reader = format!("Bearer {}", app.token("acme"));
    let body = json!({"tenant": "acme", "scopes": ["interactions:read"]});
    let response = app
        .send(
            Method::POST,
            "/api/v1/admin/keys",
            Some(&reader),
            Some(body.clone()),
        )
        .await;
    error_body(response, 403, "forbidden").await;
    let other_admin = format!(
        "Bearer {}",
        app.token_with(&["globex"], &[interlog_server::auth::Scope::Admin], 600)
    );
    let response = app
        .send(
            Method::POST,
            "/api/v1/admin/keys",
            Some(&other_admin),
            Some(body),
        )
        .await;
    error_body(response, 403, "forbidden").await;
    let bad_scope = json!({"tenant": "globex", "scopes": ["root"]});
    let response = app
        .send(
            Method::POST,
            "/api/v1/admin/keys",
            Some(&other_admin),
            Some(bad_scope),
        )
        .await;
    let body = error_body(response, 400, "invalid_parameter").await;
    assert_eq!(body["fields"][0]["name"], "scopes");
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn signed(algorithm: Algorithm, key_file: &str, kid: Option<&str>, claims: Value) -> String {
    let pem = std::fs::read(fixture(key_file)).unwrap();
    let key = match algorithm {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem).unwrap(),
        _ => EncodingKey::from_ec_pem(&pem).unwrap(),
    };
    let mut header = Header::new(algorithm);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

fn claims(extra: Value) -> Value {
    let mut claims = json!({"sub": "idp-user", "tenant": "acme", "scope": "interactions:read",
        "exp": chrono::Utc::now().timestamp() + 600});
    claims
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    claims
}

/// A server that trusts the RSA public key and the JWKS, for issuer idp.example and audience
/// interlog, with the worked example ingested.
async fn spawn_with_keys(backend: Backend) -> TestApp {
    let app = TestApp::spawn_with(backend, |config| {
        config.jwt = JwtOptions {
            public_key_files: vec![fixture("rsa-public.pem")],
            jwks_file: Some(fixture("jwks.json")),
            issuer: Some("https://idp.example".into()),
            audience: Some("interlog".into()),
        };
    })
    .await;
    app.ingest("acme", &worked_example()).await;
    app
}

/// A GET of the record with `token` as the bearer.
async fn get_record_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(Method::GET, RECORD, Some(&format!("Bearer {token}")), None)
        .await
}

async fn rs256_es256_jwks_and_vendor_claims_are_accepted(backend: Backend) {
    let app = spawn_with_keys(backend).await;
    let good = json!({"iss": "https://idp.example", "aud": "interlog"});
    let rs = signed(
        Algorithm::RS256,
        "rsa-private.pem",
        None,
        claims(good.clone()),
    );
    let es = signed(
        Algorithm::ES256,
        "ec-private.pem",
        Some("ec-1"),
        claims(good),
    );
    for token in [&rs, &es] {
        assert_eq!(get_record_with(&app, token).await.status(), 200);
    }
    // Vendor-style claims: `scp` arrays and vendor scope names.
    let scp = signed(
        Algorithm::RS256,
        "rsa-private.pem",
        None,
        claims(
            json!({"iss": "https://idp.example", "aud": "interlog", "scope": null, "scp": ["INTERACTIONS_API_READ_ALL"]}),
        ),
    );
    assert_eq!(get_record_with(&app, &scp).await.status(), 200);
}

async fn tokens_without_a_known_key_issuer_or_audience_are_refused(backend: Backend) {
    let app = spawn_with_keys(backend).await;
    let good = json!({"iss": "https://idp.example", "aud": "interlog"});
    // The EC key is only in the JWKS: without a kid nothing matches.
    let no_kid = signed(Algorithm::ES256, "ec-private.pem", None, claims(good));
    let wrong_issuer = signed(
        Algorithm::RS256,
        "rsa-private.pem",
        None,
        claims(json!({"iss": "https://evil.example", "aud": "interlog"})),
    );
    let wrong_audience = signed(
        Algorithm::RS256,
        "rsa-private.pem",
        None,
        claims(json!({"iss": "https://idp.example", "aud": "other"})),
    );
    for (token, reason) in [
        (no_kid, "no configured key"),
        (wrong_issuer, "issuer"),
        (wrong_audience, "audience"),
    ] {
        let response = get_record_with(&app, &token).await;
        let body = error_body(response, 401, "unauthorized").await;
        assert!(body["message"].as_str().unwrap().contains(reason), "{body}");
    }
}

async fn each_principal_is_rate_limited_with_retry_after(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.rate_limit = RateLimit {
            per_second: 1,
            burst: 2,
        }
    })
    .await;
    let alice = format!("Bearer {}", app.token("acme"));
    for _ in 0..2 {
        assert_eq!(
            app.send(Method::GET, RECORD, Some(&alice), None)
                .await
                .status(),
            404
        );
    }
    let limited = app.send(Method::GET, RECORD, Some(&alice), None).await;
    assert!(
        limited.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    error_body(limited, 429, "rate_limited").await;
    let (id, secret) = app.create_key("acme", &["interactions:read"]).await;
    let other = app
        .send(Method::GET, RECORD, Some(&basic(&id, &secret)), None)
        .await;
    assert_eq!(other.status(), 404, "another principal has its own budget");
}

on_every_backend!(
    api_keys_authenticate_three_ways_and_only_for_their_scopes,
    listed_keys_hide_their_secret_and_revoked_keys_are_refused,
    the_admin_api_is_for_admins_of_the_tenant,
    rs256_es256_jwks_and_vendor_claims_are_accepted,
    tokens_without_a_known_key_issuer_or_audience_are_refused,
    each_principal_is_rate_limited_with_retry_after,
);
