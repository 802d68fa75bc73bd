-- The audit looks rows up by causation id ("what did message X cause": causation_id = X), which
-- only ever finds rows sent while handling a message. Rows sent outside a handler (a
-- transactional session, a delayed send) have no causation id, and the full index stored a NULL
-- entry for each of them: an index insertion and its WAL on every such send, for no query. An
-- equality on causation_id implies it is not null, so the audit's lookups use the partial index as
-- they used the full one. Rebuilding it holds a lock that makes outbox inserts wait until it is
-- built (seconds per million rows).
DROP INDEX "${schema}".outbox_causation_idx;
CREATE INDEX outbox_causation_idx ON "${schema}".outbox (causation_id)
    WHERE causation_id IS NOT NULL;
