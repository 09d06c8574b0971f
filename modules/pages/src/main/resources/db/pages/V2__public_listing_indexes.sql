-- Listing filters compare lower-cased values. Stored as plain columns, they let the totals of a
-- filtered list come from index-only scans (an expression index cannot serve those).
ALTER TABLE pages ADD COLUMN category_key text GENERATED ALWAYS AS (lower(category)) STORED;
ALTER TABLE pages ADD COLUMN type_key text GENERATED ALWAYS AS (lower(type)) STORED;
DROP INDEX pages_org_category;
DROP INDEX pages_org_type;
CREATE INDEX pages_org_category ON pages (org, category_key, created_at DESC, id DESC);
CREATE INDEX pages_org_type ON pages (org, type_key, created_at DESC, id DESC);
-- The anonymous listing (public pages only) is the hot path: partial indexes that hold only public
-- pages serve its rows in order and its totals.
CREATE INDEX pages_public_created ON pages (org, created_at DESC, id DESC) WHERE visibility = 'public';
CREATE INDEX pages_public_category ON pages (org, category_key, created_at DESC, id DESC) WHERE visibility = 'public';
CREATE INDEX pages_public_type ON pages (org, type_key, created_at DESC, id DESC) WHERE visibility = 'public';
