-- The change feed behind the live stream: each commit that changes an interaction's record
-- adds one row per interaction, numbered by the tenant's commit sequence. The head row is
-- updated in the same transaction, so numbers are given in commit order without gaps.
-- Ids only (no content); swept after a horizon, and erased with their interaction.
CREATE TABLE change_heads (
    tenant_id TEXT PRIMARY KEY,
    seq       BIGINT NOT NULL
);
CREATE TABLE changes (
    tenant_id      TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    interaction_id TEXT NOT NULL,
    at_ms          BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX changes_by_interaction ON changes (tenant_id, interaction_id);
CREATE INDEX changes_by_time ON changes (at_ms);
