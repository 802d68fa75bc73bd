-- Messages an operator discarded: taken from a PostgreSQL error queue or from the parked outbox
-- rows, and kept here whole, with why they had failed, who discarded them and when. A discard
-- never loses what a message said; rows stay until an operator deletes them.
CREATE TABLE "${schema}".discarded_message (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        text        NOT NULL,
    location      text        NOT NULL,
    message_id    text        NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body          bytea       NOT NULL,
    reason        text,
    discarded_by  text        NOT NULL,
    discarded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT discarded_message_source_valid CHECK (source IN ('error-queue', 'outbox')),
    CONSTRAINT discarded_message_location_length CHECK (char_length(location) BETWEEN 1 AND 200),
    CONSTRAINT discarded_message_message_id_length CHECK (char_length(message_id) BETWEEN 1 AND 200),
    CONSTRAINT discarded_message_discarded_by_length CHECK (char_length(discarded_by) BETWEEN 1 AND 200)
);

-- Access path: the audit, newest first, and one message's history.
CREATE INDEX discarded_message_discarded_at_idx ON "${schema}".discarded_message (discarded_at);
CREATE INDEX discarded_message_message_id_idx ON "${schema}".discarded_message (message_id);

COMMENT ON TABLE "${schema}".discarded_message IS
    'Pump: messages an operator discarded from an error queue or the parked outbox rows, kept whole with who discarded them and when.';
