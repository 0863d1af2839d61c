-- API keys: id + secret, the secret stored only as a salted SHA-256 hash.
-- Authentication finds a key by its id before any tenant is known, hence the unique index on
-- key_id (on Citus, make this small table a reference table).
CREATE TABLE api_keys (
    tenant_id  TEXT   NOT NULL,
    key_id     TEXT   NOT NULL,
    name       TEXT,
    scopes     TEXT   NOT NULL,
    salt       TEXT   NOT NULL,
    hash       TEXT   NOT NULL,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT,
    PRIMARY KEY (tenant_id, key_id)
);
CREATE UNIQUE INDEX api_keys_by_id ON api_keys (key_id);
