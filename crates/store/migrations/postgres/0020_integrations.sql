-- A tenant's configuration of an inbound integration (e.g. `twilio`: the account SID and
-- the auth token that signs TaskRouter's callbacks), one JSON object per integration. Not
-- personal data; kept until the tenant's administrator deletes it.
CREATE TABLE integrations (
    tenant_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    config     TEXT NOT NULL,
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
