-- The ranks a ban or mute was placed with (issue 14): the target's role on the page at that moment (a
-- ban takes the member out, so it is remembered here) and the placer's role. Lifting or replacing one
-- needs the same standing as placing it: an admin cannot undo the owner's ban, nor one on a former
-- admin. Null for rows written before these columns existed.
ALTER TABLE sanctions ADD COLUMN target_role text;
ALTER TABLE sanctions ADD COLUMN by_role text;
