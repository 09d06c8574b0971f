-- Core state of the platform itself: token revocations and organisation API tokens.

CREATE TABLE revoked_tokens (
  jti        text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);

-- Tokens of a subject issued before not_before no longer work (suspension, "log out everywhere").
CREATE TABLE subject_revocations (
  sub        text PRIMARY KEY,
  not_before timestamptz NOT NULL
);

CREATE TABLE api_tokens (
  id         uuid PRIMARY KEY,
  org        text NOT NULL,
  name       text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_tokens_org ON api_tokens (org, created_at DESC);
