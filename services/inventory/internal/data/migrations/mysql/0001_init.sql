-- Inventory schema: catalogue, stock counters, reservations, and the shared
-- dedup and outbox tables (pkg/db/schema.md).

CREATE TABLE products (
  sku        VARCHAR(64)  NOT NULL,
  name       VARCHAR(255) NOT NULL,
  price      BIGINT       NOT NULL,
  created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (sku),
  CONSTRAINT ck_products_price CHECK (price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE stocks (
  sku        VARCHAR(64) NOT NULL,
  total      INT         NOT NULL,
  available  INT         NOT NULL,
  reserved   INT         NOT NULL DEFAULT 0,
  sold       INT         NOT NULL DEFAULT 0,
  version    BIGINT      NOT NULL DEFAULT 1,
  updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (sku),
  CONSTRAINT ck_stocks_counters CHECK (available >= 0 AND reserved >= 0 AND sold >= 0 AND total = available + reserved + sold)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE reservations (
  order_sn   VARCHAR(100) NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  version    BIGINT       NOT NULL DEFAULT 1,
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (order_sn)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE reservation_lines (
  order_sn VARCHAR(100) NOT NULL,
  sku      VARCHAR(64)  NOT NULL,
  quantity INT          NOT NULL,
  PRIMARY KEY (order_sn, sku),
  CONSTRAINT ck_reservation_lines_quantity CHECK (quantity > 0)
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
