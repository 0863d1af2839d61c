-- The agents' rollup summed by agent alone (over queues, channels and directions): what
-- agent reports read unless they group or filter by one of those, half the agents' rows.
-- Kept with report_agents, from the same cells, with the measures of an agent's own work.
CREATE TABLE report_agent_totals (
    tenant_id TEXT NOT NULL,
    level BIGINT NOT NULL,
    bucket_ms BIGINT NOT NULL,
    agent_id TEXT NOT NULL,
    answered BIGINT NOT NULL DEFAULT 0,
    answered_in_sla BIGINT NOT NULL DEFAULT 0,
    answer_ms BIGINT NOT NULL DEFAULT 0,
    handled BIGINT NOT NULL DEFAULT 0,
    handle_ms BIGINT NOT NULL DEFAULT 0,
    talk_ms BIGINT NOT NULL DEFAULT 0,
    hold_ms BIGINT NOT NULL DEFAULT 0,
    holds BIGINT NOT NULL DEFAULT 0,
    acw_ms BIGINT NOT NULL DEFAULT 0,
    transfers BIGINT NOT NULL DEFAULT 0,
    consults BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, level, bucket_ms, agent_id)
);
