-- Webhooks out. A subscription names a URL, the events it wants and a signing secret; each
-- commit that changes a record writes, in the same transaction, one delivery row per
-- matching subscription (the outbox): a crash never loses or invents one. Deliveries of one
-- interaction go in `position` order (the change number times two, plus one for an end).
-- A delivered row keeps its status but not its payload; rows go with their interaction on
-- erasure and retention, and the sweeper deletes settled rows after a week.
CREATE TABLE webhook_subscriptions (
    tenant_id       TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL,
    queues          TEXT NOT NULL,
    channels        TEXT NOT NULL,
    secret          TEXT NOT NULL,
    description     TEXT,
    created_ms      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, subscription_id)
);
CREATE TABLE webhook_deliveries (
    tenant_id       TEXT NOT NULL,
    delivery_id     TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    interaction_id  TEXT NOT NULL,
    position        BIGINT NOT NULL,
    event           TEXT NOT NULL,
    payload         TEXT,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    created_ms      BIGINT NOT NULL,
    next_ms         BIGINT NOT NULL,
    last_ms         BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    PRIMARY KEY (tenant_id, delivery_id)
);
-- The worker's look for due deliveries, across tenants.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_ms) WHERE state = 'pending';
-- One interaction's order, and a subscription's status list (newest first).
CREATE INDEX webhook_deliveries_order
    ON webhook_deliveries (tenant_id, subscription_id, interaction_id, position);
CREATE INDEX webhook_deliveries_by_subscription
    ON webhook_deliveries (tenant_id, subscription_id, position);
CREATE INDEX webhook_deliveries_by_interaction ON webhook_deliveries (tenant_id, interaction_id);
CREATE INDEX webhook_deliveries_settled ON webhook_deliveries (created_ms) WHERE state <> 'pending';
