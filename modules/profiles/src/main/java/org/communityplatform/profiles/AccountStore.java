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

/** SQL of the account's secrets and uploads: password hashes, registration tokens, email verifications, image files. */
final class AccountStore {

  private static final String TOKEN_COLUMNS = "id, note, created_by, created_at, expires_at, used_at, used_by, revoked_at";

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

  /**
   * Stores an image once per organisation and content. When it is already there the row is only locked
   * (a no-op update), so a concurrent {@link #deleteFileIfUnused} of it waits for this transaction and
   * then sees the profile that now refers to it.
   */
  Future<Void> putFile(SqlClient c, String org, String id, String contentType, byte[] data, String by) {
    return c.preparedQuery("INSERT INTO profiles.files (org, id, content_type, size, data, created_by, created_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org, id) DO UPDATE SET size = profiles.files.size")
      .execute(Tuple.of(org, id, contentType, data.length, Buffer.buffer(data), by).addOffsetDateTime(now()))
      .mapEmpty();
  }

  /** The profile's image column ({@code image} or {@code cover_image}) as it is now, its row locked; null when unset. */
  Future<String> imageOf(SqlClient c, String org, String userId, String column) {
    String col = column.equals("image") ? "image" : "cover_image";
    return c.preparedQuery("SELECT " + col + " FROM profiles.users WHERE org = $1 AND id = $2 FOR UPDATE")
      .execute(Tuple.of(org, userId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /**
   * Deletes the file {@code id} when no profile of the organisation refers to {@code url} (its image or
   * cover) any more. The file row is locked first, in a statement of its own, so the reference check
   * after it sees an upload of the same bytes that committed meanwhile.
   */
  Future<Void> deleteFileIfUnused(SqlClient c, String org, String id, String url) {
    return c.preparedQuery("SELECT 1 FROM profiles.files WHERE org = $1 AND id = $2 FOR UPDATE").execute(Tuple.of(org, id))
      .compose(x -> c.preparedQuery("DELETE FROM profiles.files WHERE org = $1 AND id = $2 AND NOT EXISTS "
          + "(SELECT 1 FROM profiles.users u WHERE u.org = $1 AND (u.image = $3 OR u.cover_image = $3))")
        .execute(Tuple.of(org, id, url)))
      .mapEmpty();
  }

  /** A file's type and, unless {@code withData} is false, its bytes; null when unknown. */
  Future<Row> file(String org, String id, boolean withData) {
    return pool.preparedQuery("SELECT content_type" + (withData ? ", data" : "") + " FROM profiles.files "
        + "WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id)).map(ProfilesStore::first);
  }

  // ---------------------------------------------------------------- registration tokens

  Future<JsonObject> createRegistrationToken(SqlClient c, String org, String hash, String createdBy, String note,
                                            int hours) {
    OffsetDateTime now = now();
    UUID id = UUID.randomUUID();
    return c.preparedQuery("INSERT INTO profiles.registration_tokens (token_hash, id, org, note, created_by, "
        + "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + TOKEN_COLUMNS)
      .execute(Tuple.of(hash, id, org, note, createdBy, now).addOffsetDateTime(now.plusHours(hours)))
      .map(rows -> Views.registrationToken(ProfilesStore.first(rows)));
  }

  Future<DirectoryStore.Page> listRegistrationTokens(String org, int limit, long offset) {
    return directory.paged("SELECT " + TOKEN_COLUMNS,
      " FROM profiles.registration_tokens WHERE org = $1", Tuple.of(org), "created_at DESC, id", limit, offset);
  }

  /**
   * Revokes a token of the organisation unless used or revoked already; answers the token with
   * {@code revokedNow} (false when nothing changed), or null when there is no such token.
   */
  Future<JsonObject> revokeRegistrationToken(SqlClient c, String org, UUID id, String by) {
    return c.preparedQuery("UPDATE profiles.registration_tokens SET revoked_at = $3, revoked_by = $4 "
        + "WHERE org = $1 AND id = $2 AND used_at IS NULL AND revoked_at IS NULL RETURNING " + TOKEN_COLUMNS)
      .execute(Tuple.of(org, id, now(), by))
      .compose(rows -> rows.size() > 0
        ? Future.succeededFuture(Views.registrationToken(ProfilesStore.first(rows)).put("revokedNow", true))
        : c.preparedQuery("SELECT " + TOKEN_COLUMNS + " FROM profiles.registration_tokens WHERE org = $1 AND id = $2")
          .execute(Tuple.of(org, id))
          .map(all -> all.size() == 0 ? null
            : Views.registrationToken(ProfilesStore.first(all)).put("revokedNow", false)));
  }

  /** Marks a live token used; false when it is unknown, used, revoked or expired. */
  Future<Boolean> consumeRegistrationToken(SqlClient c, String org, String hash, String userId) {
    OffsetDateTime now = now();
    return c.preparedQuery("UPDATE profiles.registration_tokens SET used_at = $3, used_by = $4 "
        + "WHERE token_hash = $1 AND org = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3")
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
  Future<Row> consumeEmailVerification(SqlClient c, String hash) {
    OffsetDateTime now = now();
    return c.preparedQuery("UPDATE profiles.email_verifications SET used_at = $2 "
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
        });
  }
}
