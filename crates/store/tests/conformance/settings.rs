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
