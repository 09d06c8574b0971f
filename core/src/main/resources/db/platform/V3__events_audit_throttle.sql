-- The event log: one row per committed state change, appended in the changing transaction.
-- Readers order by (tx, id): a transaction still in flight has tx >= pg_snapshot_xmin of any
-- snapshot taken meanwhile, so a reader that only reads tx < xmin never skips an event that commits
-- later with a smaller id.
CREATE TABLE events (
  id           bigserial PRIMARY KEY,
  tx           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  org          text NOT NULL,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  actor        text,
  community_id text,
  page_id      text,
  subject      jsonb NOT NULL DEFAULT '{}'::jsonb,
  data         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_order ON events (tx, id);
CREATE INDEX events_org ON events (org, id);
CREATE INDEX events_occurred ON events (occurred_at);

-- The audit log of administrative acts, hash-chained per organisation:
-- hash = SHA-256(prev_hash || canonical JSON of the entry), hex encoded; the first entry's prev_hash is ''.
CREATE TABLE audit_log (
  org         text NOT NULL,
  seq         bigint NOT NULL,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  actor_type  text NOT NULL,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  scope_id    text,
  before      jsonb,
  after       jsonb,
  req_id      text,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  PRIMARY KEY (org, seq)
);
CREATE INDEX audit_log_scope ON audit_log (org, scope_id, seq) WHERE scope_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (org, at);

-- Throttling of guessable secrets and rate limits of writes: fixed windows counted per key.
CREATE TABLE throttle (
  key          text NOT NULL,
  window_start timestamptz NOT NULL,
  hits         int NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX throttle_window ON throttle (window_start);
