-- payment service schema (SQLite).

-- payment_orders is the per-order lock row (SQLite has one writer at a
-- time, so the row needs no explicit lock). payment_sn is the order's
-- SUCCEEDED (later maybe REFUNDED) payment.
CREATE TABLE payment_orders (
  order_sn   VARCHAR(100) NOT NULL PRIMARY KEY,
  status     VARCHAR(16)  NOT NULL,
  payment_sn VARCHAR(64)  NOT NULL DEFAULT '',
  version    INTEGER      NOT NULL,
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL
);

CREATE TABLE payments (
  id         INTEGER      NOT NULL PRIMARY KEY AUTOINCREMENT,
  payment_sn VARCHAR(64)  NOT NULL UNIQUE,
  order_sn   VARCHAR(100) NOT NULL,
  amount     INTEGER      NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  version    INTEGER      NOT NULL,
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL
);

CREATE INDEX idx_payments_order_sn ON payments (order_sn, id);

-- consumed_events and outbox_events: the DDL of pkg/db/schema.md.
CREATE TABLE consumed_events (
  consumer_group VARCHAR(64)  NOT NULL,
  event_id       VARCHAR(160) NOT NULL,
  consumed_at    DATETIME     NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
);

CREATE TABLE outbox_events (
  id          INTEGER      NOT NULL PRIMARY KEY AUTOINCREMENT,
  event_id    VARCHAR(160) NOT NULL UNIQUE,
  topic       VARCHAR(64)  NOT NULL,
  tag         VARCHAR(64)  NOT NULL,
  msg_keys    VARCHAR(255) NOT NULL DEFAULT '',
  body        BLOB         NOT NULL,
  delay_level INTEGER      NOT NULL DEFAULT 0,
  created_at  DATETIME     NOT NULL
);
