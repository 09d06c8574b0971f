-- Invitations get a life of their own (issue 10): an invitation is addressed to an email address and
-- becomes a membership only when an account whose address is VERIFIED accepts it. It is no longer a
-- membership row without a user.
CREATE TABLE invitations (
  id          uuid PRIMARY KEY,
  org         text NOT NULL,
  page_id     uuid NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  -- the address in its folded form (NFC + case folding, core Text.fold)
  email       text NOT NULL,
  -- the role the inviter meant to grant; at accept time it is capped by what the inviter may grant then
  role        text NOT NULL CHECK (role IN ('admin', 'member')),
  invited_by  text NOT NULL,
  invited_at  timestamptz NOT NULL,
  -- the account that proved it owns the address (set when it verifies the address), null until then
  invitee_id  text,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'declined', 'revoked', 'retired')),
  closed_at   timestamptz,
  closed_by   text
);
-- one open invitation per page and address
CREATE UNIQUE INDEX invitations_open_email ON invitations (page_id, email) WHERE status = 'open';
-- a page's open invitations, oldest first
CREATE INDEX invitations_page_open ON invitations (page_id, invited_at, id) WHERE status = 'open';
-- "my invitations": by verified address, or by the account attached at verification
CREATE INDEX invitations_email_open ON invitations (org, email) WHERE status = 'open';
CREATE INDEX invitations_invitee_open ON invitations (org, invitee_id) WHERE status = 'open' AND invitee_id IS NOT NULL;

-- invitations that waited as membership rows move over (still open, never attached to anyone)
INSERT INTO invitations (id, org, page_id, email, role, invited_by, invited_at)
SELECT gen_random_uuid(), org, page_id, lower(normalize(email, NFC)), role, coalesce(invited_by, ''), coalesce(invited_at, now())
FROM members WHERE user_id IS NULL AND role <> 'owner'
ON CONFLICT DO NOTHING;
DELETE FROM members WHERE user_id IS NULL;
DROP INDEX members_page_pending_email;
DROP INDEX members_pending_email;
ALTER TABLE members ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE members ALTER COLUMN joined_at SET NOT NULL;
-- the members list walks in joining order: (joined_at, id) never changes while a member stays
CREATE INDEX members_page_joined ON members (page_id, joined_at, id);

-- Bans and mutes per page (issue 14). An expired row is simply ignored: every check compares
-- expires_at with the platform clock, so expiry needs no job and is exact to the second.
CREATE TABLE sanctions (
  org         text NOT NULL,
  page_id     uuid NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('ban', 'mute')),
  reason      text NOT NULL,
  expires_at  timestamptz,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (page_id, kind, user_id)
);
CREATE INDEX sanctions_page_list ON sanctions (page_id, kind, created_at DESC, user_id);

-- One text form (issue 12): stored text in NFC, so that a search typed either way finds it. No
-- column here is unique, so normalising cannot collide.
UPDATE pages SET name = normalize(name, NFC) WHERE name IS NOT NFC NORMALIZED;
UPDATE pages SET description = normalize(description, NFC) WHERE description IS NOT NFC NORMALIZED;
UPDATE pages SET type = normalize(type, NFC) WHERE type IS NOT NFC NORMALIZED;
UPDATE pages SET category = normalize(category, NFC) WHERE category IS NOT NFC NORMALIZED;
UPDATE posts SET title = normalize(title, NFC) WHERE title IS NOT NFC NORMALIZED;
UPDATE posts SET body = normalize(body, NFC) WHERE body IS NOT NFC NORMALIZED;
