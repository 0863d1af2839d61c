-- Filters of the CxEngage list: the contact an interaction belongs to, and its CRM hooks.
ALTER TABLE interactions ADD COLUMN contact_id TEXT;
CREATE INDEX interactions_by_contact ON interactions (tenant_id, contact_id, start_ms, interaction_id);

CREATE TABLE interaction_hooks (
    tenant_id          TEXT NOT NULL,
    interaction_id     TEXT NOT NULL,
    interaction_hook_id TEXT NOT NULL,
    hook_type          TEXT NOT NULL,
    hook_sub_type      TEXT,
    hook_id            TEXT NOT NULL,
    hook_name          TEXT,
    PRIMARY KEY (tenant_id, interaction_id, interaction_hook_id)
);
CREATE INDEX interaction_hooks_by_hook ON interaction_hooks (tenant_id, hook_type, hook_id);
CREATE INDEX interaction_hooks_by_name ON interaction_hooks (tenant_id, hook_name);
