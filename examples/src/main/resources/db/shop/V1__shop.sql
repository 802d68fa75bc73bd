-- The shop's own tables, in its own schema "shop", migrated by the shop's own Flyway history
-- (shop.shop_schema_history) beside Pump's schema. Pump never touches them; handlers write them
-- in the same transaction as Pump's inbox and outbox rows.
--
-- No unique keys on order_id in charge and shipment, and payments is a counter: a duplicate effect
-- must show up in the counts, not be hidden by a constraint.

CREATE TABLE shop.orders (
    order_id     text        PRIMARY KEY,
    customer     text        NOT NULL,
    city         text        NOT NULL,
    amount_cents bigint      NOT NULL,
    payments     integer     NOT NULL DEFAULT 0,
    placed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.charge (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     text        NOT NULL,
    amount_cents bigint      NOT NULL,
    charged_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shop.shipment (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   text        NOT NULL,
    city       text        NOT NULL,
    shipped_at timestamptz NOT NULL DEFAULT now()
);

-- Cities shipping delivers to. Atlantis is missing: the story's poison message, fixed by adding it.
CREATE TABLE shop.delivery_zone (
    city text PRIMARY KEY
);

INSERT INTO shop.delivery_zone (city) VALUES ('Bern'), ('Basel'), ('Geneva'), ('Lausanne'), ('Zurich');
