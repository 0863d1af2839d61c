-- The longest answered wait (maxSpeedOfAnswer) per rollup row, kept as a maximum: an
-- answer's wait enters with MAX; when one leaves or shrinks, the store recomputes the
-- quarter-hour row from report_answers and the hour and day rows from the quarter rows.
ALTER TABLE report_totals ADD COLUMN longest_answer_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_agents ADD COLUMN longest_answer_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_agent_totals ADD COLUMN longest_answer_ms BIGINT NOT NULL DEFAULT 0;

-- Each answered wait by quarter-hour cell (agent '' for the totals) and interaction: what a
-- cell's longest is recomputed from. Erasure and retention delete an interaction's rows
-- through the cells its stored contribution (interactions.report) names.
CREATE TABLE report_answers (
    tenant_id TEXT NOT NULL,
    bucket_ms BIGINT NOT NULL,
    agent_id TEXT NOT NULL,
    queue_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    wait_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, bucket_ms, agent_id, queue_id, channel, direction, interaction_id)
);

-- The IANA zone whose local days the day-level rollup rows (level 2) are kept in: NULL is
-- UTC. It becomes the tenant's timeZone when the tenant has no rollup rows yet, and at
-- `interlog reproject`; reports read day rows only where a whole day of this zone fits an
-- interval.
ALTER TABLE tenant_settings ADD COLUMN report_zone TEXT;
