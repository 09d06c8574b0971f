-- Product backlog items logged by any client session (api, web, mobile, ...).
CREATE TABLE items (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  title        text NOT NULL,
  type         text NOT NULL CHECK (type IN ('feature', 'bug', 'enhancement', 'question')),
  priority     text NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
  session      text NOT NULL CHECK (session IN ('api', 'web', 'mobile', 'onboarding', 'account-portal')),
  description  text,
  api_endpoint text,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'done')),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
-- newest first within an organisation, the list's order
CREATE INDEX items_org_created ON items (org, created_at DESC, id DESC);
