//! API keys.

use interlog_core::TenantId;
use interlog_store::{ApiKeyRecord, Store};

/// API keys: found by id, listed and revoked per tenant.
pub(crate) async fn api_keys(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let key = ApiKeyRecord {
        key_id: "k1".into(),
        tenant: acme.clone(),
        name: Some("ci".into()),
        scopes: vec!["interactions:read".into()],
        salt: "00".into(),
        hash: "ab".into(),
        created_ms: 1,
        revoked_ms: None,
    };
    store.create_api_key(&key).await.unwrap();
    assert_eq!(store.find_api_key("k1").await.unwrap(), Some(key.clone()));
    assert_eq!(store.list_api_keys(acme).await.unwrap(), [key]);
    assert!(store.list_api_keys(other).await.unwrap().is_empty());
    assert!(
        !store.revoke_api_key(other, "k1").await.unwrap(),
        "another tenant cannot revoke it"
    );
    assert!(store.revoke_api_key(acme, "k1").await.unwrap());
    assert!(
        !store.revoke_api_key(acme, "k1").await.unwrap(),
        "already revoked"
    );
    assert!(store
        .find_api_key("k1")
        .await
        .unwrap()
        .unwrap()
        .revoked_ms
        .is_some());
    assert_eq!(store.find_api_key("missing").await.unwrap(), None);
    assert!(!store.revoke_api_key(acme, "missing").await.unwrap());
}
