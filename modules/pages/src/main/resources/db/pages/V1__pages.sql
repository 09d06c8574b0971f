-- Pages: shared community spaces (interest groups, fan clubs, topic forums) of an organisation,
-- their memberships (including invitations still waiting for an account) and their posts.

CREATE TABLE pages (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  name         text NOT NULL,
  type         text NOT NULL,
  category     text NOT NULL,
  description  text,
  image        text,
  visibility   text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
  owner_id     text NOT NULL,
  owner_email  text,
  -- active memberships (pending invitations excluded), kept by every write that changes them
  member_count integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  -- words of name and description for the `q` search; 'simple' keeps it language neutral
  search       tsvector GENERATED ALWAYS AS (
                 to_tsvector('simple'::regconfig, coalesce(name, '') || ' ' || coalesce(description, ''))) STORED
);
-- the listing's order within an organisation, and each of its filters in that order
CREATE INDEX pages_org_created ON pages (org, created_at DESC, id DESC);
CREATE INDEX pages_org_category ON pages (org, lower(category), created_at DESC, id DESC);
CREATE INDEX pages_org_type ON pages (org, lower(type), created_at DESC, id DESC);
CREATE INDEX pages_search ON pages USING gin (search);

-- One row per membership. user_id is NULL while an invitation waits for the invitee to have an
-- account (matched by email); it is set when they sign up or first act with that email.
CREATE TABLE members (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org         text NOT NULL,
  page_id     uuid NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  user_id     text,
  email       text,
  role        text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  role_rank   smallint GENERATED ALWAYS AS (CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END) STORED,
  source      text NOT NULL CHECK (source IN ('auto', 'request', 'invitation')),
  invited_by  text,
  invited_at  timestamptz,
  joined_at   timestamptz,
  CHECK (user_id IS NOT NULL OR email IS NOT NULL),
  CHECK ((user_id IS NULL) = (joined_at IS NULL))
);
-- one membership per user and page: joining twice (even concurrently) is a no-op
CREATE UNIQUE INDEX members_page_user ON members (page_id, user_id);
-- exactly one owner per page
CREATE UNIQUE INDEX members_page_owner ON members (page_id) WHERE role = 'owner';
-- one waiting invitation per email and page
CREATE UNIQUE INDEX members_page_pending_email ON members (page_id, email) WHERE user_id IS NULL;
-- the members list: owner, admins, members, each by join time
CREATE INDEX members_page_order ON members (page_id, role_rank, joined_at, id) WHERE user_id IS NOT NULL;
-- "my pages"
CREATE INDEX members_user ON members (org, user_id, joined_at DESC, id DESC) WHERE user_id IS NOT NULL;
-- waiting invitations to attach when the invitee appears
CREATE INDEX members_pending_email ON members (org, email) WHERE user_id IS NULL;

-- Posts of a page; announcements are posts that only the owner or an admin publish, listed first.
CREATE TABLE posts (
  id           uuid PRIMARY KEY,
  org          text NOT NULL,
  page_id      uuid NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
  author_id    text NOT NULL,
  announcement boolean NOT NULL DEFAULT false,
  title        text,
  body         text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX posts_page_order ON posts (page_id, announcement DESC, created_at DESC, id DESC);
