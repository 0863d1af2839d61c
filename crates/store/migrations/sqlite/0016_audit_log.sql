-- The audit trail: one row per request (who, what, when, from where, outcome), never any
-- interaction content: ids, and search terms only as a hash.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,
    request_id     TEXT NOT NULL,
    principal      TEXT NOT NULL,
    action         TEXT NOT NULL,
    status         INTEGER NOT NULL,
    interaction_id TEXT,
    query_hash     TEXT,
    client         TEXT,
    user_agent     TEXT
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);
CREATE INDEX audit_log_by_time ON audit_log (at_ms);
