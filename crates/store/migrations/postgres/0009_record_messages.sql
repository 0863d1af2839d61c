-- A record is stored in two parts: `record` is the record without its transcript (what a
-- list item is, served as stored) and `messages` the transcript as a JSON array (NULL when
-- empty); reading a whole record joins them. Rows written before are split here.
ALTER TABLE interactions ADD COLUMN messages TEXT;
UPDATE interactions
SET messages = (record::jsonb -> 'messages')::text,
    record = (record::jsonb - 'messages')::text
WHERE (record::jsonb -> 'messages') IS NOT NULL;
