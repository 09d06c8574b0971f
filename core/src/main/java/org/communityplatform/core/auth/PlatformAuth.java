package org.communityplatform.core.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Identity for the whole node, in parts: {@link JwtVerifier} (bearer tokens of the platform and of
 * {@code auth.externalIssuers}), {@link Revocations} (logout, suspension), {@link ApiTokens}
 * (organisation {@code x-api-token}s) and {@link SigningKey} (the platform's HS256 secret). This
 * class wires them and issues the platform's own tokens.
 */
public final class PlatformAuth {

  /** Bus address on which revocations are broadcast to every node. */
  public static final String REVOKED_ADDRESS = Revocations.ADDRESS;

  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;
  private final JWTAuth signer;
  private final JwtVerifier verifier;
  private final Revocations revocations;
  private final ApiTokens apiTokens;

  private PlatformAuth(Vertx vertx, Pool pool, Clock clock, JsonObject auth, String secret) {
    this.clock = clock;
    JsonObject jwt = auth.getJsonObject("jwt");
    this.issuer = jwt.getString("issuer");
    this.audience = jwt.getString("audience", "");
    this.ttlSeconds = jwt.getInteger("tokenTtlSeconds", 3600);
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.apiTokens = new ApiTokens(pool, auth.getString("apiToken", ""), auth.getString("apiTokenOrg", "default"));
    this.revocations = new Revocations(vertx, pool, clock, apiTokens::evict);
    this.apiTokens.announceWith(revocations::announce);
    this.verifier = new JwtVerifier(vertx, clock, revocations);
  }

  /**
   * Builds the node's auth: the signing key, the trusted issuers (JWKS fetched), revocations loaded.
   * Fails with {@link IllegalArgumentException} naming a bad {@code auth.externalIssuers} entry.
   */
  public static Future<PlatformAuth> create(Vertx vertx, Pool pool, Clock clock, JsonObject config) {
    JsonObject auth = config.getJsonObject("auth");
    return SigningKey.load(vertx, config).compose(secret -> {
      PlatformAuth pa = new PlatformAuth(vertx, pool, clock, auth, secret);
      List<Future<?>> all = new ArrayList<>();
      try {
        all.add(pa.verifier.add(IssuerConfig.platform(auth.getJsonObject("jwt"), secret)));
        JsonArray issuers = auth.getJsonArray("externalIssuers", new JsonArray());
        for (int i = 0; i < issuers.size(); i++) {
          all.add(pa.verifier.add(IssuerConfig.external(issuers.getValue(i), i)));
        }
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
      all.add(pa.revocations.start());
      return Future.all(all).map(pa);
    });
  }

  /**
   * Issues a platform token (HS256, RFC 7519) for {@code sub}, valid {@code auth.jwt.tokenTtlSeconds}
   * from now on the platform clock. {@code claims} may carry name, email, roles, org and whatever
   * else the issuing module records; {@code org} and {@code roles} are trusted as signed.
   */
  public String issueToken(String sub, JsonObject claims) {
    long now = clock.millis();
    JsonObject payload = claims == null ? new JsonObject() : claims.copy();
    payload.put("jti", UUID.randomUUID().toString()).put("iatms", now).put("iat", now / 1000)
      .put("exp", now / 1000 + ttlSeconds);
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setIssuer(issuer).setSubject(sub).setNoTimestamp(true);
    if (!audience.isBlank()) {
      options.setAudience(List.of(audience));
    }
    return signer.generateToken(payload, options);
  }

  /** Lifetime of the platform's tokens, in seconds. */
  public int tokenTtlSeconds() {
    return ttlSeconds;
  }

  /**
   * Verifies a bearer token (see {@link JwtVerifier}): the principal
   * {@code {sub, org, roles, iss, issuer, claims}}, or a failed future with a 401 ApiError.
   */
  public Future<JsonObject> verify(String token) {
    return verifier.verify(token);
  }

  /** Makes one token stop working (logout) on every node. */
  public Future<Void> revokeToken(String jti, long expiresAtEpochSeconds) {
    return revocations.revokeToken(jti, expiresAtEpochSeconds);
  }

  /** Makes every token issued to {@code sub} until now stop working (suspension, ban, password change). */
  public Future<Void> revokeSubject(String sub) {
    return revocations.revokeSubject(sub);
  }

  /** The organisation API tokens. */
  public ApiTokens apiTokens() {
    return apiTokens;
  }

  /** The organisation an {@code x-api-token} acts for; fails with 401 when unknown or revoked. */
  public Future<String> verifyApiToken(String token) {
    return apiTokens.verify(token);
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code s} (how stored secrets are compared). */
  public static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
