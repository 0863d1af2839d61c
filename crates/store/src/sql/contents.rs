//! The bytes of binaries (photos, recordings), stored with the `content-added` event that
//! names them, so the content endpoint serves them.

use interlog_core::{Event, EventBody, TenantId};
use sha2::{Digest, Sha256};

use super::exec::Exec;
use super::statement::{text, Param, Sql};
use super::Backend;
use crate::StoreError;

/// Stores (or replaces) the bytes of a binary named by a `content-added` event.
pub(super) async fn store_content(
    tx: &mut Exec<'_, '_>,
    backend: Backend,
    tenant: &TenantId,
    event: &Event,
    mime: &str,
    bytes: &[u8],
) -> Result<(), StoreError> {
    let EventBody::ContentAdded(content) = &event.body else {
        return Err(StoreError::Config(
            "content bytes need a content-added event".into(),
        ));
    };
    let content_id = content
        .content_id
        .clone()
        .unwrap_or_else(|| event.event_id.to_string());
    let sql = Sql::with(
        backend,
        "INSERT INTO contents (tenant_id, interaction_id, content_id, mime, sha256, size, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, interaction_id, content_id) DO UPDATE SET
             mime = excluded.mime, sha256 = excluded.sha256, size = excluded.size, bytes = excluded.bytes",
        [
            text(tenant.as_str()),
            text(event.interaction_id.as_str()),
            text(content_id),
            text(mime),
            text(format!("{:x}", Sha256::digest(bytes))),
            Param::Int(bytes.len() as i64),
            Param::Bytes(bytes.to_vec()),
        ],
    );
    tx.execute(&sql).await?;
    Ok(())
}
