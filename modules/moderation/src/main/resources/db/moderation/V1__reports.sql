-- Reports of posts, page posts and members, and the moderation queue built from the open ones.
-- A report belongs to one place (a community or a page): the place of the reported post, or the
-- place named for a reported member. target_user_id is who a mute or ban acts on: the post's
-- author, or the reported member.
CREATE TABLE reports (
  id                uuid PRIMARY KEY,
  org               text NOT NULL,
  reporter_id       text NOT NULL,
  target_type       text NOT NULL CHECK (target_type IN ('post', 'page_post', 'member')),
  target_id         text NOT NULL,
  target_user_id    text,
  place_type        text NOT NULL CHECK (place_type IN ('community', 'page')),
  place_id          uuid NOT NULL,
  reason            text NOT NULL,
  details           text,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  created_at        timestamptz NOT NULL,
  resolution        text CHECK (resolution IN ('dismiss', 'remove_content', 'mute', 'ban')),
  resolution_reason text,
  resolved_by       text,
  resolved_at       timestamptz,
  CHECK ((status = 'open') = (resolved_at IS NULL))
);

-- One open report per reporter and target (a member is a target per place); the race of two identical reports ends here (409).
CREATE UNIQUE INDEX reports_one_open ON reports (org, reporter_id, place_type, place_id, target_type, target_id) WHERE status = 'open';
-- The queue of a place: open reports grouped by target.
CREATE INDEX reports_queue ON reports (org, place_type, place_id, target_type, target_id) WHERE status = 'open';

