-- A record is stored in two parts: `interactions.record` is the record without its
-- transcript (what a list item is, served as stored), and the transcript is rows of its
-- own, one per message in order, so a new message of a long conversation writes one row
-- instead of the whole transcript. Reading a whole record joins them. Rows written before
-- are split here.
CREATE TABLE interaction_messages (
    tenant_id      TEXT    NOT NULL,
    interaction_id TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    message        TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, interaction_id, seq)
) WITHOUT ROWID;

INSERT INTO interaction_messages (tenant_id, interaction_id, seq, message)
SELECT i.tenant_id, i.interaction_id, m.key, m.value
FROM interactions i, json_each(i.record, '$.messages') m;

UPDATE interactions SET record = json_remove(record, '$.messages')
WHERE json_type(record, '$.messages') IS NOT NULL;
