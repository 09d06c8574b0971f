package org.communityplatform.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Organisation API tokens ({@code x-api-token}): each belongs to exactly one organisation; only the
 * SHA-256 of its secret is stored ({@code platform.api_tokens}). The bootstrap token of
 * {@code auth.apiToken} acts for {@code auth.apiTokenOrg}. Writes take the caller's connection, so
 * the administrative act and its audit entry commit together.
 */
public final class ApiTokens {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_LENGTH = 512;

  private final Pool pool;
  private final String bootstrapHash;
  private final String bootstrapOrg;
  /** Organisation of each live token hash; a revocation on any node evicts it (see {@link #forget}). */
  private final Cache<String, String> orgByHash = Caffeine.newBuilder().maximumSize(10_000).build();
  private Consumer<JsonObject> announcer = e -> { };

  ApiTokens(Pool pool, String bootstrapToken, String bootstrapOrg) {
    this.pool = pool;
    this.bootstrapHash = bootstrapToken == null || bootstrapToken.isBlank() ? null : PlatformAuth.sha256(bootstrapToken);
    this.bootstrapOrg = bootstrapOrg;
  }

  void announceWith(Consumer<JsonObject> announcer) {
    this.announcer = announcer;
  }

  /** The organisation a token acts for; fails with 401 when it is unknown or revoked. */
  public Future<String> verify(String token) {
    if (token == null || token.isBlank() || token.length() > MAX_LENGTH) {
      return Future.failedFuture(ApiError.unauthorized("a valid x-api-token header is required"));
    }
    String hash = PlatformAuth.sha256(token);
    if (hash.equals(bootstrapHash)) {
      return Future.succeededFuture(bootstrapOrg);
    }
    String cached = orgByHash.getIfPresent(hash);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return pool.preparedQuery("SELECT org FROM platform.api_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
      .execute(Tuple.of(hash))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(ApiError.unauthorized("the x-api-token is unknown or revoked"));
        }
        String org = rows.iterator().next().getString(0);
        orgByHash.put(hash, org);
        return Future.succeededFuture(org);
      });
  }

  /**
   * Creates a token of {@code org} on {@code conn}: {@code {id, name, token, createdAt}}; the secret
   * appears only in this answer.
   */
  public Future<JsonObject> create(SqlClient conn, String org, String name, String createdBy) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "cpt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    UUID id = UUID.randomUUID();
    return conn.preparedQuery("INSERT INTO platform.api_tokens (id, org, name, token_hash, created_by) "
        + "VALUES ($1, $2, $3, $4, $5) RETURNING created_at")
      .execute(Tuple.of(id, org, name, PlatformAuth.sha256(token), createdBy))
      .map(rows -> new JsonObject().put("id", id.toString()).put("name", name).put("token", token)
        .put("createdAt", rows.iterator().next().getOffsetDateTime(0).toString()));
  }

  /** The tokens of {@code org}, newest first, without secrets: {@code {data, total}}. */
  public Future<JsonObject> list(String org) {
    return pool.preparedQuery("SELECT id, name, created_by, created_at, revoked_at FROM platform.api_tokens "
        + "WHERE org = $1 ORDER BY created_at DESC LIMIT 500")
      .execute(Tuple.of(org))
      .map(rows -> {
        JsonArray data = new JsonArray();
        rows.forEach(r -> data.add(new JsonObject().put("id", r.getUUID(0).toString()).put("name", r.getString(1))
          .put("createdBy", r.getString(2)).put("createdAt", r.getOffsetDateTime(3).toString())
          .put("revokedAt", r.getOffsetDateTime(4) == null ? null : r.getOffsetDateTime(4).toString())));
        return new JsonObject().put("data", data).put("total", data.size());
      });
  }

  /**
   * Revokes a live token of {@code org} on {@code conn}; completes with its name, or null when
   * {@code org} has no such live token. Call {@link #forget} once the transaction committed.
   */
  public Future<JsonObject> revoke(SqlClient conn, String org, UUID id) {
    return conn.preparedQuery("UPDATE platform.api_tokens SET revoked_at = now() WHERE id = $1 AND org = $2 "
        + "AND revoked_at IS NULL RETURNING token_hash, name")
      .execute(Tuple.of(id, org))
      .map(rows -> rows.size() == 0 ? null : new JsonObject().put("hash", rows.iterator().next().getString(0))
        .put("name", rows.iterator().next().getString(1)));
  }

  /** Stops a revoked token working on every node at once (their caches drop it). */
  public void forget(String tokenHash) {
    announcer.accept(new JsonObject().put("apiTokenHash", tokenHash));
  }

  void evict(JsonObject revocationEvent) {
    String hash = revocationEvent.getString("apiTokenHash");
    if (hash != null) {
      orgByHash.invalidate(hash);
    }
  }
}
