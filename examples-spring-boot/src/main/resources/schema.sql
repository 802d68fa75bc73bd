DROP TABLE IF EXISTS shipment, charge, shop_order, customer;

CREATE TABLE customer (
    name               text   PRIMARY KEY,
    credit_limit_cents bigint NOT NULL,
    booked_cents       bigint NOT NULL DEFAULT 0,
    CONSTRAINT within_credit CHECK (booked_cents <= credit_limit_cents)
);

CREATE TABLE shop_order (
    id           text        PRIMARY KEY,
    customer     text        NOT NULL REFERENCES customer (name),
    amount_cents bigint      NOT NULL,
    paid         boolean     NOT NULL DEFAULT false,
    placed_at    timestamptz NOT NULL
);

CREATE TABLE charge (
    order_id     text   PRIMARY KEY,
    amount_cents bigint NOT NULL
);

CREATE TABLE shipment (
    order_id text PRIMARY KEY
);

INSERT INTO customer (name, credit_limit_cents) VALUES
    ('ada', 100000000), ('grace', 100000000), ('bob', 5000);
