-- payment service schema (MySQL 8.4 / MariaDB 10.11).

-- payment_orders is the per-order lock row: every payment and every
-- cancellation of an order locks it first (SELECT ... FOR UPDATE).
-- payment_sn is the order's SUCCEEDED (later maybe REFUNDED) payment.
CREATE TABLE payment_orders (
  order_sn   VARCHAR(100) NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  payment_sn VARCHAR(64)  NOT NULL DEFAULT '',
  version    BIGINT       NOT NULL,
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (order_sn)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payments (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  payment_sn VARCHAR(64)  NOT NULL,
  order_sn   VARCHAR(100) NOT NULL,
  amount     BIGINT       NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  version    BIGINT       NOT NULL,
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_payments_payment_sn (payment_sn),
  KEY idx_payments_order_sn (order_sn, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- consumed_events and outbox_events: the DDL of pkg/db/schema.md.
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
