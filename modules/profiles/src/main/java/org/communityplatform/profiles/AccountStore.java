package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL of the account's secrets and uploads: registration tokens, email verifications, failed logins, image files. */
final class AccountStore {

  private final Pool pool;
  private final ProfilesStore users;
  private final DirectoryStore directory;

  AccountStore(Pool pool, ProfilesStore users, DirectoryStore directory) {
    this.pool = pool;
    this.users = users;
    this.directory = directory;
  }

  private OffsetDateTime now() {
    return users.now();
  }

  Future<String> passwordHash(String org, String id) {
    return pool.preparedQuery("SELECT password_hash FROM profiles.users WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  // ---------------------------------------------------------------- files

  /** Stores an image once per organisation and content; answers nothing new when it is already there. */
  Future<Void> putFile(SqlClient c, String org, String id, String contentType, byte[] data, String by) {
    return c.preparedQuery("INSERT INTO profiles.files (org, id, content_type, size, data, created_by, created_at) "
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
      .map(rows -> Views.registrationToken(ProfilesStore.first(rows)));
  }

  Future<DirectoryStore.Page> listRegistrationTokens(String org, int limit, long offset) {
    return directory.paged("SELECT id, note, created_by, created_at, expires_at, used_at, used_by",
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
          Row v = ProfilesStore.first(rows);
          if (v == null) {
            return Future.succeededFuture(null);
          }
          return c.preparedQuery("UPDATE profiles.users SET email_verified = true, updated_at = $4 "
              + "WHERE org = $1 AND id = $2 AND email = $3 RETURNING org, " + ProfilesStore.RETURNING_OWN)
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

}
