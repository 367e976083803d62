-- Inventory schema: catalogue, stock counters, reservations, and the shared
-- dedup and outbox tables (pkg/db/schema.md).

CREATE TABLE products (
  sku        VARCHAR(64)  NOT NULL PRIMARY KEY,
  name       VARCHAR(255) NOT NULL,
  price      BIGINT       NOT NULL CHECK (price >= 0),
  created_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE stocks (
  sku        VARCHAR(64) NOT NULL PRIMARY KEY,
  total      INTEGER     NOT NULL,
  available  INTEGER     NOT NULL,
  reserved   INTEGER     NOT NULL DEFAULT 0,
  sold       INTEGER     NOT NULL DEFAULT 0,
  version    BIGINT      NOT NULL DEFAULT 1,
  updated_at DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CHECK (available >= 0 AND reserved >= 0 AND sold >= 0 AND total = available + reserved + sold)
);

CREATE TABLE reservations (
  order_sn   VARCHAR(100) NOT NULL PRIMARY KEY,
  status     VARCHAR(16)  NOT NULL,
  version    BIGINT       NOT NULL DEFAULT 1,
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL
);

CREATE TABLE reservation_lines (
  order_sn VARCHAR(100) NOT NULL,
  sku      VARCHAR(64)  NOT NULL,
  quantity INTEGER      NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_sn, sku)
);

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
