-- Full-text search in parts, so a new message of a long conversation indexes its own text
-- instead of the whole conversation again: part 0 of an interaction is its subject and
-- notes, part n + 1 its n-th message. An FTS5 rowid is the interactions row's rowid times
-- 2^24 plus the part, so an interaction's parts are one rowid range; a search keeps the
-- interactions that have every word in some part (one MATCH per word), as before.
-- Documents written before become part 0 whole.
CREATE VIRTUAL TABLE search_parts USING fts5(body);
INSERT INTO search_parts (rowid, body) SELECT rowid * 16777216, body FROM interaction_search;
DROP TABLE interaction_search;
