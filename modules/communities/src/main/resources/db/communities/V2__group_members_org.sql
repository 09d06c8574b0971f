-- Group memberships carry their organisation too, like every other row of the module.
ALTER TABLE group_members ADD COLUMN org text;
UPDATE group_members gm SET org = g.org FROM groups g WHERE g.id = gm.group_id;
ALTER TABLE group_members ALTER COLUMN org SET NOT NULL;
