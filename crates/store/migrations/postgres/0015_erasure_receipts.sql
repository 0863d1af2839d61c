-- Erasure receipts: what an erasure on request did, without personal data (no customer id or
-- address): when, by whom, how many interactions and events went.
CREATE TABLE erasure_receipts (
    tenant_id    TEXT NOT NULL,
    receipt_id   TEXT NOT NULL,
    erased_ms    BIGINT NOT NULL,
    principal    TEXT NOT NULL,
    interactions BIGINT NOT NULL,
    events       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, receipt_id)
);
CREATE INDEX erasure_receipts_by_time ON erasure_receipts (tenant_id, erased_ms);
