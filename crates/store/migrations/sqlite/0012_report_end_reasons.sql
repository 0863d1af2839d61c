-- Interactions' ends by reason (interaction-ended's `reason`; "" without one): a report
-- rollup kept like the others (the end's contribution carries the reason), with the one
-- measure it keeps, `ended`.
CREATE TABLE report_end_reasons (
    tenant_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    bucket_ms INTEGER NOT NULL,
    queue_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    end_reason TEXT NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, level, bucket_ms, queue_id, channel, direction, end_reason)
) WITHOUT ROWID;
