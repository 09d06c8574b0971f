-- Outgoing mail (verification, invites): written in the same transaction as the fact it announces,
-- delivered by a worker on any node (SMTP when configured, otherwise logged).
CREATE TABLE outbox (
  id              uuid PRIMARY KEY,
  org             text NOT NULL,
  kind            text NOT NULL,
  recipient       text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  link            text,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'logged', 'failed')),
  attempts        int NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
