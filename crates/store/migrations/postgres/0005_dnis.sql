-- X-Platform DNIS pool: phone numbers a visual-IVR session is handed, so that the call the
-- customer then places finds the session. An allocation lapses after a timeout the server
-- applies when it reads (allocated_ms + timeout < now means free).
CREATE TABLE dnis_phones (
    tenant_id      TEXT NOT NULL,
    phone_number   TEXT NOT NULL,
    dn_id          TEXT,
    group_name     TEXT,
    enabled        BOOLEAN NOT NULL,
    interaction_id TEXT,
    allocated_ms   BIGINT,
    PRIMARY KEY (tenant_id, phone_number)
);
CREATE INDEX dnis_phones_by_dnid ON dnis_phones (tenant_id, dn_id);
CREATE INDEX dnis_phones_by_group ON dnis_phones (tenant_id, group_name, allocated_ms);
