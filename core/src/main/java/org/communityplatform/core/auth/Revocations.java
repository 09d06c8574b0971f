package org.communityplatform.core.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Tokens that stopped working before their expiry: one token by its {@code jti} (logout), or every
 * token issued to a subject before an instant (suspension, ban, password change). Kept in
 * PostgreSQL ({@code platform.revoked_tokens}, {@code platform.subject_revocations}) and mirrored in
 * memory on every node through the {@value #ADDRESS} broadcast, so a check costs no query.
 */
final class Revocations {

  static final String ADDRESS = "platform.auth.revoked";

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final Map<String, Long> revokedJti = new ConcurrentHashMap<>();
  private final Map<String, Long> subjectNotBefore = new ConcurrentHashMap<>();
  private final Consumer<JsonObject> also;

  /** @param also told of every revocation event (the API token cache listens for its own kind) */
  Revocations(Vertx vertx, Pool pool, Clock clock, Consumer<JsonObject> also) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    this.also = also;
  }

  /** Loads the live revocations (dropping expired ones) and listens for those of other nodes. */
  Future<Void> start() {
    vertx.eventBus().<JsonObject>consumer(ADDRESS, msg -> apply(msg.body()));
    return pool.query("DELETE FROM platform.revoked_tokens WHERE expires_at < now()").execute()
      .compose(x -> pool.query("SELECT jti, expires_at FROM platform.revoked_tokens").execute())
      .compose(rows -> {
        rows.forEach(r -> revokedJti.put(r.getString(0), r.getOffsetDateTime(1).toInstant().toEpochMilli()));
        return pool.query("SELECT sub, not_before FROM platform.subject_revocations").execute();
      })
      .map(rows -> {
        rows.forEach(r -> subjectNotBefore.put(r.getString(0), r.getOffsetDateTime(1).toInstant().toEpochMilli()));
        return null;
      });
  }

  private void apply(JsonObject event) {
    if (event.getString("jti") != null) {
      revokedJti.put(event.getString("jti"), event.getLong("expiresAt", 0L));
    }
    if (event.getString("sub") != null) {
      subjectNotBefore.merge(event.getString("sub"), event.getLong("notBefore", 0L), Math::max);
    }
    also.accept(event);
  }

  /** Records {@code event} here and tells every other node. */
  void announce(JsonObject event) {
    apply(event);
    vertx.eventBus().publish(ADDRESS, event);
  }

  /**
   * Whether the token of {@code principal} (user id {@code sub}, its claims with {@code jti} and
   * {@code iatms}/{@code iat}) has been revoked.
   */
  boolean revoked(String sub, JsonObject claims) {
    Object jti = claims.getValue("jti");
    if (jti instanceof String && revokedJti.containsKey(jti)) {
      return true;
    }
    Long notBefore = subjectNotBefore.get(sub);
    if (notBefore == null) {
      return false;
    }
    Object iatms = claims.getValue("iatms");
    Object iat = claims.getValue("iat");
    long issued = iatms instanceof Number ? ((Number) iatms).longValue()
      : iat instanceof Number ? ((Number) iat).longValue() * 1000 : 0L;
    return issued < notBefore;
  }

  /** Makes one token stop working (logout). */
  Future<Void> revokeToken(String jti, long expiresAtEpochSeconds) {
    OffsetDateTime exp = OffsetDateTime.ofInstant(Instant.ofEpochSecond(expiresAtEpochSeconds), ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO platform.revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
      .execute(Tuple.of(jti, exp))
      .map(r -> {
        announce(new JsonObject().put("jti", jti).put("expiresAt", expiresAtEpochSeconds * 1000));
        return null;
      });
  }

  /** Makes every token issued to {@code sub} until now (platform clock) stop working. */
  Future<Void> revokeSubject(String sub) {
    long now = clock.millis();
    OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO platform.subject_revocations (sub, not_before) VALUES ($1, $2) "
        + "ON CONFLICT (sub) DO UPDATE SET not_before = GREATEST(platform.subject_revocations.not_before, EXCLUDED.not_before)")
      .execute(Tuple.of(sub, at))
      .map(r -> {
        announce(new JsonObject().put("sub", sub).put("notBefore", now));
        return null;
      });
  }
}
