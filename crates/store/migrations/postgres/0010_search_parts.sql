-- Full-text search in parts, so a new message of a long conversation indexes its own text
-- instead of the whole conversation again: part 0 of an interaction is its subject and
-- notes, part n + 1 its n-th message. A search keeps the interactions that have every word
-- in some part (one test per word), as before. Vectors written before become part 0 whole.
CREATE TABLE search_parts (
    tenant_id      TEXT     NOT NULL,
    interaction_id TEXT     NOT NULL,
    part           BIGINT   NOT NULL,
    search         tsvector NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, part)
);
CREATE INDEX search_parts_search ON search_parts USING GIN (search);
INSERT INTO search_parts (tenant_id, interaction_id, part, search)
SELECT tenant_id, interaction_id, 0, search FROM interactions WHERE search IS NOT NULL;
ALTER TABLE interactions DROP COLUMN search;
