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
