-- The agents' rollup summed by agent alone (over queues, channels and directions): what
-- agent reports read unless they group or filter by one of those, half the agents' rows.
-- Kept with report_agents, from the same cells, with the measures of an agent's own work.
CREATE TABLE report_agent_totals (
    tenant_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    agent_id TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    answered_in_sla INTEGER NOT NULL DEFAULT 0,
    answer_ms INTEGER NOT NULL DEFAULT 0,
    handled INTEGER NOT NULL DEFAULT 0,
    handle_ms INTEGER NOT NULL DEFAULT 0,
    talk_ms INTEGER NOT NULL DEFAULT 0,
    hold_ms INTEGER NOT NULL DEFAULT 0,
    holds INTEGER NOT NULL DEFAULT 0,
    acw_ms INTEGER NOT NULL DEFAULT 0,
    transfers INTEGER NOT NULL DEFAULT 0,
    consults INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, level, bucket_ms, agent_id)
) WITHOUT ROWID;
