package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiRequest;

/**
 * The credential a live stream was opened with, kept so the stream can be ended when that
 * credential stops being good: its expiry ({@code exp}, on the platform clock), a logout (its
 * {@code jti} revoked), a suspension, password change or demotion (every token of its subject
 * issued before an instant revoked), or an organisation API token revoked. Read the same way as the
 * gateway's {@code RequestAuthenticator} reads it: {@code x-api-token} when the principal is an API
 * token, else {@code Authorization: Bearer}, else the {@code __session} cookie.
 */
final class Credential {

  private final boolean apiToken;
  private final String secret;
  private final String sub;
  private final String jti;
  private final long issuedMs;
  private final long expiresMs;
  private final String apiTokenHash;
  private final boolean fromCookie;

  private Credential(boolean apiToken, String secret, String sub, String jti, long issuedMs, long expiresMs,
                     boolean fromCookie) {
    this.apiToken = apiToken;
    this.secret = secret;
    this.sub = sub;
    this.jti = jti;
    this.issuedMs = issuedMs;
    this.expiresMs = expiresMs;
    this.apiTokenHash = apiToken && secret != null ? PlatformAuth.sha256(secret) : null;
    this.fromCookie = fromCookie;
  }

  /** The credential of an authenticated request (the gateway has verified it already). */
  static Credential of(HttpServerRequest http, ApiRequest req) {
    JsonObject principal = req.principal();
    if (principal != null && principal.getBoolean("apiToken", false)) {
      return new Credential(true, http.getHeader("x-api-token"), null, null, 0L, Long.MAX_VALUE, false);
    }
    String header = http.getHeader(HttpHeaders.AUTHORIZATION);
    String token = null;
    boolean cookie = false;
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        token = header.substring(7).trim();
      }
    } else {
      Cookie c = http.getCookie("__session");
      token = c == null ? null : c.getValue();
      cookie = token != null;
    }
    JsonObject claims = principal == null ? new JsonObject() : principal.getJsonObject("claims", new JsonObject());
    Object jti = claims.getValue("jti");
    Object iatms = claims.getValue("iatms");
    Object iat = claims.getValue("iat");
    Object exp = claims.getValue("exp");
    long issued = iatms instanceof Number ? ((Number) iatms).longValue()
      : iat instanceof Number ? ((Number) iat).longValue() * 1000 : 0L;
    long expires = exp instanceof Number ? (long) (((Number) exp).doubleValue() * 1000) : Long.MAX_VALUE;
    return new Credential(false, token, principal == null ? null : principal.getString("sub"),
      jti instanceof String ? (String) jti : null, issued, expires, cookie);
  }

  /** Whether the browser sent it by itself (the {@code __session} cookie), which cross-site pages can make it do. */
  boolean fromCookie() {
    return fromCookie;
  }

  /** The SHA-256 of the API token (how core names it in revocation facts), or null for a JWT. */
  String apiTokenKey() {
    return apiTokenHash;
  }

  /** Epoch milliseconds of the token's {@code exp}; {@link Long#MAX_VALUE} when it has none (API tokens). */
  long expiresMs() {
    return expiresMs;
  }

  /** Whether the credential has expired at {@code nowMs} (platform clock). A cheap check, made before each batch. */
  boolean expired(long nowMs) {
    return nowMs >= expiresMs;
  }

  /**
   * Whether the revocation fact published on {@link PlatformAuth#REVOKED_ADDRESS} ({@code {jti,
   * expiresAt}}, {@code {sub, notBefore}} or {@code {apiTokenHash}}) ends this credential.
   */
  boolean revokedBy(JsonObject fact) {
    if (apiToken) {
      return apiTokenHash != null && apiTokenHash.equals(fact.getString("apiTokenHash"));
    }
    if (jti != null && jti.equals(fact.getString("jti"))) {
      return true;
    }
    return sub != null && sub.equals(fact.getString("sub")) && issuedMs < fact.getLong("notBefore", 0L);
  }

  /**
   * Verifies the credential again as the gateway would (signature, expiry, revocations; an API
   * token through the token cache): succeeds with whether it is still good. {@code seesAll} is what
   * the stream was opened with; a JWT that no longer carries the admin role no longer qualifies.
   */
  Future<Boolean> stillGood(PlatformAuth auth, boolean seesAll) {
    if (secret == null) {
      return Future.succeededFuture(false);
    }
    if (apiToken) {
      return auth.verifyApiToken(secret).map(org -> true).otherwise(false);
    }
    return auth.verify(secret).map(p -> !seesAll || (p.getJsonArray("roles") != null && p.getJsonArray("roles").contains("admin")))
      .otherwise(false);
  }
}
