-- The latest name each queue was given in an event (`queueName`), by the queue's id: what
-- reports that key queues by id show beside it (CxEngage's WFM `queueName`). Written with
-- the index rows of the records that name a queue, when the name differs from the one
-- kept. Not personal data. Interactions stored before this migration name their queues
-- when next written, or all at once with `interlog reproject`.
CREATE TABLE queue_names (
    tenant_id  TEXT NOT NULL,
    queue_id   TEXT NOT NULL,
    queue_name TEXT NOT NULL,
    PRIMARY KEY (tenant_id, queue_id)
);
