-- A record is stored in two parts: `interactions.record` is the record without its
-- transcript (what a list item is, served as stored), and the transcript is rows of its
-- own, one per message in order, so a new message of a long conversation writes one row
-- instead of the whole transcript. Reading a whole record joins them. Rows written before
-- are split here.
CREATE TABLE interaction_messages (
    tenant_id      TEXT   NOT NULL,
    interaction_id TEXT   NOT NULL,
    seq            BIGINT NOT NULL,
    message        TEXT   NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, seq)
);

INSERT INTO interaction_messages (tenant_id, interaction_id, seq, message)
SELECT i.tenant_id, i.interaction_id, m.ord - 1, m.value::text
FROM interactions i,
     jsonb_array_elements(i.record::jsonb -> 'messages') WITH ORDINALITY AS m(value, ord)
WHERE jsonb_typeof(i.record::jsonb -> 'messages') = 'array';

UPDATE interactions SET record = (record::jsonb - 'messages')::text
WHERE (record::jsonb -> 'messages') IS NOT NULL;
