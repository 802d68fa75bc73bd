-- The audit queries the shop example runs on its own database at the end of its story. Each one is
-- quoted in docs/operations.md (ShopDocsTest checks they are the same, and runs every SQL block of
-- that page against a database the example populated). :'name' is a psql variable; the example
-- binds it. They run with search_path set to the Pump schema.

-- Outbox waiting to be relayed, per destination
SELECT destination, kind, pending, due, failing, oldest_age
FROM audit_outbox_pending
ORDER BY oldest_age DESC;

-- What one incoming message caused
SELECT endpoint, kind, destination, message_type, state, body_json
FROM audit_outbox
WHERE causation_id = :'message_id'
ORDER BY id;

-- Everything one conversation sent, from the first command on
SELECT endpoint, causation_id, message_type, destination, state
FROM audit_outbox
WHERE conversation_id = :'conversation_id'
ORDER BY id;

-- What was sent to one destination in a time range
SELECT message_type, state, count(*) AS messages, min(created_at) AS first, max(created_at) AS last
FROM audit_outbox
WHERE destination = :'destination'
  AND created_at >= :'from'::timestamptz
  AND created_at < :'to'::timestamptz
GROUP BY message_type, state
ORDER BY messages DESC;

-- Sends that failed: parked, or waiting for another attempt
SELECT destination, message_type, state, attempts, last_error, parked_at
FROM audit_outbox_failures
ORDER BY destination, id;

-- The error queue: messages that failed, and why
SELECT failed_queue, reason, exception_message, message_type, message_id, enqueued_at
FROM audit_error_queue
ORDER BY enqueued_at;

-- Duplicates the inbox skipped, per endpoint and hour
SELECT endpoint, date_trunc('hour', minute) AS hour,
       sum(handled) AS handled, sum(duplicates_skipped) AS duplicates_skipped
FROM audit_inbox_duplicates
GROUP BY endpoint, date_trunc('hour', minute)
ORDER BY hour, endpoint;
