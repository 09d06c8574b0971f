-- A join in one call (issue 16): the community row's lock (the lock a ban takes), the ban check and
-- add_member, so the join holds that lock for one round trip fewer. In a VOLATILE plpgsql function
-- under READ COMMITTED every statement takes a new snapshot: the ban check after the lock sees a ban
-- committed by the transaction the lock waited for, as the separate statements did before.
-- out_banned: a ban is in force (nothing added; out_banned_until is its end, null for a permanent one).
-- No row at all: the community does not exist in that organisation.
CREATE FUNCTION join_member(p_community uuid, p_org text, p_user text, p_role text, p_now timestamptz)
RETURNS TABLE (out_role text, out_joined_at timestamptz, out_created boolean, out_banned boolean, out_banned_until timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  b record;
BEGIN
  PERFORM 1 FROM communities.communities cc WHERE cc.id = p_community AND cc.org = p_org FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT s.expires_at INTO b FROM communities.bans s
    WHERE s.community_id = p_community AND s.user_id = p_user AND (s.expires_at IS NULL OR s.expires_at > p_now);
  IF FOUND THEN
    RETURN QUERY SELECT NULL::text, NULL::timestamptz, false, true, b.expires_at;
    RETURN;
  END IF;
  RETURN QUERY SELECT a.out_role, a.out_joined_at, a.out_created, false, NULL::timestamptz
    FROM communities.add_member(p_community, p_org, p_user, p_role, p_now) a;
END
$$;
