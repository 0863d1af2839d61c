//! The X-Platform dialect's shared pieces: a client with the agent application's headers,
//! the visual-IVR session and its photo.

use std::io::Cursor;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use super::{event, TestApp};

pub const AGENT: &str = "/compat/xplatform/interact/agent/version/2/account/acme";
pub const DNIS: &str = "/compat/xplatform/interact/version/v2/dnis";

/// An X-Platform caller of tenant acme, with an API key that reads and writes.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub id: String,
    pub secret: String,
}

impl<'a> Client<'a> {
    pub async fn new(app: &'a TestApp) -> Self {
        let (id, secret) = app
            .create_key("acme", &["interactions:read", "interactions:write"])
            .await;
        Self { app, id, secret }
    }

    /// A request with the agent application's headers.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, format!("{}{path}", self.app.base))
            .header("Tenant-Id", "acme")
            .header("Application-Key", &self.secret)
    }

    /// A request with the access-token headers the DNIS administration needs.
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.app
            .client
            .request(method, format!("{}{path}", self.app.base))
            .header("Tenant-Id", "acme")
            .header("User-Id", STANDARD.encode(&self.id))
            .header("User-Password", STANDARD.encode(&self.secret))
    }

    pub async fn text(&self, path: &str) -> (u16, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    pub async fn json(&self, path: &str) -> Value {
        let response = self.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    pub async fn create_phone(&self, number: &str, dnid: &str) -> u16 {
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

    pub async fn allocate(&self, id: &str) -> (u16, String) {
        let response = self
            .request(Method::POST, &format!("{DNIS}/allocate/new"))
            .json(&json!({"group": "test", "id": id}))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

/// A solid PNG of the given size.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 220]));
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// A visual-IVR session, vivr-1: four flow pages (options, a text input, a photo upload
/// with variables, a click-through), a 400x300 photo, DTMF and call-return caller keys.
pub fn session() -> Value {
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
