-- Keyset walks on immutable keys (issue 12), bans and mutes (issue 14), invite lifecycle (issue 10).

-- seq: the member's join number in the community, given once at join and never changed. The cursor
-- walk of the directory is a keyset on it (and on (role, seq) for a role filter); pos and role_pos stay
-- as the dense positions that make page N one index range.
ALTER TABLE communities ADD COLUMN next_seq bigint NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN seq bigint;
UPDATE members SET seq = pos;
UPDATE communities c SET next_seq = COALESCE((SELECT max(m.seq) FROM members m WHERE m.community_id = c.id), 0) + 1;
ALTER TABLE members ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX members_seq ON members (community_id, seq) INCLUDE (user_id, role, status, joined_at);
CREATE INDEX members_role_seq ON members (community_id, role, seq) INCLUDE (user_id, status, joined_at);

-- join request lists of any status walk by (created_at, id)
CREATE INDEX join_requests_status ON join_requests (community_id, status, created_at, id);

-- post feeds: the cursor walk goes by (created_at, id) whatever the pin state
CREATE INDEX posts_community_time ON posts (community_id, created_at DESC, id DESC) WHERE group_id IS NULL;
CREATE INDEX posts_group_time ON posts (group_id, created_at DESC, id DESC) WHERE group_id IS NOT NULL;

-- invites: compared by the folded address; revoked (by a person, or retired by an accept, a removal or a ban)
ALTER TABLE invites ADD COLUMN email_folded text;
UPDATE invites SET email_folded = lower(email);
ALTER TABLE invites ALTER COLUMN email_folded SET NOT NULL;
ALTER TABLE invites ADD COLUMN revoked_at timestamptz;
ALTER TABLE invites ADD COLUMN revoked_by text;
ALTER TABLE invites ADD COLUMN revoke_reason text CHECK (revoke_reason IN ('revoked', 'superseded', 'removed', 'banned'));
CREATE INDEX invites_open ON invites (community_id, email_folded) WHERE accepted_at IS NULL AND revoked_at IS NULL;
-- who accepted which invite: a removal or ban retires the open invites of the member's address
CREATE INDEX invites_accepted_by ON invites (community_id, accepted_by) WHERE accepted_by IS NOT NULL;

-- bans and mutes: one row per community and user; in force while expires_at is null or in the future
-- (compared with the request's clock, so expiry is exact to the second and needs no job)
CREATE TABLE bans (
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      text NOT NULL,
  org          text NOT NULL,
  reason       text NOT NULL,
  banned_by    text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  PRIMARY KEY (community_id, user_id)
);
CREATE INDEX bans_list ON bans (community_id, created_at DESC, user_id);

CREATE TABLE mutes (
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      text NOT NULL,
  org          text NOT NULL,
  reason       text NOT NULL,
  muted_by     text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  PRIMARY KEY (community_id, user_id)
);
CREATE INDEX mutes_list ON mutes (community_id, created_at DESC, user_id);

-- the last time a user was removed or banned: an invite issued before it is no longer valid for them
CREATE TABLE removed_members (
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      text NOT NULL,
  org          text NOT NULL,
  removed_at   timestamptz NOT NULL,
  PRIMARY KEY (community_id, user_id)
);

-- add_member now gives each new member the next join number
CREATE OR REPLACE FUNCTION add_member(p_community uuid, p_org text, p_user text, p_role text, p_now timestamptz)
RETURNS TABLE (out_role text, out_joined_at timestamptz, out_created boolean, out_member_count int)
LANGUAGE plpgsql AS $$
DECLARE
  c record;
  m record;
BEGIN
  SELECT cc.member_count, cc.count_owner, cc.count_admin, cc.count_moderator, cc.count_member, cc.next_seq INTO c
    FROM communities.communities cc WHERE cc.id = p_community AND cc.org = p_org FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT mm.role, mm.joined_at INTO m FROM communities.members mm
    WHERE mm.community_id = p_community AND mm.user_id = p_user;
  IF FOUND THEN
    RETURN QUERY SELECT m.role, m.joined_at, false, c.member_count;
    RETURN;
  END IF;
  INSERT INTO communities.members (community_id, user_id, org, role, pos, role_pos, joined_at, seq)
  VALUES (p_community, p_user, p_org, p_role, c.member_count + 1,
          CASE p_role WHEN 'owner' THEN c.count_owner WHEN 'admin' THEN c.count_admin
                      WHEN 'moderator' THEN c.count_moderator ELSE c.count_member END + 1,
          p_now, c.next_seq);
  UPDATE communities.communities SET
    member_count = member_count + 1,
    next_seq = next_seq + 1,
    count_owner = count_owner + (p_role = 'owner')::int,
    count_admin = count_admin + (p_role = 'admin')::int,
    count_moderator = count_moderator + (p_role = 'moderator')::int,
    count_member = count_member + (p_role = 'member')::int
  WHERE id = p_community;
  RETURN QUERY SELECT p_role, p_now, true, c.member_count + 1;
END
$$;
