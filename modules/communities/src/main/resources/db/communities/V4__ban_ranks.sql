-- The ranks a ban or mute was placed with (issue 14): the target's role in the community at that
-- moment (a ban takes the member out, so it is remembered here) and the placer's role. Lifting or
-- replacing one needs the same standing as placing it: a moderator cannot undo an owner's or an
-- admin's ban, nor one on a former admin or owner. Null for rows written before this column existed.
ALTER TABLE bans ADD COLUMN target_role text;
ALTER TABLE bans ADD COLUMN by_role text;
ALTER TABLE mutes ADD COLUMN target_role text;
ALTER TABLE mutes ADD COLUMN by_role text;
