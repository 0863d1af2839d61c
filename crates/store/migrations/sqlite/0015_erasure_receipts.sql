-- Erasure receipts: what an erasure on request did, without personal data (no customer id or
-- address): when, by whom, how many interactions and events went.
CREATE TABLE erasure_receipts (
    tenant_id    TEXT NOT NULL,
    receipt_id   TEXT NOT NULL,
    erased_ms    INTEGER NOT NULL,
    principal    TEXT NOT NULL,
    interactions INTEGER NOT NULL,
    events       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, receipt_id)
);
CREATE INDEX erasure_receipts_by_time ON erasure_receipts (tenant_id, erased_ms);

-- Deleted search parts leave FTS5's index at once, not at its next merge (FTS5's
-- secure-delete option, kept in the table's configuration).
INSERT INTO search_parts (search_parts, rank) VALUES ('secure-delete', 1);
