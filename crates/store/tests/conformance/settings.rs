//! Tenant settings.

use interlog_core::settings::{SettingsUpdate, TenantSettings};
use interlog_core::TenantId;
use interlog_store::Store;
use serde_json::json;

/// Settings: none until set, replaced whole, read back as stored, one tenant's invisible to
/// another.
pub(crate) async fn tenant_settings(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    assert_eq!(
        store.tenant_settings(acme).await.unwrap(),
        None,
        "never set"
    );
    let update = |value| SettingsUpdate::parse(value).unwrap();
    let paris = TenantSettings::default().merged(&update(json!({"timeZone": "Europe/Paris"})));
    store.put_tenant_settings(acme, &paris).await.unwrap();
    assert_eq!(
        store.tenant_settings(acme).await.unwrap(),
        Some(paris.clone())
    );

    let tighter = paris.merged(&update(
        json!({"slaThresholdSeconds": 10, "shortAbandonSeconds": 0}),
    ));
    store.put_tenant_settings(acme, &tighter).await.unwrap();
    let stored = store.tenant_settings(acme).await.unwrap().unwrap();
    assert_eq!(stored, tighter, "replaced, not added beside");
    assert_eq!(stored.time_zone.name(), "Europe/Paris");

    assert_eq!(
        store.tenant_settings(other).await.unwrap(),
        None,
        "another tenant sees nothing"
    );
    let tokyo = TenantSettings::default().merged(&update(json!({"timeZone": "Asia/Tokyo"})));
    store.put_tenant_settings(other, &tokyo).await.unwrap();
    assert_eq!(store.tenant_settings(acme).await.unwrap(), Some(tighter));
    assert_eq!(store.tenant_settings(other).await.unwrap(), Some(tokyo));
}

/// Integrations: one JSON object per tenant and name, replaced whole, deleted once.
pub(crate) async fn integrations(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    assert_eq!(store.integration(acme, "twilio").await.unwrap(), None);
    let first = serde_json::json!({"accountSid": "AC1", "authToken": "t1"});
    let second = serde_json::json!({"accountSid": "AC1", "authToken": "t2"});
    store.put_integration(acme, "twilio", &first).await.unwrap();
    store
        .put_integration(acme, "twilio", &second)
        .await
        .unwrap();
    assert_eq!(
        store.integration(acme, "twilio").await.unwrap(),
        Some(second)
    );
    assert_eq!(
        store.integration(other, "twilio").await.unwrap(),
        None,
        "acme's own"
    );
    assert!(!store.delete_integration(other, "twilio").await.unwrap());
    assert!(store.delete_integration(acme, "twilio").await.unwrap());
    assert!(!store.delete_integration(acme, "twilio").await.unwrap());
}
