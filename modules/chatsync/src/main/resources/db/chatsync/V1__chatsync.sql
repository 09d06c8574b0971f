-- The Stream Chat sync: where it is in the event log, what it believes Stream should hold (the
-- channels and their members it has planned), and the steps that bring Stream there.

-- The position in platform.events up to which events have been planned: the last (tx, id) read.
-- One row; absent until the sync first runs with keys, which then starts at the end of the log.
CREATE TABLE cursor (
  id          int PRIMARY KEY CHECK (id = 1),
  tx          xid8 NOT NULL,
  event_id    bigint NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- The channels the sync has planned (created, renamed, deleted), by Stream channel id. A deleted
-- channel keeps its row, so that a late event cannot bring it back.
CREATE TABLE channels (
  channel_id   text PRIMARY KEY,
  org          text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('community', 'group')),
  community_id text NOT NULL,
  group_id     text,
  name         text,
  deleted      boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL
);
CREATE INDEX channels_community ON channels (community_id) WHERE NOT deleted;

-- The members the sync has planned for each channel.
CREATE TABLE channel_members (
  channel_id text NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  user_id    text NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_members_user ON channel_members (user_id);

-- Steps to carry out at Stream, in id order within their queue (a channel id, or user:<id> for a
-- profile refresh). Only the oldest unfinished step of a queue runs; a failed one holds its queue
-- until an operator retries it.
CREATE TABLE steps (
  id              bigserial PRIMARY KEY,
  org             text NOT NULL,
  queue           text NOT NULL,
  channel_type    text,
  kind            text NOT NULL CHECK (kind IN
                    ('upsert_users', 'create_channel', 'add_members', 'remove_members', 'rename_channel', 'delete_channel')),
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  last_status     int,
  event_id        bigint,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  done_at         timestamptz
);
CREATE INDEX steps_open ON steps (queue, id) WHERE status <> 'done';
CREATE INDEX steps_org_open ON steps (org, id) WHERE status <> 'done';
CREATE INDEX steps_done ON steps (done_at) WHERE status = 'done';

-- One backfill per organisation at a time: its progress, shown to operators.
CREATE TABLE backfills (
  org          text PRIMARY KEY,
  status       text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  communities  int NOT NULL DEFAULT 0,
  groups       int NOT NULL DEFAULT 0,
  error        text,
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz
);
