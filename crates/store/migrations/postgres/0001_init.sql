-- The event log (the truth), the projected records, and the index rows derived from them.
-- Every primary key begins with tenant_id and every query filters on it, so each table can
-- be distributed by tenant_id (Citus: see docs/deploy.md).

-- Append-only. seq is the arrival order.
CREATE TABLE events (
    tenant_id      TEXT   NOT NULL,
    event_id       TEXT   NOT NULL,
    interaction_id TEXT   NOT NULL,
    seq            BIGINT GENERATED ALWAYS AS IDENTITY,
    timestamp_ms   BIGINT NOT NULL,
    received_ms    BIGINT NOT NULL,
    body           TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
);
CREATE INDEX events_by_interaction ON events (tenant_id, interaction_id, seq);

-- One row per interaction: the projected record plus the columns lists filter on.
CREATE TABLE interactions (
    tenant_id      TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    start_ms       BIGINT  NOT NULL,
    end_ms         BIGINT,
    status         TEXT    NOT NULL,
    channel_type   TEXT,
    direction      TEXT,
    customer_id    TEXT,
    flagged        BOOLEAN NOT NULL,
    updated_ms     BIGINT  NOT NULL,
    record         TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id)
);
CREATE INDEX interactions_by_start ON interactions (tenant_id, start_ms, interaction_id);
CREATE INDEX interactions_by_customer ON interactions (tenant_id, customer_id, start_ms, interaction_id);

-- One row per agent allocation, for "what is agent A handling now / what did A handle last".
CREATE TABLE interaction_agents (
    tenant_id            TEXT   NOT NULL,
    agent_id             TEXT   NOT NULL,
    start_ms             BIGINT NOT NULL,
    interaction_id       TEXT   NOT NULL,
    interaction_agent_id TEXT   NOT NULL,
    end_ms               BIGINT,
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
