//! Uploaded binaries.

use interlog_core::{Event, InteractionId, TenantId};
use interlog_store::{Appended, Store, StoredContent};
use serde_json::json;

use crate::event;

/// SHA-256 of `abc`.
const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

/// Uploaded binaries: the bytes and their `content-added` event are stored together.
pub(crate) async fn contents(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let call = InteractionId::parse("call-1").unwrap();
    let upload = event(
        "upload-1",
        "content-added",
        "call-1",
        "2024-05-01T10:00:30.000Z",
        json!({"contentId": "photo-1", "mime": "image/png", "size": 3, "sha256": ABC_SHA256}),
    );
    let put =
        |event: Event| async move { store.put_content(acme, &event, "image/png", b"abc").await };
    assert_eq!(put(upload.clone()).await.unwrap(), Appended::New);
    assert_eq!(put(upload).await.unwrap(), Appended::Duplicate);

    let stored = store.get_content(acme, &call, "photo-1").await.unwrap();
    let expected = StoredContent {
        mime: "image/png".into(),
        sha256: ABC_SHA256.into(),
        bytes: b"abc".to_vec(),
    };
    assert_eq!(stored, Some(expected));
    let record = store.get_interaction(acme, &call).await.unwrap().unwrap();
    let binaries: Vec<&str> = record
        .content
        .binaries
        .iter()
        .map(|b| b.content_id.as_str())
        .collect();
    assert_eq!(
        binaries,
        ["photo-1"],
        "the event was appended with the bytes"
    );
    assert_eq!(
        store.get_content(acme, &call, "photo-2").await.unwrap(),
        None
    );
    assert_eq!(
        store.get_content(other, &call, "photo-1").await.unwrap(),
        None
    );
}
