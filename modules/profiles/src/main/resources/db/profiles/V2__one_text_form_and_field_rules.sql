-- One text form (issue 12): stored text in Unicode NFC, email addresses in one folded form, and
-- the stored rules of the display name and the bio. Collisions that folding reveals are
-- reported in normalisation_collisions, never merged or dropped silently.

-- Search words in NFC, so that a name typed with a combining accent and one typed precomposed are
-- the same words on both the document and the query side.
CREATE OR REPLACE FUNCTION search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT regexp_replace(lower(normalize(coalesce(t, ''), NFC)), '[^[:alnum:]]+', ' ', 'g') $$;

-- Two or more accounts whose addresses fold to one. The account that keeps the folded address is
-- the one that already had it, else the oldest; the others keep their spelling, lose the
-- verified mark, and are listed here for an admin to resolve.
CREATE TABLE normalisation_collisions (
  id            bigserial PRIMARY KEY,
  org           text NOT NULL,
  field         text NOT NULL,
  folded        text NOT NULL,
  kept_user_id  text NOT NULL,
  other_user_id text NOT NULL,
  other_value   text NOT NULL,
  found_at      timestamptz NOT NULL DEFAULT now()
);

-- Folds every address of the table; answers how many new collisions it reported. Safe to run
-- again (an admin may, after fixing rows by hand): a collision already listed is not listed twice.
CREATE FUNCTION fold_emails() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  reported integer;
BEGIN
  DROP TABLE IF EXISTS pg_temp.email_fold;
  CREATE TEMPORARY TABLE email_fold ON COMMIT DROP AS
    SELECT org, id, email, folded,
           first_value(id) OVER w AS keeper,
           row_number() OVER w AS n
      FROM (SELECT org, id, email, tn_id, normalize(lower(upper(normalize(email, NFC))), NFC) AS folded
              FROM profiles.users WHERE email IS NOT NULL) f
    WINDOW w AS (PARTITION BY org, folded ORDER BY (email = folded) DESC, tn_id);

  INSERT INTO profiles.normalisation_collisions (org, field, folded, kept_user_id, other_user_id, other_value)
    SELECT e.org, 'email', e.folded, e.keeper, e.id, e.email FROM email_fold e
     WHERE e.n > 1 AND NOT EXISTS (SELECT 1 FROM profiles.normalisation_collisions c WHERE c.org = e.org
       AND c.field = 'email' AND c.other_user_id = e.id AND c.other_value = e.email);
  GET DIAGNOSTICS reported = ROW_COUNT;

  UPDATE profiles.users u SET email_verified = false
    FROM email_fold f WHERE f.n > 1 AND u.org = f.org AND u.id = f.id AND u.email_verified;

  UPDATE profiles.users u SET email = f.folded
    FROM email_fold f WHERE f.n = 1 AND f.email <> f.folded AND u.org = f.org AND u.id = f.id;

  IF reported > 0 THEN
    RAISE WARNING 'profiles: % email address(es) fold to an address another account keeps; see profiles.normalisation_collisions', reported;
  END IF;
  RETURN reported;
END $$;

SELECT fold_emails();

-- Free text in NFC (the search trigger recomputes the words of every row it touches).
UPDATE users SET
    name = normalize(name, NFC), first_name = normalize(first_name, NFC), last_name = normalize(last_name, NFC),
    bio = normalize(bio, NFC), company = normalize(company, NFC), job_title = normalize(job_title, NFC),
    city = normalize(city, NFC), country = normalize(country, NFC)
  WHERE name IS NOT NFC NORMALIZED OR first_name IS NOT NFC NORMALIZED OR last_name IS NOT NFC NORMALIZED
     OR bio IS NOT NFC NORMALIZED OR company IS NOT NFC NORMALIZED OR job_title IS NOT NFC NORMALIZED
     OR city IS NOT NFC NORMALIZED OR country IS NOT NFC NORMALIZED;

-- The display name is 2-80 characters and the bio at most 500 (openapi.yaml: ProfilesDisplayName,
-- ProfilesBio). Earlier routes allowed 1-100 characters: longer names are cut to 80 and a
-- one-character name becomes null (every view allows a null name; inventing a longer one would
-- be a guess). Each such change is reported in normalisation_collisions (field 'name').
INSERT INTO normalisation_collisions (org, field, folded, kept_user_id, other_user_id, other_value)
  SELECT org, 'name', coalesce(left(btrim(name), 80), ''), id, id, name FROM users
   WHERE name IS NOT NULL AND char_length(btrim(name)) NOT BETWEEN 2 AND 80;
UPDATE users SET name = CASE WHEN char_length(btrim(name)) < 2 THEN NULL ELSE btrim(left(btrim(name), 80)) END
  WHERE name IS NOT NULL AND char_length(btrim(name)) NOT BETWEEN 2 AND 80;
UPDATE users SET bio = left(bio, 500) WHERE char_length(bio) > 500;

ALTER TABLE users
  ADD CONSTRAINT users_name_rule CHECK (name IS NULL OR char_length(name) BETWEEN 2 AND 80),
  ADD CONSTRAINT users_bio_rule CHECK (bio IS NULL OR char_length(bio) <= 500);

-- Failed logins are counted by the platform's throttle (platform.throttle) now.
DROP TABLE login_failures;

-- Registration tokens can be revoked by an admin before they are used.
ALTER TABLE registration_tokens ADD COLUMN revoked_at timestamptz, ADD COLUMN revoked_by text;
