-- orders is the order aggregate; version is its optimistic lock.
CREATE TABLE orders (
  id               INTEGER      NOT NULL PRIMARY KEY AUTOINCREMENT,
  order_sn         VARCHAR(64)  NOT NULL UNIQUE,
  user_id          VARCHAR(64)  NOT NULL,
  status           VARCHAR(20)  NOT NULL,
  cancel_reason    VARCHAR(32)  NOT NULL DEFAULT '',
  total_amount     BIGINT       NOT NULL,
  version          BIGINT       NOT NULL,
  payment_deadline DATETIME     NOT NULL,
  paid_payment_sn  VARCHAR(64)  NOT NULL DEFAULT '',
  created_at       DATETIME     NOT NULL,
  updated_at       DATETIME     NOT NULL
);

CREATE INDEX idx_orders_status_id ON orders (status, id);

CREATE INDEX idx_orders_status_deadline ON orders (status, payment_deadline);

-- order_items are an order's lines; line_no keeps the request's order.
CREATE TABLE order_items (
  order_sn   VARCHAR(64)  NOT NULL,
  line_no    INTEGER      NOT NULL,
  sku        VARCHAR(64)  NOT NULL,
  name       VARCHAR(255) NOT NULL,
  quantity   INTEGER      NOT NULL,
  unit_price BIGINT       NOT NULL,
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
