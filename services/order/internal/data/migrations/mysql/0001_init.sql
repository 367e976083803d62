-- orders is the order aggregate; version is its optimistic lock.
CREATE TABLE orders (
  id               BIGINT       NOT NULL AUTO_INCREMENT,
  order_sn         VARCHAR(64)  NOT NULL,
  user_id          VARCHAR(64)  NOT NULL,
  status           VARCHAR(20)  NOT NULL,
  cancel_reason    VARCHAR(32)  NOT NULL DEFAULT '',
  total_amount     BIGINT       NOT NULL,
  version          BIGINT       NOT NULL,
  payment_deadline DATETIME(6)  NOT NULL,
  paid_payment_sn  VARCHAR(64)  NOT NULL DEFAULT '',
  created_at       DATETIME(6)  NOT NULL,
  updated_at       DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_orders_order_sn (order_sn),
  KEY idx_orders_status_id (status, id),
  KEY idx_orders_status_deadline (status, payment_deadline)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- order_items are an order's lines; line_no keeps the request's order.
CREATE TABLE order_items (
  order_sn   VARCHAR(64)  NOT NULL,
  line_no    INT          NOT NULL,
  sku        VARCHAR(64)  NOT NULL,
  name       VARCHAR(255) NOT NULL,
  quantity   INT          NOT NULL,
  unit_price BIGINT       NOT NULL,
  PRIMARY KEY (order_sn, sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE consumed_events (
  consumer_group VARCHAR(64)  NOT NULL,
  event_id       VARCHAR(160) NOT NULL,
  consumed_at    DATETIME(6)  NOT NULL,
  PRIMARY KEY (consumer_group, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE outbox_events (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  event_id    VARCHAR(160) NOT NULL,
  topic       VARCHAR(64)  NOT NULL,
  tag         VARCHAR(64)  NOT NULL,
  msg_keys    VARCHAR(255) NOT NULL DEFAULT '',
  body        MEDIUMBLOB   NOT NULL,
  delay_level INT          NOT NULL DEFAULT 0,
  created_at  DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_outbox_events_event_id (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
