-- "What is agent A handling now" must not visit the agent's whole history: this index holds
-- the open allocations (end_ms IS NULL) in exactly the order the query returns them, so the
-- Vonage poll reads a handful of index entries whatever the agent's past.
DROP INDEX interaction_agents_active;
CREATE INDEX interaction_agents_active
    ON interaction_agents (tenant_id, agent_id, end_ms, start_ms, interaction_id, interaction_agent_id);
