-- A tenant's settings (its configuration, not personal data): one JSON object per tenant,
-- so that fields added later (retention, redaction) need no migration; a field a row lacks
-- reads as its default (interlog_core::settings).
CREATE TABLE tenant_settings (
    tenant_id  TEXT NOT NULL,
    settings   TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id)
);
