-- Rollup changes waiting to be folded in: each write's transaction appends its change (the
-- quarter-hour deltas, the answered waits kept or forgotten, the cells whose longest wait
-- may have shrunk) as one row, and a folder applies them to the report rollups about every
-- second, deleting them in the same transaction. Reports add the rows still here to the
-- rollups' rows. `stale` is 1 when the change makes a longest wait stale.
CREATE TABLE report_pending (
    id BIGSERIAL PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    stale BIGINT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX report_pending_tenant ON report_pending (tenant_id, id);
-- A change is written once and read once or twice within seconds: kept out of line
-- uncompressed, so neither the write nor the fold spends time compressing it.
ALTER TABLE report_pending ALTER COLUMN change SET STORAGE EXTERNAL;
