package org.communityplatform.core.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Identity for the whole node: verifies JWTs (the platform's own, HS256, and those of configured
 * external issuers, by PEM key, secret or JWKS), issues the platform's own tokens, keeps revocations
 * (logout, suspension) and organisation API tokens. Revocations live in PostgreSQL and are mirrored
 * in memory on every node through the {@value #REVOKED_ADDRESS} broadcast.
 */
public final class PlatformAuth {

  private static final Logger LOG = LoggerFactory.getLogger(PlatformAuth.class);
  public static final String REVOKED_ADDRESS = "platform.auth.revoked";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;
  private final JWTAuth own;
  private final Map<String, JWTAuth> external = new ConcurrentHashMap<>();
  private final Map<String, Long> revokedJti = new ConcurrentHashMap<>();
  private final Map<String, Long> subjectNotBefore = new ConcurrentHashMap<>();
  private final Map<String, String> apiTokenOrg = new ConcurrentHashMap<>();
  /** Tokens already verified, so a signature is checked once per token rather than per request. */
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();
  private static final int VERIFIED_CACHE_MAX = 50_000;
  private final int ownLeeway;
  private final Map<String, Integer> externalLeeway = new ConcurrentHashMap<>();
  private final String bootstrapTokenHash;
  private final String bootstrapOrg;

  private PlatformAuth(Vertx vertx, Pool pool, Clock clock, JsonObject auth, String secret) {
    this.vertx = vertx;
    this.pool = pool;
    this.clock = clock;
    JsonObject jwt = auth.getJsonObject("jwt");
    this.issuer = jwt.getString("issuer");
    this.audience = jwt.getString("audience", "");
    this.ttlSeconds = jwt.getInteger("tokenTtlSeconds", 3600);
    this.ownLeeway = jwt.getInteger("clockSkewSeconds", 30);
    JWTOptions verify = new JWTOptions().setIssuer(issuer).setLeeway(ownLeeway);
    if (!audience.isBlank()) {
      verify.setAudience(List.of(audience));
    }
    this.own = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(verify));
    String boot = auth.getString("apiToken", "");
    this.bootstrapTokenHash = boot.isBlank() ? null : sha256(boot);
    this.bootstrapOrg = auth.getString("apiTokenOrg", "default");
  }

  /** Builds the node's auth: loads or generates the signing key, external issuers, and revocations. */
  public static Future<PlatformAuth> create(Vertx vertx, Pool pool, Clock clock, JsonObject config) {
    JsonObject auth = config.getJsonObject("auth");
    String configured = auth.getJsonObject("jwt").getString("secret", "");
    Future<String> secret = configured.isBlank()
      ? vertx.executeBlocking(() -> devSecret(Path.of(config.getJsonObject("data").getString("dir"))))
      : Future.succeededFuture(configured);
    return secret.compose(s -> {
      PlatformAuth pa = new PlatformAuth(vertx, pool, clock, auth, s);
      List<Future<?>> all = new ArrayList<>();
      JsonArray issuers = auth.getJsonArray("externalIssuers", new JsonArray());
      for (int i = 0; i < issuers.size(); i++) {
        Object entry = issuers.getValue(i);
        if (!(entry instanceof JsonObject) || ((JsonObject) entry).getString("issuer", "").isBlank()) {
          return Future.failedFuture(new IllegalArgumentException(
            "key 'auth.externalIssuers[" + i + "]' needs an 'issuer'"));
        }
        all.add(pa.addExternal((JsonObject) entry));
      }
      all.add(pa.loadRevocations());
      vertx.eventBus().<JsonObject>consumer(REVOKED_ADDRESS, msg -> pa.applyRevocation(msg.body()));
      return Future.all(all).map(pa);
    });
  }

  private static String devSecret(Path dataDir) throws Exception {
    Path file = dataDir.resolve("jwt-secret");
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    String s = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.writeString(file, s, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    LOG.warn("no auth.jwt.secret configured: generated a development signing key in {}", file.toAbsolutePath());
    return s;
  }

  private Future<Void> addExternal(JsonObject cfg) {
    String iss = cfg.getString("issuer");
    externalLeeway.put(iss, cfg.getInteger("clockSkewSeconds", 30));
    JWTOptions verify = new JWTOptions().setIssuer(iss).setLeeway(cfg.getInteger("clockSkewSeconds", 30));
    if (!cfg.getString("audience", "").isBlank()) {
      verify.setAudience(List.of(cfg.getString("audience")));
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verify);
    String alg = cfg.getString("algorithm", "RS256");
    if (cfg.getString("publicKey") != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(cfg.getString("publicKey")));
    }
    if (cfg.getString("secret") != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(cfg.getString("secret")));
    }
    String jwks = cfg.getString("jwksUrl");
    if (jwks == null || jwks.isBlank()) {
      external.put(iss, JWTAuth.create(vertx, options));
      return Future.succeededFuture();
    }
    WebClient client = WebClient.create(vertx);
    return client.getAbs(jwks).send().map(resp -> {
      client.close();
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("JWKS " + jwks + " answered " + resp.statusCode());
      }
      JsonArray keys = resp.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
      List<JsonObject> jwkList = new ArrayList<>();
      keys.forEach(k -> jwkList.add((JsonObject) k));
      options.setJwks(jwkList);
      external.put(iss, JWTAuth.create(vertx, options));
      LOG.info("loaded {} keys for issuer {} from {}", jwkList.size(), iss, jwks);
      return null;
    });
  }

  private Future<Void> loadRevocations() {
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

  private void applyRevocation(JsonObject event) {
    if (event.getString("jti") != null) {
      revokedJti.put(event.getString("jti"), event.getLong("expiresAt", 0L));
    }
    if (event.getString("sub") != null) {
      subjectNotBefore.merge(event.getString("sub"), event.getLong("notBefore", 0L), Math::max);
    }
    if (event.getString("apiTokenHash") != null) {
      apiTokenOrg.remove(event.getString("apiTokenHash"));
    }
  }

  /**
   * Issues a platform token for {@code sub}. {@code claims} may carry name, email, roles, org and
   * anything else the issuing module wants the gateway to pass on.
   */
  public String issueToken(String sub, JsonObject claims) {
    long now = clock.millis();
    JsonObject payload = claims == null ? new JsonObject() : claims.copy();
    payload.put("jti", UUID.randomUUID().toString()).put("iatms", now).put("iat", now / 1000);
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setIssuer(issuer).setSubject(sub).setNoTimestamp(true);
    if (!audience.isBlank()) {
      options.setAudience(List.of(audience));
    }
    payload.put("exp", now / 1000 + ttlSeconds);
    return own.generateToken(payload, options);
  }

  public int tokenTtlSeconds() {
    return ttlSeconds;
  }

  /**
   * Verifies a bearer token: signature, issuer, audience, expiry (with the configured skew), then
   * revocations. Succeeds with the principal {@code {sub, org, roles, iss, claims}}; fails with 401.
   */
  public Future<JsonObject> verify(String token) {
    Verified hit = verified.get(token);
    if (hit != null) {
      // signature, issuer and audience were checked when the token was first seen; expiry and
      // revocation can change, so they are checked on every request
      // the same time source as the JWT library's first check (the real clock)
      if (hit.exp > 0 && System.currentTimeMillis() / 1000 > hit.exp + hit.leeway) {
        verified.remove(token);
        return Future.failedFuture(ApiError.unauthorized("the token is not valid: expired"));
      }
      ApiError revoked = revocation(hit.principal.getJsonObject("claims"));
      return revoked != null ? Future.failedFuture(revoked) : Future.succeededFuture(hit.principal);
    }
    String iss = unverifiedIssuer(token);
    if (iss == null) {
      return Future.failedFuture(ApiError.unauthorized("the token is malformed"));
    }
    JWTAuth provider = iss.equals(issuer) ? own : external.get(iss);
    if (provider == null) {
      return Future.failedFuture(ApiError.unauthorized("the token's issuer is not trusted"));
    }
    return provider.authenticate(new TokenCredentials(token))
      .recover(err -> Future.failedFuture(ApiError.unauthorized("the token is not valid: " + err.getMessage())))
      .compose(user -> {
        JsonObject claims = user.principal();
        String sub = claims.getString("sub");
        if (sub == null || sub.isBlank()) {
          return Future.failedFuture(ApiError.unauthorized("the token names no subject"));
        }
        ApiError revoked = revocation(claims);
        if (revoked != null) {
          return Future.failedFuture(revoked);
        }
        Object roles = claims.getValue("roles");
        JsonArray roleArray = roles instanceof JsonArray ? (JsonArray) roles : new JsonArray();
        JsonObject principal = new JsonObject().put("sub", sub).put("org", claims.getString("org"))
          .put("roles", roleArray).put("iss", iss).put("claims", claims);
        if (verified.size() >= VERIFIED_CACHE_MAX) {
          verified.clear();
        }
        // vertx-auth-jwt moves exp from the claims into the user's attributes
        Object exp = user.attributes().getValue("exp", claims.getValue("exp"));
        verified.put(token, new Verified(principal, exp instanceof Number ? ((Number) exp).longValue() : 0,
          iss.equals(issuer) ? ownLeeway : externalLeeway.getOrDefault(iss, 30)));
        return Future.succeededFuture(principal);
      });
  }

  /** Why a verified token no longer works (logout, suspension), or null. */
  private ApiError revocation(JsonObject claims) {
    String jti = claims.getString("jti");
    if (jti != null && revokedJti.containsKey(jti)) {
      return ApiError.unauthorized("the token has been revoked");
    }
    Long notBefore = subjectNotBefore.get(claims.getString("sub"));
    if (notBefore != null) {
      long issued = claims.getValue("iatms") instanceof Number ? claims.getLong("iatms")
        : claims.getLong("iat", 0L) * 1000;
      if (issued < notBefore) {
        return ApiError.unauthorized("the token has been revoked");
      }
    }
    return null;
  }

  /** A token whose signature, issuer and audience were checked. */
  private static final class Verified {
    final JsonObject principal;
    final long exp;
    final int leeway;

    Verified(JsonObject principal, long exp, int leeway) {
      this.principal = principal;
      this.exp = exp;
      this.leeway = leeway;
    }
  }

  private static String unverifiedIssuer(String token) {
    try {
      String[] parts = token.split("\\.");
      if (parts.length != 3) {
        return null;
      }
      JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Object iss = payload.getValue("iss");
      return iss instanceof String ? (String) iss : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Makes one token stop working (logout). */
  public Future<Void> revokeToken(String jti, long expiresAtEpochSeconds) {
    OffsetDateTime exp = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(expiresAtEpochSeconds), ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO platform.revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
      .execute(Tuple.of(jti, exp))
      .map(r -> {
        JsonObject ev = new JsonObject().put("jti", jti).put("expiresAt", expiresAtEpochSeconds * 1000);
        applyRevocation(ev);
        vertx.eventBus().publish(REVOKED_ADDRESS, ev);
        return null;
      });
  }

  /** Makes every token issued to {@code sub} until now stop working (suspension, ban, password change). */
  public Future<Void> revokeSubject(String sub) {
    long now = clock.millis();
    OffsetDateTime at = OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), ZoneOffset.UTC);
    return pool.preparedQuery("INSERT INTO platform.subject_revocations (sub, not_before) VALUES ($1, $2) "
        + "ON CONFLICT (sub) DO UPDATE SET not_before = GREATEST(platform.subject_revocations.not_before, EXCLUDED.not_before)")
      .execute(Tuple.of(sub, at))
      .map(r -> {
        JsonObject ev = new JsonObject().put("sub", sub).put("notBefore", now);
        applyRevocation(ev);
        vertx.eventBus().publish(REVOKED_ADDRESS, ev);
        return null;
      });
  }

  /** The organisation an {@code x-api-token} acts for; fails with 401 when unknown or revoked. */
  public Future<String> verifyApiToken(String token) {
    if (token == null || token.isBlank() || token.length() > 512) {
      return Future.failedFuture(ApiError.unauthorized("a valid x-api-token header is required"));
    }
    String hash = sha256(token);
    if (hash.equals(bootstrapTokenHash)) {
      return Future.succeededFuture(bootstrapOrg);
    }
    String cached = apiTokenOrg.get(hash);
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
        apiTokenOrg.put(hash, org);
        return Future.succeededFuture(org);
      });
  }

  /** Creates an API token for {@code org}; the secret is returned once and only its hash is kept. */
  public Future<JsonObject> createApiToken(String org, String name, String createdBy) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "cpt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    UUID id = UUID.randomUUID();
    return pool.preparedQuery("INSERT INTO platform.api_tokens (id, org, name, token_hash, created_by) "
        + "VALUES ($1, $2, $3, $4, $5) RETURNING created_at")
      .execute(Tuple.of(id, org, name, sha256(token), createdBy))
      .map(rows -> new JsonObject().put("id", id.toString()).put("name", name).put("token", token)
        .put("createdAt", rows.iterator().next().getOffsetDateTime(0).toString()));
  }

  public Future<JsonObject> listApiTokens(String org) {
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

  /** Revokes an API token of {@code org}; false when there is no such live token. */
  public Future<Boolean> revokeApiToken(String org, UUID id) {
    return pool.preparedQuery("UPDATE platform.api_tokens SET revoked_at = now() WHERE id = $1 AND org = $2 "
        + "AND revoked_at IS NULL RETURNING token_hash")
      .execute(Tuple.of(id, org))
      .map(rows -> {
        if (rows.size() == 0) {
          return false;
        }
        JsonObject ev = new JsonObject().put("apiTokenHash", rows.iterator().next().getString(0));
        applyRevocation(ev);
        vertx.eventBus().publish(REVOKED_ADDRESS, ev);
        return true;
      });
  }

  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
