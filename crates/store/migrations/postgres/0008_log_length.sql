-- How many events the record was projected from. A server keeps recent projections in
-- memory and folds a new event onto one only when its length equals this (so a write by
-- another process, or a server, is never missed); rows from before read 0, which matches
-- no kept projection.
ALTER TABLE interactions ADD COLUMN log_len BIGINT NOT NULL DEFAULT 0;
