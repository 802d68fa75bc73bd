-- A receive counts a delivery and holds the message for a short lease before the handler's
-- transaction deletes it. The lease used to be kept in visible_at, which moved the row within the
-- claim index (queue, visible_at, id) for every message received: a dead index entry ahead of the
-- live messages that a receive had to walk over whenever a long transaction kept vacuum from
-- removing it. In a column of its own, outside every index, the lease leaves the row where it is.
ALTER TABLE "${schema}".queue_message ADD COLUMN leased_until timestamptz;

COMMENT ON COLUMN "${schema}".queue_message.leased_until IS
    'Pump: while in the future, a receiver has counted a delivery of the message and is handling it; null or past: free to be received once visible_at has passed.';
