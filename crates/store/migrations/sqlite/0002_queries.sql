-- Index rows and content for the query API.

-- The queues an interaction passed through, for the `queue` filter.
CREATE TABLE interaction_queues (
    tenant_id      TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    queue_id       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, queue_id)
);

-- Full-text search over subject, transcript messages and notes. The FTS rowid is the
-- rowid of the interaction's row in `interactions` (stable across upserts).
CREATE VIRTUAL TABLE interaction_search USING fts5(body);

-- Agent lists by allocation start, newest first; "active" ones have no end.
CREATE INDEX interaction_agents_active ON interaction_agents (tenant_id, agent_id, end_ms, start_ms);

-- Uploaded binaries (photos, attachments); their metadata is in the record.
CREATE TABLE contents (
    tenant_id      TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    content_id     TEXT    NOT NULL,
    mime           TEXT    NOT NULL,
    sha256         TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    bytes          BLOB    NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, content_id)
);
