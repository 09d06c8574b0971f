-- People search for a caller who may not see the addresses: the searched words without the email,
-- kept by the same trigger and indexed, so that leaving addresses out costs an index lookup instead
-- of recomputing the words of every match (the count of a common name reads thousands of rows).
ALTER TABLE users ADD COLUMN public_search tsvector;

CREATE OR REPLACE FUNCTION users_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', NEW.name, NEW.first_name,
    NEW.last_name, NEW.email, NEW.company, array_to_string(NEW.interests, ' '))));
  NEW.public_search := to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', NEW.name,
    NEW.first_name, NEW.last_name, NEW.company, array_to_string(NEW.interests, ' '))));
  NEW.name_search := to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', NEW.name,
    NEW.first_name, NEW.last_name, NEW.id_tag)));
  RETURN NEW;
END $$;

UPDATE users SET public_search = to_tsvector('simple'::regconfig, profiles.search_words(concat_ws(' ', name,
  first_name, last_name, company, array_to_string(interests, ' '))));

CREATE INDEX users_public_search ON users USING gin (public_search);
