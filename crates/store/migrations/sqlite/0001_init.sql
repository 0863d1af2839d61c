-- The event log (the truth), the projected records, and the index rows derived from them.
-- Every primary key begins with tenant_id; every query filters on it.

-- Append-only. Arrival order is the rowid.
CREATE TABLE events (
    tenant_id      TEXT    NOT NULL,
    event_id       TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    timestamp_ms   INTEGER NOT NULL,
    received_ms    INTEGER NOT NULL,
    body           TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX events_by_interaction ON events (tenant_id, interaction_id);

-- One row per interaction: the projected record plus the columns lists filter on.
CREATE TABLE interactions (
    tenant_id      TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    start_ms       INTEGER NOT NULL,
    end_ms         INTEGER,
    status         TEXT    NOT NULL,
    channel_type   TEXT,
    direction      TEXT,
    customer_id    TEXT,
    flagged        INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL,
    record         TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id)
);
CREATE INDEX interactions_by_start ON interactions (tenant_id, start_ms, interaction_id);
CREATE INDEX interactions_by_customer ON interactions (tenant_id, customer_id, start_ms, interaction_id);

-- One row per agent allocation, for "what is agent A handling now / what did A handle last".
CREATE TABLE interaction_agents (
    tenant_id            TEXT    NOT NULL,
    agent_id             TEXT    NOT NULL,
    start_ms             INTEGER NOT NULL,
    interaction_id       TEXT    NOT NULL,
    interaction_agent_id TEXT    NOT NULL,
    end_ms               INTEGER,
    PRIMARY KEY (tenant_id, agent_id, start_ms, interaction_id, interaction_agent_id)
);
CREATE INDEX interaction_agents_by_interaction ON interaction_agents (tenant_id, interaction_id);

-- Caller keys (DTMF code, callback number, click-to-call caller id) -> interaction.
CREATE TABLE caller_keys (
    tenant_id      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, value, interaction_id)
);
CREATE INDEX caller_keys_by_interaction ON caller_keys (tenant_id, interaction_id);
