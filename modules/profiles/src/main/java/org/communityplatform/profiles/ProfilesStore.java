package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SQL of the accounts and profiles themselves (table {@code profiles.users}). */
final class ProfilesStore {

  /** Columns any view may show. Sensitive columns (phone, addresses, payment_refs, password_hash) are not among them. */
  static final String PUBLIC = "u.id, u.tn_id, u.type, u.id_type, u.id_tag, u.owner_id, u.name, u.first_name, "
    + "u.last_name, u.email, u.image, u.cover_image, u.bio, u.company, u.job_title, u.city, u.country, u.interests, "
    + "u.social, u.x, u.status, u.created_at, u.updated_at";
  /** Everything of the record, for the owner's own views. */
  static final String OWN = PUBLIC + ", u.email_verified, u.roles, u.phone, u.addresses, u.payment_refs, u.lang, "
    + "u.app_domain, (u.password_hash IS NOT NULL) AS has_password";
  /** Like OWN with the owner's tag, for a community. */
  static final String RETURNING_OWN = OWN.replace("u.", "");

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
    return own(pool, org, id);
  }

  Future<Row> own(SqlClient c, String org, String id) {
    return c.preparedQuery("SELECT " + OWN + " FROM profiles.users u WHERE u.org = $1 AND u.id = $2")
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
    return pool.preparedQuery("SELECT " + PUBLIC + ", u.email_verified FROM profiles.users u WHERE u.org = $1 "
        + "AND u.email = $2 AND u.type = 'person'")
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

  Future<Row> insertCommunity(SqlClient c, String org, String id, String ownerId, JsonObject f) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, f.getString("idType"), f.getString("idTag"), f.getString("name"), ownerId)
      .addString(f.getString("image"))
      .addString(f.getString("appDomain"))
      .addOffsetDateTime(now);
    return c.preparedQuery("INSERT INTO profiles.users (org, id, type, id_type, id_tag, name, owner_id, image, "
        + "app_domain, roles, created_at, updated_at) VALUES ($1, $2, 'community', $3, $4, $5, $6, $7, $8, '{}', $9, $9) "
        + "RETURNING " + RETURNING_OWN)
      .execute(t).map(ProfilesStore::first);
  }

  /**
   * Creates the account of a token subject that has none yet. The email is left out when another
   * account of the organisation has it. Answers the row and whether it was created now.
   */
  Future<Map.Entry<Row, Boolean>> provision(SqlClient c, String org, String id, String name, String email, String image,
                                            String[] roles) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, name, email, image).addArrayOfString(roles).addOffsetDateTime(now);
    return c.preparedQuery("INSERT INTO profiles.users (org, id, type, name, email, image, roles, created_at, updated_at) "
        + "SELECT $1::text, $2::text, 'person', $3::text, CASE WHEN EXISTS (SELECT 1 FROM profiles.users "
        + "WHERE org = $1::text AND email = $4::text) THEN NULL ELSE $4::text END, $5::text, $6::text[], $7::timestamptz, "
        + "$7::timestamptz ON CONFLICT (org, id) DO NOTHING RETURNING " + RETURNING_OWN)
      .execute(t)
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture(Map.entry(first(rows), true))
        : own(c, org, id).map(r -> Map.entry(r, false)));
  }

  /**
   * Creates or refreshes the caller's account from token claims: name, image and email are taken
   * over when given (the email only when no other account of the organisation has it).
   */
  Future<Map.Entry<Row, Boolean>> sync(SqlClient c, String org, String id, String name, String email, String image,
                                       String[] roles) {
    OffsetDateTime now = now();
    Tuple t = Tuple.of(org, id, name, email, image).addArrayOfString(roles).addOffsetDateTime(now);
    String freeEmail = "CASE WHEN $4::text IS NULL OR EXISTS (SELECT 1 FROM profiles.users o WHERE o.org = $1::text "
      + "AND o.email = $4::text AND o.id <> $2::text) THEN NULL ELSE $4::text END";
    return c.preparedQuery("INSERT INTO profiles.users AS u (org, id, type, name, email, image, roles, created_at, updated_at) "
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

  /** Locks the account's row for a change of its extra fields; answers the stored extra fields. */
  Future<JsonObject> lockExtra(SqlClient c, String org, String id) {
    return c.preparedQuery("SELECT x FROM profiles.users WHERE org = $1 AND id = $2 FOR UPDATE")
      .execute(Tuple.of(org, id))
      .map(rows -> {
        Object v = rows.size() == 0 ? null : rows.iterator().next().getValue("x");
        return v instanceof JsonObject ? ((JsonObject) v).copy() : new JsonObject();
      });
  }

  /** Public profiles by user id, unknown ids left out. */
  Future<RowSet<Row>> lookup(String org, List<String> ids) {
    return pool.preparedQuery("SELECT " + PUBLIC + " FROM profiles.users u WHERE u.org = $1 AND u.id = ANY($2)")
      .execute(Tuple.of(org).addArrayOfString(ids.toArray(new String[0])));
  }

  /** Like {@link #lookup} with {@code roles} too: what {@link ProfileCache} keeps of a row. */
  Future<RowSet<Row>> lookupForCache(String org, List<String> ids) {
    return pool.preparedQuery("SELECT " + PUBLIC + ", u.roles FROM profiles.users u WHERE u.org = $1 AND u.id = ANY($2)")
      .execute(Tuple.of(org).addArrayOfString(ids.toArray(new String[0])));
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
