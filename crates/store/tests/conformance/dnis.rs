//! The X-Platform DNIS pool.

use interlog_core::TenantId;
use interlog_store::{DnisAllocation, DnisPhone, Store};

/// How long an allocation lasts, in milliseconds.
const TIMEOUT: i64 = 60_000;

/// The DNIS pool: a phone is lent to one interaction at a time, until freed or lapsed.
pub(crate) async fn dnis_pool(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let phone = |number: &str, dn_id: &str, enabled| DnisPhone {
        phone_number: number.into(),
        dn_id: Some(dn_id.into()),
        group: Some("g1".into()),
        enabled,
    };
    assert!(store
        .create_dnis_phone(acme, &phone("+15550001", "1001", true))
        .await
        .unwrap());
    assert!(
        !store
            .create_dnis_phone(acme, &phone("+15550001", "1001", true))
            .await
            .unwrap(),
        "already in the pool"
    );
    assert!(store
        .create_dnis_phone(acme, &phone("+15550002", "1002", false))
        .await
        .unwrap());

    let allocate = |group: Option<&'static str>, interaction: &'static str, now: i64| async move {
        store
            .allocate_dnis_phone(acme, group, interaction, now, TIMEOUT)
            .await
            .unwrap()
    };
    assert_eq!(
        allocate(Some("g1"), "call-1", 1_000).await.as_deref(),
        Some("+15550001")
    );
    assert_eq!(
        allocate(None, "call-9", 2_000).await,
        None,
        "taken, or disabled"
    );
    assert_eq!(
        allocate(Some("g2"), "call-9", 2_000).await,
        None,
        "no such group"
    );
    assert_eq!(
        store
            .allocate_dnis_phone(other, None, "call-9", 2_000, TIMEOUT)
            .await
            .unwrap(),
        None,
        "another tenant's pool is empty"
    );
    allocations_lapse_and_free(store, acme, other).await;
}

/// Reading, lapsing and freeing the allocation of `+15550001` (DNID 1001) to `call-1`.
async fn allocations_lapse_and_free(store: &dyn Store, acme: &TenantId, other: &TenantId) {
    let allocate = |group: Option<&'static str>, interaction: &'static str, now: i64| async move {
        store
            .allocate_dnis_phone(acme, group, interaction, now, TIMEOUT)
            .await
            .unwrap()
    };
    let held = |interaction: Option<&str>| DnisAllocation {
        phone_number: "+15550001".into(),
        interaction: interaction.map(str::to_owned),
    };
    let by_dnid = store
        .dnis_allocation(acme, "1001", 2_000, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(by_dnid, Some(held(Some("call-1"))));
    let lapsed = store
        .dnis_allocation(acme, "+15550001", 61_001, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(lapsed, Some(held(None)), "older than the timeout");
    assert_eq!(
        store
            .dnis_allocation(acme, "+1999", 2_000, TIMEOUT)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .dnis_allocation(other, "1001", 2_000, TIMEOUT)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        allocate(None, "chat-2", 61_001).await.as_deref(),
        Some("+15550001")
    );

    assert!(!store.free_dnis_phone(other, "+15550001").await.unwrap());
    assert!(store.free_dnis_phone(acme, "1001").await.unwrap());
    assert!(!store.free_dnis_phone(acme, "+1999").await.unwrap());
    let freed = store
        .dnis_allocation(acme, "+15550001", 61_002, TIMEOUT)
        .await
        .unwrap();
    assert_eq!(freed, Some(held(None)));
    assert_eq!(
        allocate(None, "call-9", 61_002).await.as_deref(),
        Some("+15550001")
    );
}
