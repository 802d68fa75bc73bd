-- Pump schema, version 2: audit views over the queue, inbox and outbox tables.
-- ${schema} is the validated schema name (see dev.pump.migrations.SchemaName); it is always quoted.
-- The views add no storage and no write cost: they read the tables the pump writes anyway.
-- docs/operations.md documents a query for each; the examples module runs every one of those
-- queries against a database the shop example populated.

-- A message body as jsonb when it is JSON, else NULL. A body whose content type says it is not
-- JSON is not parsed; one without a content type (a foreign producer) is tried. Invalid UTF-8 and
-- invalid JSON give NULL instead of failing the whole query. Portable to PostgreSQL 14+
-- (pg_input_is_valid exists only from 16). The exception block makes it parallel-unsafe, which
-- is the default, and costs a subtransaction per call: fine for audit reads, not for hot paths.
CREATE FUNCTION "${schema}".json_body(body bytea, content_type text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF body IS NULL OR (content_type IS NOT NULL AND content_type NOT ILIKE '%json%') THEN
        RETURN NULL;
    END IF;
    RETURN convert_from(body, 'UTF8')::jsonb;
EXCEPTION
    WHEN OTHERS THEN
        RETURN NULL;
END;
$$;

COMMENT ON FUNCTION "${schema}".json_body(bytea, text) IS
    'Pump audit: the body as jsonb when it is valid JSON (and its content type, if any, says JSON), else NULL.';

-- Every outbox row in readable form: what was sent, by whom, because of which incoming message,
-- to where, and what became of it. Answers "what did message X cause" (causation_id) and "what
-- was sent to destination D between T1 and T2" (destination, created_at).
CREATE VIEW "${schema}".audit_outbox AS
SELECT o.id,
       o.endpoint,
       o.causation_id,
       o.kind,
       o.destination,
       o.topics,
       o.message_id,
       split_part(o.headers ->> 'pump.enclosed-types', ';', 1) AS message_type,
       o.headers ->> 'pump.correlation-id'                    AS correlation_id,
       o.headers ->> 'pump.conversation-id'                   AS conversation_id,
       o.ordering_key,
       CASE
           WHEN o.dispatched_at IS NOT NULL THEN 'dispatched'
           WHEN o.parked_at IS NOT NULL THEN 'parked'
           ELSE 'pending'
       END                                                    AS state,
       o.created_at,
       o.due_at,
       o.dispatched_at,
       o.parked_at,
       o.attempts,
       o.last_error,
       o.headers,
       "${schema}".json_body(o.body, o.headers ->> 'pump.content-type') AS body_json,
       octet_length(o.body)                                   AS body_bytes
FROM "${schema}".outbox o;

COMMENT ON VIEW "${schema}".audit_outbox IS
    'Pump audit: every outbox row with its message type, state (pending, dispatched, parked) and JSON body.';

-- The dispatcher's backlog per destination: what waits, what is due, and how long the oldest has
-- waited. An empty view means everything committed has been relayed.
CREATE VIEW "${schema}".audit_outbox_pending AS
SELECT o.destination,
       o.kind,
       count(*)                                    AS pending,
       count(*) FILTER (WHERE o.due_at <= now())   AS due,
       count(*) FILTER (WHERE o.attempts > 0)      AS failing,
       min(o.created_at)                           AS oldest_created_at,
       now() - min(o.created_at)                   AS oldest_age
FROM "${schema}".outbox o
WHERE o.dispatched_at IS NULL
  AND o.parked_at IS NULL
GROUP BY o.destination, o.kind;

COMMENT ON VIEW "${schema}".audit_outbox_pending IS
    'Pump audit: outbox rows waiting to be relayed, per destination, with the age of the oldest.';

-- Sends that failed: rows the dispatcher parked (it gave up; ParkedMessages re-queues them) and
-- pending rows that failed at least once and will be tried again at due_at.
CREATE VIEW "${schema}".audit_outbox_failures AS
SELECT o.id,
       o.endpoint,
       o.destination,
       o.message_id,
       split_part(o.headers ->> 'pump.enclosed-types', ';', 1) AS message_type,
       CASE WHEN o.parked_at IS NOT NULL THEN 'parked' ELSE 'retrying' END AS state,
       o.attempts,
       o.last_error,
       o.created_at,
       o.due_at,
       o.parked_at
FROM "${schema}".outbox o
WHERE o.dispatched_at IS NULL
  AND (o.parked_at IS NOT NULL OR o.attempts > 0);

COMMENT ON VIEW "${schema}".audit_outbox_failures IS
    'Pump audit: parked outbox rows and pending rows that failed at least once, with their last error.';

-- Messages in error queues of the PostgreSQL queue transport. An error queue's name is set per
-- endpoint, so the view selects what every error-queue copy carries, the pump.failure.queue
-- header, instead of a queue name. (On RabbitMQ the error queue is a broker queue, not a table.)
CREATE VIEW "${schema}".audit_error_queue AS
SELECT q.id,
       q.queue                                              AS error_queue,
       q.message_id,
       q.headers ->> 'pump.failure.queue'                   AS failed_queue,
       q.headers ->> 'pump.failure.reason'                  AS reason,
       q.headers ->> 'pump.failure.exception-type'          AS exception_type,
       q.headers ->> 'pump.failure.exception-message'       AS exception_message,
       q.headers ->> 'pump.failure.time'                    AS failed_at,
       split_part(q.headers ->> 'pump.enclosed-types', ';', 1) AS message_type,
       q.headers ->> 'pump.originating-endpoint'            AS originating_endpoint,
       q.enqueued_at,
       q.attempts,
       q.headers,
       "${schema}".json_body(q.body, q.headers ->> 'pump.content-type') AS body_json
FROM "${schema}".queue_message q
WHERE q.headers ->> 'pump.failure.queue' IS NOT NULL;

COMMENT ON VIEW "${schema}".audit_error_queue IS
    'Pump audit: messages parked in error queues of the PostgreSQL queue transport, with why they failed.';

-- Duplicates the inbox skipped, per endpoint and minute in which the original was handled. The
-- inbox keeps a count and the time of the latest copy per message, not one row per copy, so a
-- copy is counted in the minute its original was handled; last_duplicate_at says when the latest
-- copy came. Rows live as long as the inbox retention (7 days by default).
CREATE VIEW "${schema}".audit_inbox_duplicates AS
SELECT i.endpoint,
       date_trunc('minute', i.processed_at)            AS minute,
       count(*)                                        AS handled,
       count(*) FILTER (WHERE i.duplicates > 0)        AS duplicated_messages,
       coalesce(sum(i.duplicates), 0)                  AS duplicates_skipped,
       max(i.last_duplicate_at)                        AS last_duplicate_at
FROM "${schema}".inbox i
GROUP BY i.endpoint, date_trunc('minute', i.processed_at);

COMMENT ON VIEW "${schema}".audit_inbox_duplicates IS
    'Pump audit: messages handled and duplicate copies skipped by the inbox, per endpoint and minute.';
