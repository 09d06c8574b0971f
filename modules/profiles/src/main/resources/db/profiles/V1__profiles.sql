-- Profiles: every user and community profile of an organisation, their relationships, uploaded
-- images, registration tokens, email verifications and failed-login counters.

-- Words for search: lower case, anything that is not a letter or digit becomes a space, so that
-- "alice@example.com" is the words alice, example and com on both the document and the query side.
CREATE FUNCTION search_words(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT regexp_replace(lower(coalesce(t, '')), '[^[:alnum:]]+', ' ', 'g') $$;

-- A query where every word must match as a prefix; no words: an empty query that matches nothing.
CREATE FUNCTION search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT coalesce(to_tsquery('simple'::regconfig, string_agg(quote_literal(w) || ':*', ' & ')), ''::tsquery)
     FROM regexp_split_to_table(btrim(profiles.search_words(q)), ' +') AS w WHERE w <> '' $$;

CREATE TABLE users (
  org            text NOT NULL,
  -- the JWT subject: a generated UUID for accounts registered here, the external id otherwise
  id             text NOT NULL CHECK (length(id) BETWEEN 1 AND 255),
  -- a stable number for the profile (tnId)
  tn_id          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  type           text NOT NULL DEFAULT 'person' CHECK (type IN ('person', 'community')),
  id_type        text CHECK (id_type IN ('idp', 'domain')),
  -- lower case; null for an account synced from an external issuer that never claimed one
  id_tag         text CHECK (id_tag = lower(id_tag)),
  owner_id       text,
  name           text,
  first_name     text,
  last_name      text,
  -- lower case
  email          text CHECK (email = lower(email)),
  email_verified boolean NOT NULL DEFAULT false,
  password_hash  text,
  roles          text[] NOT NULL DEFAULT '{user}',
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'banned')),
  -- profile picture and cover: /api/file/<fileId> for uploads, or an absolute URL
  image          text,
  cover_image    text,
  bio            text,
  company        text,
  job_title      text,
  city           text,
  country        text,
  interests      text[] NOT NULL DEFAULT '{}',
  social         jsonb NOT NULL DEFAULT '{}',
  -- free extra fields of the profile (the x map)
  x              jsonb NOT NULL DEFAULT '{}',
  -- sensitive: only ever read by the owner's account routes
  phone          text,
  addresses      jsonb NOT NULL DEFAULT '[]',
  payment_refs   jsonb NOT NULL DEFAULT '[]',
  app_domain     text,
  lang           text,
  -- maintained by the trigger below
  search         tsvector,
  name_search    tsvector,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (org, id)
);
-- identity tags and emails are unique within an organisation (case-insensitively: both are stored lower case)
CREATE UNIQUE INDEX users_org_id_tag ON users (org, id_tag) WHERE id_tag IS NOT NULL;
CREATE UNIQUE INDEX users_org_email ON users (org, email) WHERE email IS NOT NULL;
-- the order of every list
CREATE INDEX users_org_tn ON users (org, tn_id);
CREATE INDEX users_org_type_tn ON users (org, type, tn_id);
-- people search (names, email, company, interests) and the profile list's name search
CREATE INDEX users_search ON users USING gin (search);
CREATE INDEX users_name_search ON users USING gin (name_search);
CREATE INDEX users_owner ON users (org, owner_id) WHERE owner_id IS NOT NULL;

CREATE FUNCTION users_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', NEW.name, NEW.first_name,
    NEW.last_name, NEW.email, NEW.company, array_to_string(NEW.interests, ' '))));
  NEW.name_search := to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', NEW.name,
    NEW.first_name, NEW.last_name, NEW.id_tag)));
  RETURN NEW;
END $$;
CREATE TRIGGER users_search BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_search_trigger();

-- One row per direction: what src did towards dst.
CREATE TABLE relationships (
  org        text NOT NULL,
  src        text NOT NULL,
  dst        text NOT NULL,
  following  boolean NOT NULL DEFAULT false,
  blocking   boolean NOT NULL DEFAULT false,
  -- requested: src asked dst to connect; connected: both rows say so
  connection text NOT NULL DEFAULT 'none' CHECK (connection IN ('none', 'requested', 'connected')),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (org, src, dst),
  FOREIGN KEY (org, src) REFERENCES users (org, id) ON DELETE CASCADE,
  FOREIGN KEY (org, dst) REFERENCES users (org, id) ON DELETE CASCADE,
  CHECK (src <> dst)
);
CREATE INDEX relationships_dst ON relationships (org, dst, src);

-- Uploaded images, content addressed: the id is derived from the SHA-256 of the bytes.
CREATE TABLE files (
  org          text NOT NULL,
  id           text NOT NULL,
  content_type text NOT NULL,
  size         integer NOT NULL,
  data         bytea NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (org, id)
);

-- Single-use registration tokens issued by a platform admin (registration mode "token"); only hashes are kept.
CREATE TABLE registration_tokens (
  token_hash text PRIMARY KEY,
  id         uuid NOT NULL UNIQUE,
  org        text NOT NULL,
  note       text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  used_by    text
);
CREATE INDEX registration_tokens_org ON registration_tokens (org, created_at DESC);

CREATE TABLE email_verifications (
  token_hash text PRIMARY KEY,
  org        text NOT NULL,
  user_id    text NOT NULL,
  email      text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  FOREIGN KEY (org, user_id) REFERENCES users (org, id) ON DELETE CASCADE
);
CREATE INDEX email_verifications_user ON email_verifications (org, user_id);

-- Failed logins per account (or per unknown identifier): a window of failures, then a temporary lock.
CREATE TABLE login_failures (
  org          text NOT NULL,
  key          text NOT NULL,
  failures     integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz,
  PRIMARY KEY (org, key)
);
