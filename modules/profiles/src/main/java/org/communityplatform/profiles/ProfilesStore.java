package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL of the profiles module, schema {@code profiles}. */
final class ProfilesStore {

  /** Columns any view may show. Sensitive columns (phone, addresses, payment_refs, password_hash) are not among them. */
  static final String PUBLIC = "u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, "
    + "u.last_name, u.email, u.image, u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, "
    + "u.social, u.x, u.status, u.created_at, u.updated_at";
  /** Everything of the record, for the owner's own views. */
  static final String OWN = PUBLIC + ", u.email_verified, u.roles, u.phone, u.addresses, u.payment_refs, u.lang, "
    + "u.app_domain, (u.password_hash IS NOT NULL) AS has_password";
  /** Like OWN with the owner's tag, for a community. */
  private static final String RETURNING_OWN = OWN.replace("u.", "");

  private final Pool pool;
  private final Clock clock;

  ProfilesStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  Pool pool() {
    return pool;
  }

  OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  // ---------------------------------------------------------------- users

  Future<Row> own(String org, String id) {
    return pool.preparedQuery("SELECT " + OWN + " FROM profiles.users u WHERE u.org = $1 AND u.id = $2")
      .execute(Tuple.of(org, id)).map(ProfilesStore::first);
  }

  Future<Row> byTag(String org, String tag) {
    return pool.preparedQuery("SELECT " + PUBLIC + ", o.id_tag AS owner_tag FROM profiles.users u "
        + "LEFT JOIN profiles.users o ON o.org = u.org AND o.id = u.owner_id WHERE u.org = $1 AND u.id_tag = $2")
      .execute(Tuple.of(org, tag)).map(ProfilesStore::first);
  }

  /** An active person by email, for the public people routes. */
  Future<Row> activePersonByEmail(String org, String email) {
    return pool.preparedQuery("SELECT " + PUBLIC + " FROM profiles.users u WHERE u.org = $1 AND u.email = $2 "
        + "AND u.type = 'person' AND u.status = 'active'")
      .execute(Tuple.of(org, email)).map(ProfilesStore::first);
  }

  Future<Row> personByEmail(String org, String email) {
    return pool.preparedQuery("SELECT " + PUBLIC + " FROM profiles.users u WHERE u.org = $1 AND u.email = $2 "
        + "AND u.type = 'person'")
      .execute(Tuple.of(org, email)).map(ProfilesStore::first);
  }

  Future<Row> publicById(String org, String id) {
    return pool.preparedQuery("SELECT " + PUBLIC + " FROM profiles.users u WHERE u.org = $1 AND u.id = $2")
      .execute(Tuple.of(org, id)).map(ProfilesStore::first);
  }

  /** The account a login names (by tag or email), with its password hash. */
  Future<Row> forLogin(String org, String tag, String email) {
    String where = tag != null ? "u.id_tag = $2" : "u.email = $2";
    return pool.preparedQuery("SELECT " + OWN + ", u.password_hash FROM profiles.users u WHERE u.org = $1 AND "
        + where + " AND u.type = 'person'")
      .execute(Tuple.of(org, tag != null ? tag : email)).map(ProfilesStore::first);
  }

  Future<String> passwordHash(String org, String id) {
    return pool.preparedQuery("SELECT password_hash FROM profiles.users WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  Future<Boolean> tagTaken(String org, String tag) {
    return pool.preparedQuery("SELECT 1 FROM profiles.users WHERE org = $1 AND id_tag = $2")
      .execute(Tuple.of(org, tag)).map(rows -> rows.size() > 0);
  }

  /** Inserts a person registered here; fails with a unique violation when the tag or email is in use. */
  Future<Row> insertPerson(SqlClient c, String org, String id, JsonObject f) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, f.getString("idType"), f.getString("idTag"), f.getString("name"), f.getString("email"))
      .addString(f.getString("passwordHash"))
      .addArrayOfString(f.getJsonArray("roles").stream().map(String::valueOf).toArray(String[]::new))
      .addString(f.getString("appDomain"))
      .addString(f.getString("lang"))
      .addOffsetDateTime(now);
    return c.preparedQuery("INSERT INTO profiles.users (org, id, type, id_type, id_tag, name, email, password_hash, roles, "
        + "app_domain, lang, created_at, updated_at) VALUES ($1, $2, 'person', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) "
        + "RETURNING " + RETURNING_OWN)
      .execute(t).map(ProfilesStore::first);
  }

  Future<Row> insertCommunity(String org, String id, String ownerId, JsonObject f) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, f.getString("idType"), f.getString("idTag"), f.getString("name"), ownerId)
      .addString(f.getString("image"))
      .addString(f.getString("appDomain"))
      .addOffsetDateTime(now);
    return pool.preparedQuery("INSERT INTO profiles.users (org, id, type, id_type, id_tag, name, owner_id, image, "
        + "app_domain, roles, created_at, updated_at) VALUES ($1, $2, 'community', $3, $4, $5, $6, $7, $8, '{}', $9, $9) "
        + "RETURNING " + RETURNING_OWN)
      .execute(t).map(ProfilesStore::first);
  }

  /**
   * Creates the account of a token subject that has none yet. The email is left out when another
   * account of the organisation has it. Answers the row and whether it was created now.
   */
  Future<Map.Entry<Row, Boolean>> provision(String org, String id, String name, String email, String image,
                                            String[] roles) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, name, email, image).addArrayOfString(roles).addOffsetDateTime(now);
    return pool.preparedQuery("INSERT INTO profiles.users (org, id, type, name, email, image, roles, created_at, updated_at) "
        + "SELECT $1::text, $2::text, 'person', $3::text, CASE WHEN EXISTS (SELECT 1 FROM profiles.users "
        + "WHERE org = $1::text AND email = $4::text) THEN NULL ELSE $4::text END, $5::text, $6::text[], $7::timestamptz, "
        + "$7::timestamptz ON CONFLICT (org, id) DO NOTHING RETURNING " + RETURNING_OWN)
      .execute(t)
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture(Map.entry(first(rows), true))
        : own(org, id).map(r -> Map.entry(r, false)));
  }

  /**
   * Creates or refreshes the caller's account from token claims: name, image and email are taken
   * over when given (the email only when no other account of the organisation has it).
   */
  Future<Map.Entry<Row, Boolean>> sync(String org, String id, String name, String email, String image, String[] roles) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, name, email, image).addArrayOfString(roles).addOffsetDateTime(now);
    String freeEmail = "CASE WHEN $4::text IS NULL OR EXISTS (SELECT 1 FROM profiles.users o WHERE o.org = $1::text "
      + "AND o.email = $4::text AND o.id <> $2::text) THEN NULL ELSE $4::text END";
    return pool.preparedQuery("INSERT INTO profiles.users AS u (org, id, type, name, email, image, roles, created_at, updated_at) "
        + "VALUES ($1::text, $2::text, 'person', $3::text, " + freeEmail + ", $5::text, $6::text[], $7::timestamptz, "
        + "$7::timestamptz) ON CONFLICT (org, id) DO UPDATE SET "
        + "name = coalesce($3::text, u.name), image = coalesce($5::text, u.image), "
        + "email = coalesce(" + freeEmail + ", u.email), "
        + "email_verified = u.email_verified AND coalesce(" + freeEmail + ", u.email) IS NOT DISTINCT FROM u.email, "
        + "updated_at = CASE WHEN u.name IS DISTINCT FROM coalesce($3::text, u.name) "
        + "OR u.image IS DISTINCT FROM coalesce($5::text, u.image) "
        + "OR u.email IS DISTINCT FROM coalesce(" + freeEmail + ", u.email) THEN $7::timestamptz ELSE u.updated_at END "
        + "RETURNING " + RETURNING_OWN + ", (xmax = 0) AS inserted")
      .execute(t)
      .map(rows -> {
        Row r = first(rows);
        return Map.entry(r, r.getBoolean("inserted"));
      });
  }

  /** Sets the given columns of one account (values already checked); answers the row after, or null. */
  Future<Row> update(SqlClient c, String org, String id, Map<String, Object> columns) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.of(org, id);
    for (Map.Entry<String, Object> e : columns.entrySet()) {
      t.addValue(e.getValue());
      sets.add(e.getKey() + " = $" + t.size());
    }
    t.addOffsetDateTime(now());
    sets.add("updated_at = $" + t.size());
    return c.preparedQuery("UPDATE profiles.users SET " + String.join(", ", sets)
        + " WHERE org = $1 AND id = $2 RETURNING " + RETURNING_OWN)
      .execute(t).map(ProfilesStore::first);
  }

  Future<Row> update(String org, String id, Map<String, Object> columns) {
    return update(pool, org, id, columns);
  }

  /** Gives the admin role to the account the configuration names (by identity tag or user id). */
  Future<Integer> promoteFirstAdmin(String org, String tagOrId) {
    return pool.preparedQuery("UPDATE profiles.users SET roles = array_append(roles, 'admin') "
        + "WHERE org = $1 AND (id_tag = lower($2) OR id = $2) AND type = 'person' AND NOT ('admin' = ANY(roles))")
      .execute(Tuple.of(org, tagOrId)).map(RowSet::rowCount);
  }

  /** Public profiles by user id, unknown ids left out. */
  Future<RowSet<Row>> lookup(String org, List<String> ids) {
    return pool.preparedQuery("SELECT " + PUBLIC + " FROM profiles.users u WHERE u.org = $1 AND u.id = ANY($2)")
      .execute(Tuple.of(org).addArrayOfString(ids.toArray(new String[0])));
  }

  // ---------------------------------------------------------------- lists

  /** Totals are counted exactly up to this many matches; past it the planner's estimate is answered. */
  static final int EXACT_TOTAL = 10_000;

  /** One page of a list and the number of matches in all. */
  static final class Page {
    final List<Row> rows;
    final long total;
    final boolean exact;

    Page(List<Row> rows, long total, boolean exact) {
      this.rows = rows;
      this.total = total;
      this.exact = exact;
    }
  }

  /**
   * A page of rows and the total, as two queries run side by side: the page alone can stop at its
   * limit (a window count would visit every match), and the count stops at {@link #EXACT_TOTAL}.
   */
  private Future<Page> paged(String select, String fromWhere, Tuple t, String order, int limit, long offset) {
    Future<List<Row>> rows = pool.preparedQuery(select + fromWhere + " ORDER BY " + order + " LIMIT " + limit
        + " OFFSET " + offset).execute(t)
      .map(rs -> {
        List<Row> list = new ArrayList<>();
        rs.forEach(list::add);
        return list;
      });
    Future<long[]> total = pool.preparedQuery("SELECT count(*) FROM (SELECT 1" + fromWhere + " LIMIT "
        + (EXACT_TOTAL + 1) + ") x").execute(t)
      .compose(c -> {
        long n = c.iterator().next().getLong(0);
        if (n <= EXACT_TOTAL) {
          return Future.succeededFuture(new long[] {n, 1});
        }
        return estimate(fromWhere, t).map(e -> new long[] {Math.max(e, EXACT_TOTAL + 1), 0});
      });
    return Future.all(rows, total).map(x -> new Page(rows.result(), total.result()[0], total.result()[1] == 1));
  }

  /** The planner's estimate of the rows a FROM ... WHERE matches (0 when it cannot say). */
  private Future<Long> estimate(String fromWhere, Tuple t) {
    return pool.preparedQuery("EXPLAIN (FORMAT JSON) SELECT 1" + fromWhere).execute(t)
      .map(rs -> {
        Object v = rs.iterator().next().getValue(0);
        JsonArray plan = v instanceof JsonArray ? (JsonArray) v : new JsonArray(String.valueOf(v));
        return plan.getJsonObject(0).getJsonObject("Plan").getNumber("Plan Rows").longValue();
      })
      .recover(err -> Future.succeededFuture(0L));
  }

  /**
   * The profile list as {@code me} sees it: profiles that block {@code me} are left out; each row
   * carries the relationship (out_* from me to it, in_* from it to me).
   */
  Future<Page> listProfiles(String org, String me, JsonObject f, int limit, long offset) {
    Tuple t = Tuple.of(org, me);
    StringBuilder w = new StringBuilder(" FROM profiles.users u "
      + "LEFT JOIN profiles.relationships o ON o.org = u.org AND o.src = $2 AND o.dst = u.id "
      + "LEFT JOIN profiles.relationships i ON i.org = u.org AND i.src = u.id AND i.dst = $2 "
      + "LEFT JOIN profiles.users ow ON ow.org = u.org AND ow.id = u.owner_id "
      + "WHERE u.org = $1 AND NOT coalesce(i.blocking, false)");
    t.addArrayOfString(f.getJsonArray("status").stream().map(String::valueOf).toArray(String[]::new));
    w.append(" AND u.status = ANY($").append(t.size()).append(")");
    if (f.getString("type") != null) {
      t.addString(f.getString("type"));
      w.append(" AND u.type = $").append(t.size());
    }
    if (f.getBoolean("following") != null) {
      t.addBoolean(f.getBoolean("following"));
      w.append(" AND coalesce(o.following, false) = $").append(t.size());
    }
    String connected = f.getString("connected");
    if ("connected".equals(connected)) {
      w.append(" AND o.connection = 'connected'");
    } else if ("pending".equals(connected)) {
      w.append(" AND (o.connection = 'requested' OR i.connection = 'requested')");
    } else if ("disconnected".equals(connected)) {
      w.append(" AND coalesce(o.connection, 'none') = 'none' AND coalesce(i.connection, 'none') = 'none'");
    }
    if (f.getString("q") != null) {
      t.addString(f.getString("q"));
      w.append(" AND u.name_search @@ profiles.search_query($").append(t.size()).append(")");
    }
    if (f.getString("idTag") != null) {
      t.addString(f.getString("idTag"));
      w.append(" AND u.id_tag = $").append(t.size());
    }
    String select = "SELECT " + PUBLIC + ", ow.id_tag AS owner_tag, coalesce(o.following, false) AS out_following, "
      + "coalesce(o.blocking, false) AS out_blocking, coalesce(o.connection, 'none') AS out_connection, "
      + "coalesce(i.following, false) AS in_following, coalesce(i.connection, 'none') AS in_connection";
    return paged(select, w.toString(), t, "u.tn_id", limit, offset);
  }

  /**
   * People search: active persons whose words start with every word of q, optionally only among
   * {@code ids}; persons blocking {@code me} are left out when there is a caller.
   */
  Future<Page> searchPeople(String org, String q, List<String> ids, String me, int limit,
                                                  long offset) {
    Tuple t = Tuple.of(org);
    StringBuilder w = new StringBuilder(" FROM profiles.users u WHERE u.org = $1 AND u.type = 'person' "
      + "AND u.status = 'active'");
    if (q != null) {
      t.addString(q);
      w.append(" AND u.search @@ profiles.search_query($").append(t.size()).append(")");
    }
    if (ids != null) {
      t.addArrayOfString(ids.toArray(new String[0]));
      w.append(" AND u.id = ANY($").append(t.size()).append(")");
    }
    if (me != null) {
      t.addString(me);
      w.append(" AND NOT EXISTS (SELECT 1 FROM profiles.relationships b WHERE b.org = u.org AND b.src = u.id "
        + "AND b.dst = $").append(t.size()).append(" AND b.blocking)");
    }
    return paged("SELECT " + PUBLIC, w.toString(), t, "u.tn_id", limit, offset);
  }

  // ---------------------------------------------------------------- relationships

  /** One direction of a relationship; absent rows read as all defaults. */
  static final class Direction {
    boolean following;
    boolean blocking;
    String connection = "none";
    boolean changed;
  }

  /** Serialises changes to one pair of profiles (in either direction) and reads both directions. */
  Future<Direction[]> lockPair(SqlConnection c, String org, String a, String b) {
    String pair = a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))").execute(Tuple.of(org, pair))
      .compose(x -> readPair(c, org, a, b));
  }

  /** Both directions between a and b: [a towards b, b towards a]. */
  Future<Direction[]> readPair(SqlConnection c, String org, String a, String b) {
    return c.preparedQuery("SELECT src, following, blocking, connection FROM profiles.relationships "
        + "WHERE org = $1 AND ((src = $2 AND dst = $3) OR (src = $3 AND dst = $2))")
      .execute(Tuple.of(org, a, b))
      .map(rows -> {
        Direction out = new Direction();
        Direction in = new Direction();
        for (Row r : rows) {
          Direction d = r.getString("src").equals(a) ? out : in;
          d.following = r.getBoolean("following");
          d.blocking = r.getBoolean("blocking");
          d.connection = r.getString("connection");
        }
        return new Direction[] {out, in};
      });
  }

  Future<Void> saveDirection(SqlConnection c, String org, String src, String dst, Direction d, OffsetDateTime now) {
    if (!d.changed) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("INSERT INTO profiles.relationships (org, src, dst, following, blocking, connection, updated_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org, src, dst) DO UPDATE SET following = EXCLUDED.following, "
        + "blocking = EXCLUDED.blocking, connection = EXCLUDED.connection, updated_at = EXCLUDED.updated_at")
      .execute(Tuple.of(org, src, dst, d.following, d.blocking, d.connection).addOffsetDateTime(now))
      .mapEmpty();
  }

  // ---------------------------------------------------------------- files

  /** Stores an image once per organisation and content; answers nothing new when it is already there. */
  Future<Void> putFile(String org, String id, String contentType, byte[] data, String by) {
    return pool.preparedQuery("INSERT INTO profiles.files (org, id, content_type, size, data, created_by, created_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org, id) DO NOTHING")
      .execute(Tuple.of(org, id, contentType, data.length, Buffer.buffer(data), by).addOffsetDateTime(now()))
      .mapEmpty();
  }

  /** A file's type and, unless {@code withData} is false, its bytes; null when unknown. */
  Future<Row> file(String org, String id, boolean withData) {
    return pool.preparedQuery("SELECT content_type" + (withData ? ", data" : "") + " FROM profiles.files "
        + "WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id)).map(ProfilesStore::first);
  }

  // ---------------------------------------------------------------- registration tokens

  Future<JsonObject> createRegistrationToken(String org, String hash, String createdBy, String note, int hours) {
    OffsetDateTime now = now();
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("INSERT INTO profiles.registration_tokens (token_hash, id, org, note, created_by, "
        + "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, note, created_by, created_at, "
        + "expires_at, used_at, used_by")
      .execute(Tuple.of(hash, id, org, note, createdBy, now).addOffsetDateTime(now.plusHours(hours)))
      .map(rows -> Views.registrationToken(first(rows)));
  }

  Future<Page> listRegistrationTokens(String org, int limit, long offset) {
    return paged("SELECT id, note, created_by, created_at, expires_at, used_at, used_by",
      " FROM profiles.registration_tokens WHERE org = $1", Tuple.of(org), "created_at DESC, id", limit, offset);
  }

  /** Marks a live token used; false when it is unknown, used or expired. */
  Future<Boolean> consumeRegistrationToken(SqlClient c, String org, String hash, String userId) {
    OffsetDateTime now = now();
    return c.preparedQuery("UPDATE profiles.registration_tokens SET used_at = $3, used_by = $4 "
        + "WHERE token_hash = $1 AND org = $2 AND used_at IS NULL AND expires_at > $3")
      .execute(Tuple.of(hash, org, now, userId)).map(r -> r.rowCount() == 1);
  }

  // ---------------------------------------------------------------- email verification

  Future<Void> createEmailVerification(SqlClient c, String org, String userId, String email, String hash, int hours) {
    OffsetDateTime now = now();
    return c.preparedQuery("INSERT INTO profiles.email_verifications (token_hash, org, user_id, email, created_at, "
        + "expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
      .execute(Tuple.of(hash, org, userId, email, now, now.plusHours(hours))).mapEmpty();
  }

  /**
   * Uses a verification token and marks the address verified; null when the token is not usable.
   * The token names its organisation, so the answer carries {@code org} too.
   */
  Future<Row> consumeEmailVerification(String hash) {
    OffsetDateTime now = now();
    return pool.withTransaction(c -> c.preparedQuery("UPDATE profiles.email_verifications SET used_at = $2 "
          + "WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING org, user_id, email")
        .execute(Tuple.of(hash, now))
        .compose(rows -> {
          Row v = first(rows);
          if (v == null) {
            return Future.succeededFuture(null);
          }
          return c.preparedQuery("UPDATE profiles.users SET email_verified = true, updated_at = $4 "
              + "WHERE org = $1 AND id = $2 AND email = $3 RETURNING org, " + RETURNING_OWN)
            .execute(Tuple.of(v.getString("org"), v.getString("user_id"), v.getString("email"), now))
            .map(ProfilesStore::first);
        }));
  }

  // ---------------------------------------------------------------- failed logins

  /** When the key is locked: until when; otherwise null. */
  Future<OffsetDateTime> lockedUntil(String org, String key) {
    return pool.preparedQuery("SELECT locked_until FROM profiles.login_failures WHERE org = $1 AND key = $2 "
        + "AND locked_until > $3")
      .execute(Tuple.of(org, key, now()))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0));
  }

  /**
   * Counts a failure. Failures older than the window, or from before a lock that has run out, start
   * the count afresh; reaching {@code max} locks the key for {@code lockSeconds}.
   */
  Future<Void> recordFailure(String org, String key, int max, int windowSeconds, int lockSeconds) {
    OffsetDateTime now = now();
    String reset = "(f.window_start < $5::timestamptz OR (f.locked_until IS NOT NULL AND f.locked_until <= $3::timestamptz))";
    String count = "(CASE WHEN " + reset + " THEN 1 ELSE f.failures + 1 END)";
    return pool.preparedQuery("INSERT INTO profiles.login_failures AS f (org, key, failures, window_start, locked_until) "
        + "VALUES ($1, $2, 1, $3::timestamptz, CASE WHEN $4::int <= 1 THEN $6::timestamptz END) "
        + "ON CONFLICT (org, key) DO UPDATE SET "
        + "failures = " + count + ", "
        + "window_start = CASE WHEN " + reset + " THEN $3::timestamptz ELSE f.window_start END, "
        + "locked_until = CASE WHEN " + count + " >= $4::int THEN $6::timestamptz ELSE NULL END")
      .execute(Tuple.of(org, key, now, max, now.minusSeconds(windowSeconds), now.plusSeconds(lockSeconds)))
      .mapEmpty();
  }

  Future<Void> clearFailures(String org, String key) {
    return pool.preparedQuery("DELETE FROM profiles.login_failures WHERE org = $1 AND key = $2")
      .execute(Tuple.of(org, key)).mapEmpty();
  }

  static Map<String, Object> columns() {
    return new LinkedHashMap<>();
  }

  static JsonArray strings(Row r, String column) {
    String[] values = r.getArrayOfStrings(column);
    JsonArray a = new JsonArray();
    if (values != null) {
      for (String v : values) {
        a.add(v);
      }
    }
    return a;
  }
}
