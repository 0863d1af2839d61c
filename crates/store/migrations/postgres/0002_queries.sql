-- Index rows and content for the query API.

-- The queues an interaction passed through, for the `queue` filter.
CREATE TABLE interaction_queues (
    tenant_id      TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    queue_id       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, queue_id)
);

-- Full-text search over subject, transcript messages and notes, with PostgreSQL's own:
-- the 'simple' configuration (no stemming, any language), as a tsvector with a GIN index.
ALTER TABLE interactions ADD COLUMN search tsvector;
CREATE INDEX interactions_search ON interactions USING GIN (search);

-- Agent lists by allocation start, newest first; "active" ones have no end.
CREATE INDEX interaction_agents_active ON interaction_agents (tenant_id, agent_id, end_ms, start_ms);

-- Uploaded binaries (photos, attachments); their metadata is in the record.
CREATE TABLE contents (
    tenant_id      TEXT   NOT NULL,
    interaction_id TEXT   NOT NULL,
    content_id     TEXT   NOT NULL,
    mime           TEXT   NOT NULL,
    sha256         TEXT   NOT NULL,
    size           BIGINT NOT NULL,
    bytes          BYTEA  NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, content_id)
);
