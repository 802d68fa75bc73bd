-- Redeliveries counted by the pump itself, for transports whose own delivery count also counts
-- messages pushed to a process that never started them (RabbitMQ's prefetch). A row is written,
-- in a transaction of its own, when an endpoint starts a redelivered message, and deleted once
-- the message is settled; only redeliveries touch it. Rows a settle never deleted (a message that
-- was lost or moved elsewhere) are purged with the inbox's retention.
CREATE TABLE "${schema}".redelivery (
    endpoint         text        NOT NULL,
    message_id       text        NOT NULL,
    redeliveries     integer     NOT NULL DEFAULT 1,
    last_started_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT redelivery_pkey PRIMARY KEY (endpoint, message_id),
    CONSTRAINT redelivery_endpoint_length CHECK (char_length(endpoint) BETWEEN 1 AND 200),
    CONSTRAINT redelivery_message_id_length CHECK (char_length(message_id) BETWEEN 1 AND 200),
    CONSTRAINT redelivery_redeliveries_positive CHECK (redeliveries >= 1)
);

-- Access path: retention purge of rows left behind.
CREATE INDEX redelivery_last_started_at_idx ON "${schema}".redelivery (last_started_at);

COMMENT ON TABLE "${schema}".redelivery IS
    'Pump: redeliveries an endpoint started of a message not yet settled, when the transport''s own count cannot tell (RabbitMQ prefetch); the delivery count is 1 + redeliveries.';
