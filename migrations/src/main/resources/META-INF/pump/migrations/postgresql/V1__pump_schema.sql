-- Pump schema, version 1: the PostgreSQL queue, the inbox, the outbox and the subscriptions.
-- ${schema} is the validated schema name (see dev.pump.migrations.SchemaName); it is always quoted.

-- Messages waiting in PostgreSQL queues. Receivers claim visible rows with FOR UPDATE SKIP LOCKED
-- inside the handler's transaction; acknowledging a message deletes its row in that transaction.
CREATE TABLE "${schema}".queue_message (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue       text        NOT NULL,
    message_id  text        NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body        bytea       NOT NULL,
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    visible_at  timestamptz NOT NULL DEFAULT now(),
    attempts    integer     NOT NULL DEFAULT 0,
    CONSTRAINT queue_message_queue_length CHECK (char_length(queue) BETWEEN 1 AND 200),
    CONSTRAINT queue_message_message_id_length CHECK (char_length(message_id) BETWEEN 1 AND 200),
    CONSTRAINT queue_message_attempts_positive CHECK (attempts >= 0)
) WITH (
    -- insert/delete churn: vacuum early so dead tuples stay flat under sustained load
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- Access path: claim the next visible messages of one queue.
CREATE INDEX queue_message_claim_idx ON "${schema}".queue_message (queue, visible_at, id);

COMMENT ON TABLE "${schema}".queue_message IS
    'Pump PostgreSQL queue transport: messages waiting to be received; a row is deleted when its message is acknowledged.';

-- Message ids each endpoint has handled. The row is inserted in the handler's transaction before
-- the handlers run; a conflict means a duplicate, and the handlers are skipped.
CREATE TABLE "${schema}".inbox (
    endpoint          text        NOT NULL,
    message_id        text        NOT NULL,
    processed_at      timestamptz NOT NULL DEFAULT now(),
    duplicates        integer     NOT NULL DEFAULT 0,
    last_duplicate_at timestamptz,
    CONSTRAINT inbox_pkey PRIMARY KEY (endpoint, message_id),
    CONSTRAINT inbox_endpoint_length CHECK (char_length(endpoint) BETWEEN 1 AND 200),
    CONSTRAINT inbox_message_id_length CHECK (char_length(message_id) BETWEEN 1 AND 200)
) WITH (
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_analyze_scale_factor = 0.05
);

-- Access path: retention purge of rows older than the audit window.
CREATE INDEX inbox_processed_at_idx ON "${schema}".inbox (processed_at);

COMMENT ON TABLE "${schema}".inbox IS
    'Pump inbox: one row per (endpoint, message id) handled; duplicates counts the copies that were skipped.';

-- Outgoing messages, written in the handler's (or the application's) transaction and relayed by
-- the dispatcher after commit. A row is pending until dispatched_at or parked_at is set.
-- destination is a queue (kind 'send') or the message type's own topic (kind 'publish').
CREATE TABLE "${schema}".outbox (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint      text        NOT NULL,
    causation_id  text,
    kind          text        NOT NULL DEFAULT 'send',
    destination   text        NOT NULL,
    topics        text[],
    message_id    text        NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body          bytea       NOT NULL,
    ordering_key  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    due_at        timestamptz NOT NULL DEFAULT now(),
    attempts      integer     NOT NULL DEFAULT 0,
    last_error    text,
    dispatched_at timestamptz,
    parked_at     timestamptz,
    CONSTRAINT outbox_kind_valid CHECK (kind IN ('send', 'publish')),
    -- a publish goes to every queue subscribed to any of its topics: the type's own, then its supertypes'
    CONSTRAINT outbox_publish_has_topics CHECK ((kind = 'publish') = (topics IS NOT NULL)),
    CONSTRAINT outbox_endpoint_length CHECK (char_length(endpoint) BETWEEN 1 AND 200),
    CONSTRAINT outbox_destination_length CHECK (char_length(destination) BETWEEN 1 AND 200),
    CONSTRAINT outbox_message_id_length CHECK (char_length(message_id) BETWEEN 1 AND 200),
    CONSTRAINT outbox_attempts_positive CHECK (attempts >= 0),
    CONSTRAINT outbox_settled_once CHECK (dispatched_at IS NULL OR parked_at IS NULL)
) WITH (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02
);

-- Access path: the dispatcher claims pending rows that are due, oldest first.
CREATE INDEX outbox_pending_idx ON "${schema}".outbox (due_at, id)
    WHERE dispatched_at IS NULL AND parked_at IS NULL;
-- Access path: retention purge of dispatched rows older than the audit window.
CREATE INDEX outbox_dispatched_at_idx ON "${schema}".outbox (dispatched_at)
    WHERE dispatched_at IS NOT NULL;
-- Access path: operators list and re-queue parked rows by destination.
CREATE INDEX outbox_parked_idx ON "${schema}".outbox (destination, parked_at)
    WHERE parked_at IS NOT NULL;
-- Access path: keyed rows wait while an earlier row of their ordering key is pending.
CREATE INDEX outbox_ordering_idx ON "${schema}".outbox (ordering_key, id)
    WHERE ordering_key IS NOT NULL AND dispatched_at IS NULL AND parked_at IS NULL;
-- Access path: audit, "what did this incoming message cause".
CREATE INDEX outbox_causation_idx ON "${schema}".outbox (causation_id);

COMMENT ON TABLE "${schema}".outbox IS
    'Pump outbox: messages sent in a committed transaction; pending until dispatched_at (relayed) or parked_at (gave up, with last_error).';

-- Which queues receive a published topic (for transports without native topics).
CREATE TABLE "${schema}".subscription (
    topic      text        NOT NULL,
    queue      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT subscription_pkey PRIMARY KEY (topic, queue),
    CONSTRAINT subscription_topic_length CHECK (char_length(topic) BETWEEN 1 AND 200),
    CONSTRAINT subscription_queue_length CHECK (char_length(queue) BETWEEN 1 AND 200)
);

COMMENT ON TABLE "${schema}".subscription IS
    'Pump subscriptions: a message published to topic is delivered to every subscribed queue.';
