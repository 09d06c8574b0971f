-- Every change or removal of a profile row is announced on channel 'profiles_changed' (payload: the
-- org and the id, separated by a newline). PostgreSQL delivers it at commit to every listening
-- connection, so each node drops its in-memory copy of that profile, whoever wrote it. Inserts are
-- not announced: nothing can be cached of a row that did not exist.
CREATE FUNCTION notify_profile_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('profiles_changed', OLD.org || E'\n' || OLD.id);
  RETURN NULL;
END
$$;

CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_profile_changed();
