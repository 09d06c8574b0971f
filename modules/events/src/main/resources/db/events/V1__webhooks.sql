-- Webhooks of each organisation. The secret is kept as issued: each delivery is signed with it.
CREATE TABLE webhooks (
  id              uuid PRIMARY KEY,
  org             text NOT NULL,
  url             text NOT NULL,
  events          text[] NOT NULL,
  enabled         boolean NOT NULL,
  description     text,
  secret          text NOT NULL,
  created_by      text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  -- start of the current run of failed attempts (null after a success); past the configured time the hook is disabled
  failing_since   timestamptz,
  disabled_reason text
);
CREATE INDEX webhooks_org ON webhooks (org, created_at, id);

-- One event to one webhook. Sent at least once: a worker claims due rows with FOR UPDATE SKIP LOCKED
-- and a lease (locked_until), so exactly one node sends each attempt; a node dying mid-send leaves the
-- lease to expire and another node retries.
CREATE TABLE deliveries (
  id              uuid PRIMARY KEY,
  org             text NOT NULL,
  webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id        bigint NOT NULL,
  event_type      text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL,
  UNIQUE (webhook_id, event_id)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, created_at DESC, id DESC);

-- Every attempt of a delivery, for the delivery log.
CREATE TABLE attempts (
  delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
  attempt     int NOT NULL,
  at          timestamptz NOT NULL,
  status_code int,
  duration_ms int NOT NULL,
  error       text,
  PRIMARY KEY (delivery_id, attempt)
);

-- How far the fan-out from the log to deliveries has come: one row, locked by the node doing it.
CREATE TABLE fanout (
  one      boolean PRIMARY KEY DEFAULT true CHECK (one),
  tx       text,
  event_id bigint
);
INSERT INTO fanout (one) VALUES (true);
