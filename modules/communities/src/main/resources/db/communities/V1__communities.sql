-- Communities, their members (with kept counts and dense directory positions), join requests,
-- invites, groups and posts. Every row carries its organisation.

CREATE TABLE communities (
  id               uuid PRIMARY KEY,
  org              text NOT NULL,
  name             text NOT NULL,
  slug             text NOT NULL CHECK (slug ~ '^[A-Za-z]+(-[A-Za-z]+)*$'),
  description      text,
  logo_url         text,
  cover_image_url  text,
  is_private       boolean NOT NULL DEFAULT false,
  community_type   text NOT NULL DEFAULT 'Community' CHECK (community_type IN
                     ('Artist', 'Brand', 'Business', 'Cause', 'Community', 'Entertainment', 'Organisation', 'Place', 'Product')),
  access           text NOT NULL DEFAULT 'open' CHECK (access IN ('open', 'request')),
  -- the stored status; scheduled/live/expired are then decided by starts_at and expires_at
  status           text NOT NULL DEFAULT 'live' CHECK (status IN ('archived', 'draft', 'expired', 'live', 'scheduled')),
  featured         boolean NOT NULL DEFAULT false,
  verified         boolean NOT NULL DEFAULT false,
  starts_at        timestamptz,
  expires_at       timestamptz,
  password_hash    text,
  -- the rest of the administrative model (links, style, rules, tabs, banners, ...), as validated JSON
  details          jsonb NOT NULL DEFAULT '{}',
  -- language -> translated text fields
  translations     jsonb NOT NULL DEFAULT '{}',
  -- kept counts: every membership change updates them under this row's lock
  member_count     int NOT NULL DEFAULT 0,
  count_owner      int NOT NULL DEFAULT 0,
  count_admin      int NOT NULL DEFAULT 0,
  count_moderator  int NOT NULL DEFAULT 0,
  count_member     int NOT NULL DEFAULT 0,
  created_by       text,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  CHECK (starts_at IS NULL OR expires_at IS NULL OR expires_at > starts_at)
);
CREATE UNIQUE INDEX communities_slug ON communities (org, lower(slug));
CREATE INDEX communities_org_created ON communities (org, created_at DESC, id DESC);

-- pos is the member's place in the directory (1..member_count, dense); role_pos its place among the
-- members of the same role. A departing member's place is taken by the last one, so page N of the
-- directory is an index range, as cheap at row one million as at row one.
CREATE TABLE members (
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      text NOT NULL,
  org          text NOT NULL,
  role         text NOT NULL CHECK (role IN ('owner', 'admin', 'moderator', 'member')),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active')),
  pos          int NOT NULL,
  role_pos     int NOT NULL,
  joined_at    timestamptz NOT NULL,
  PRIMARY KEY (community_id, user_id)
);
CREATE UNIQUE INDEX members_pos ON members (community_id, pos) INCLUDE (user_id, role, status, joined_at);
CREATE UNIQUE INDEX members_role_pos ON members (community_id, role, role_pos) INCLUDE (user_id, status, joined_at, pos);
CREATE INDEX members_user ON members (org, user_id, joined_at DESC);

CREATE TABLE join_requests (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      text NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  responder_id text,
  responded_at timestamptz,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
-- at most one open request per user and community, also under concurrent requests
CREATE UNIQUE INDEX join_requests_pending ON join_requests (community_id, user_id) WHERE status = 'pending';
CREATE INDEX join_requests_queue ON join_requests (community_id, created_at, id) WHERE status = 'pending';

CREATE TABLE invites (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  email        text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'moderator', 'member')),
  token_hash   text NOT NULL UNIQUE,
  invited_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  accepted_at  timestamptz,
  accepted_by  text
);
CREATE INDEX invites_community ON invites (community_id, created_at DESC);

CREATE TABLE groups (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  name         text NOT NULL,
  description  text,
  is_private   boolean NOT NULL DEFAULT false,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX groups_community ON groups (community_id, created_at, id);

-- a group member is always a member of the community: leaving the community leaves its groups
CREATE TABLE group_members (
  group_id     uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  community_id uuid NOT NULL,
  user_id      text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'member')),
  added_by     text,
  joined_at    timestamptz NOT NULL,
  PRIMARY KEY (group_id, user_id),
  FOREIGN KEY (community_id, user_id) REFERENCES members (community_id, user_id) ON DELETE CASCADE
);
CREATE INDEX group_members_member ON group_members (community_id, user_id);

CREATE TABLE posts (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  community_id uuid NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  group_id     uuid REFERENCES groups (id) ON DELETE CASCADE,
  author_id    text NOT NULL,
  title        text,
  content      text NOT NULL,
  attachments  jsonb NOT NULL DEFAULT '[]',
  is_pinned    boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
-- the feeds' order: pinned first, then newest
CREATE INDEX posts_community_feed ON posts (community_id, is_pinned DESC, created_at DESC, id DESC) WHERE group_id IS NULL;
CREATE INDEX posts_group_feed ON posts (group_id, is_pinned DESC, created_at DESC, id DESC) WHERE group_id IS NOT NULL;

-- Membership changes, each one statement: the community row is locked, so concurrent joins, leaves
-- and role changes of one community are serialised and the kept counts and positions stay exact.

-- Adds a member unless already one. out_created tells which; out_role is the (possibly existing) role.
CREATE FUNCTION add_member(p_community uuid, p_org text, p_user text, p_role text, p_now timestamptz)
RETURNS TABLE (out_role text, out_joined_at timestamptz, out_created boolean, out_member_count int)
LANGUAGE plpgsql AS $$
DECLARE
  c record;
  m record;
BEGIN
  SELECT cc.member_count, cc.count_owner, cc.count_admin, cc.count_moderator, cc.count_member INTO c
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
  INSERT INTO communities.members (community_id, user_id, org, role, pos, role_pos, joined_at)
  VALUES (p_community, p_user, p_org, p_role, c.member_count + 1,
          CASE p_role WHEN 'owner' THEN c.count_owner WHEN 'admin' THEN c.count_admin
                      WHEN 'moderator' THEN c.count_moderator ELSE c.count_member END + 1,
          p_now);
  UPDATE communities.communities SET
    member_count = member_count + 1,
    count_owner = count_owner + (p_role = 'owner')::int,
    count_admin = count_admin + (p_role = 'admin')::int,
    count_moderator = count_moderator + (p_role = 'moderator')::int,
    count_member = count_member + (p_role = 'member')::int
  WHERE id = p_community;
  RETURN QUERY SELECT p_role, p_now, true, c.member_count + 1;
END
$$;

-- Removes a member. out_status: removed, not_member, changed (the role is no longer p_expected_role),
-- last_owner (the only owner cannot go), or no row at all when the community does not exist.
CREATE FUNCTION remove_member(p_community uuid, p_org text, p_user text, p_expected_role text)
RETURNS TABLE (out_status text, out_role text, out_member_count int)
LANGUAGE plpgsql AS $$
DECLARE
  c record;
  m record;
  role_count int;
BEGIN
  SELECT cc.member_count, cc.count_owner, cc.count_admin, cc.count_moderator, cc.count_member INTO c
    FROM communities.communities cc WHERE cc.id = p_community AND cc.org = p_org FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT mm.role, mm.pos, mm.role_pos INTO m FROM communities.members mm
    WHERE mm.community_id = p_community AND mm.user_id = p_user;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_member'::text, NULL::text, c.member_count;
    RETURN;
  END IF;
  IF p_expected_role IS NOT NULL AND m.role <> p_expected_role THEN
    RETURN QUERY SELECT 'changed'::text, m.role, c.member_count;
    RETURN;
  END IF;
  IF m.role = 'owner' AND c.count_owner <= 1 THEN
    RETURN QUERY SELECT 'last_owner'::text, m.role, c.member_count;
    RETURN;
  END IF;
  role_count := CASE m.role WHEN 'owner' THEN c.count_owner WHEN 'admin' THEN c.count_admin
                            WHEN 'moderator' THEN c.count_moderator ELSE c.count_member END;
  DELETE FROM communities.members WHERE community_id = p_community AND user_id = p_user;
  IF m.pos < c.member_count THEN
    UPDATE communities.members SET pos = m.pos WHERE community_id = p_community AND pos = c.member_count;
  END IF;
  IF m.role_pos < role_count THEN
    UPDATE communities.members SET role_pos = m.role_pos
      WHERE community_id = p_community AND role = m.role AND role_pos = role_count;
  END IF;
  UPDATE communities.communities SET
    member_count = member_count - 1,
    count_owner = count_owner - (m.role = 'owner')::int,
    count_admin = count_admin - (m.role = 'admin')::int,
    count_moderator = count_moderator - (m.role = 'moderator')::int,
    count_member = count_member - (m.role = 'member')::int
  WHERE id = p_community;
  RETURN QUERY SELECT 'removed'::text, m.role, c.member_count - 1;
END
$$;

-- Changes a member's role. out_status: changed, unchanged, not_member, changed_meanwhile, last_owner.
CREATE FUNCTION set_member_role(p_community uuid, p_org text, p_user text, p_expected_role text, p_role text)
RETURNS TABLE (out_status text, out_old_role text, out_joined_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  c record;
  m record;
  old_count int;
  new_count int;
BEGIN
  SELECT cc.member_count, cc.count_owner, cc.count_admin, cc.count_moderator, cc.count_member INTO c
    FROM communities.communities cc WHERE cc.id = p_community AND cc.org = p_org FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT mm.role, mm.role_pos, mm.joined_at INTO m FROM communities.members mm
    WHERE mm.community_id = p_community AND mm.user_id = p_user;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_member'::text, NULL::text, NULL::timestamptz;
    RETURN;
  END IF;
  IF p_expected_role IS NOT NULL AND m.role <> p_expected_role THEN
    RETURN QUERY SELECT 'changed_meanwhile'::text, m.role, m.joined_at;
    RETURN;
  END IF;
  IF m.role = p_role THEN
    RETURN QUERY SELECT 'unchanged'::text, m.role, m.joined_at;
    RETURN;
  END IF;
  IF m.role = 'owner' AND c.count_owner <= 1 THEN
    RETURN QUERY SELECT 'last_owner'::text, m.role, m.joined_at;
    RETURN;
  END IF;
  old_count := CASE m.role WHEN 'owner' THEN c.count_owner WHEN 'admin' THEN c.count_admin
                           WHEN 'moderator' THEN c.count_moderator ELSE c.count_member END;
  new_count := CASE p_role WHEN 'owner' THEN c.count_owner WHEN 'admin' THEN c.count_admin
                           WHEN 'moderator' THEN c.count_moderator ELSE c.count_member END;
  UPDATE communities.members SET role = p_role, role_pos = new_count + 1
    WHERE community_id = p_community AND user_id = p_user;
  IF m.role_pos < old_count THEN
    UPDATE communities.members SET role_pos = m.role_pos
      WHERE community_id = p_community AND role = m.role AND role_pos = old_count;
  END IF;
  UPDATE communities.communities SET
    count_owner = count_owner - (m.role = 'owner')::int + (p_role = 'owner')::int,
    count_admin = count_admin - (m.role = 'admin')::int + (p_role = 'admin')::int,
    count_moderator = count_moderator - (m.role = 'moderator')::int + (p_role = 'moderator')::int,
    count_member = count_member - (m.role = 'member')::int + (p_role = 'member')::int
  WHERE id = p_community;
  RETURN QUERY SELECT 'changed'::text, m.role, m.joined_at;
END
$$;
