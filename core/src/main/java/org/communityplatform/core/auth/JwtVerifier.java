package org.communityplatform.core.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import org.communityplatform.core.bus.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Verifies bearer JWTs of the trusted issuers and turns them into principals
 * {@code {sub, org, roles, iss, issuer, claims}}. Every refusal is a 401.
 *
 * <p>Order of checks: canonical compact form and claim types ({@link CompactJws}); a trusted
 * {@code iss}; the issuer's one configured algorithm (so {@code none}, and an HMAC token "signed"
 * with an RSA public key, are refused before any key is touched); the signature and audience
 * (vertx-auth-jwt, keys from configuration or the issuer's configured JWKS URL only: a token's
 * {@code kid} selects among them and {@code jku}/{@code x5u}/{@code x5c}/{@code jwk} are refused);
 * then {@code exp} (required unless {@code allowNoExp}), {@code nbf} and {@code iat} against the
 * platform clock with the issuer's skew; then revocations.
 *
 * <p>A verified token is cached (bounded, expiring on the platform clock) so its signature is
 * checked once; expiry and revocation are checked again on every request. JWKS keys are fetched
 * again on the issuer's schedule ({@code jwksRefreshSeconds}) and when a token names an unknown
 * {@code kid} (at most once per {@value #KID_REFRESH_SECONDS} s per issuer).
 */
final class JwtVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwtVerifier.class);
  static final int KID_REFRESH_SECONDS = 30;
  private static final Pattern SUBJECT = Pattern.compile("^[!-~]{1,200}$");

  private final Vertx vertx;
  private final Clock clock;
  private final Revocations revocations;
  private final Map<String, Trusted> byIssuer = new ConcurrentHashMap<>();
  private final Cache<String, Verified> verified;
  private WebClient http;

  /** One issuer's configuration and its current verifying keys. */
  private static final class Trusted {
    final IssuerConfig cfg;
    volatile JWTAuth provider;
    volatile Set<String> kids = Set.of();
    volatile long lastFetchMs = Long.MIN_VALUE / 2;
    volatile Future<Void> fetching;

    Trusted(IssuerConfig cfg) {
      this.cfg = cfg;
    }
  }

  /** A token whose signature, issuer and audience were checked. */
  private record Verified(JsonObject principal, JsonObject claims, Trusted issuer) {
  }

  JwtVerifier(Vertx vertx, Clock clock, Revocations revocations) {
    this.vertx = vertx;
    this.clock = clock;
    this.revocations = revocations;
    this.verified = Caffeine.newBuilder()
      .maximumSize(50_000)
      .expireAfterWrite(Duration.ofMinutes(10))
      .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
      .build();
  }

  /** Trusts {@code cfg}'s tokens; with a JWKS URL, completes once its keys were fetched. */
  Future<Void> add(IssuerConfig cfg) {
    if (byIssuer.values().stream().anyMatch(t -> t.cfg.key.equals(cfg.key))) {
      return Future.failedFuture(new IllegalArgumentException("two issuers share the key '" + cfg.key
        + "'; give auth.externalIssuers[].key a distinct value"));
    }
    Trusted t = new Trusted(cfg);
    if (byIssuer.putIfAbsent(cfg.issuer, t) != null) {
      return Future.failedFuture(new IllegalArgumentException("issuer '" + cfg.issuer + "' is configured twice"));
    }
    if (cfg.jwksUrl == null) {
      JWTAuthOptions options = options(cfg);
      if (cfg.secret != null) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(cfg.algorithm).setBuffer(cfg.secret));
      } else {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(cfg.algorithm).setBuffer(cfg.publicKey));
      }
      try {
        t.provider = JWTAuth.create(vertx, options);
      } catch (RuntimeException e) {
        return Future.failedFuture(new IllegalArgumentException("issuer '" + cfg.issuer + "': the key cannot be used: "
          + e.getMessage()));
      }
      return Future.succeededFuture();
    }
    Future<Void> first = fetchKeys(t);
    long every = Math.max(60, cfg.jwksRefreshSeconds) * 1000L;
    vertx.setPeriodic(every, every, id -> fetchKeys(t).onFailure(e -> LOG.warn("JWKS refresh of {} failed: {}",
      cfg.issuer, e.getMessage())));
    return first;
  }

  private static JWTAuthOptions options(IssuerConfig cfg) {
    // expiry, nbf and iat are checked here against the platform clock, not the library's wall clock
    JWTOptions verify = new JWTOptions().setIssuer(cfg.issuer).setIgnoreExpiration(true).setLeeway(cfg.leewaySeconds);
    if (cfg.audience != null) {
      verify.setAudience(List.of(cfg.audience));
    }
    return new JWTAuthOptions().setJWTOptions(verify);
  }

  /** Fetches the issuer's JWKS and replaces its keys; concurrent callers share one fetch. */
  private synchronized Future<Void> fetchKeys(Trusted t) {
    if (t.fetching != null) {
      return t.fetching;
    }
    if (http == null) {
      http = WebClient.create(vertx);
    }
    t.lastFetchMs = clock.millis();
    String url = t.cfg.jwksUrl;
    Future<Void> f = http.getAbs(url).timeout(5000).send().map(resp -> {
      if (resp.statusCode() != 200) {
        throw new IllegalStateException("JWKS " + url + " answered " + resp.statusCode());
      }
      JsonArray keys = resp.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
      List<JsonObject> usable = new ArrayList<>();
      Set<String> kids = new HashSet<>();
      for (Object k : keys) {
        if (k instanceof JsonObject && !"enc".equals(((JsonObject) k).getString("use"))
          && (((JsonObject) k).getString("alg") == null || t.cfg.algorithm.equals(((JsonObject) k).getString("alg")))) {
          JsonObject jwk = ((JsonObject) k).copy().put("alg", t.cfg.algorithm);
          usable.add(jwk);
          if (jwk.getValue("kid") instanceof String) {
            kids.add(jwk.getString("kid"));
          }
        }
      }
      JWTAuthOptions options = options(t.cfg).setJwks(usable);
      t.provider = JWTAuth.create(vertx, options);
      t.kids = Set.copyOf(kids);
      LOG.info("loaded {} keys for issuer {} from {}", usable.size(), t.cfg.issuer, url);
      return (Void) null;
    });
    t.fetching = f;
    return f.onComplete(x -> {
      synchronized (this) {
        t.fetching = null;
      }
    });
  }

  /** Verifies {@code token}; fails with a 401 {@link ApiError} saying why. */
  Future<JsonObject> verify(String token) {
    Verified hit = token == null ? null : verified.getIfPresent(token);
    if (hit != null) {
      ApiError stale = afterSignature(hit.claims, hit.issuer.cfg, hit.principal.getString("sub"));
      if (stale != null) {
        verified.invalidate(token);
        return Future.failedFuture(stale);
      }
      return Future.succeededFuture(hit.principal);
    }
    CompactJws jws;
    try {
      jws = CompactJws.parse(token);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiError.unauthorized(e.getMessage()));
    }
    Trusted t = byIssuer.get(jws.issuer());
    if (t == null) {
      return Future.failedFuture(ApiError.unauthorized("the token's issuer is not trusted"));
    }
    if (!t.cfg.algorithm.equals(jws.algorithm())) {
      return Future.failedFuture(ApiError.unauthorized("the token's algorithm is not the one its issuer uses"));
    }
    JsonObject principal;
    try {
      principal = principal(jws.claims, t.cfg);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ApiError.unauthorized(e.getMessage()));
    }
    Future<Void> keys = Future.succeededFuture();
    if (t.cfg.jwksUrl != null && jws.keyId() != null && !t.kids.contains(jws.keyId())
      && clock.millis() - t.lastFetchMs >= KID_REFRESH_SECONDS * 1000L) {
      // the issuer may have rotated its keys: fetch them again, at most every KID_REFRESH_SECONDS
      keys = fetchKeys(t).recover(e -> {
        LOG.warn("JWKS refresh of {} failed: {}", t.cfg.issuer, e.getMessage());
        return Future.succeededFuture();
      });
    }
    return keys.compose(x -> checkSignature(t, token)).compose(v -> {
      ApiError refused = afterSignature(jws.claims, t.cfg, principal.getString("sub"));
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      verified.put(token, new Verified(principal, jws.claims, t));
      return Future.succeededFuture(principal);
    });
  }

  private static Future<Void> checkSignature(Trusted t, String token) {
    JWTAuth provider = t.provider;
    if (provider == null) {
      return Future.failedFuture(ApiError.unauthorized("the token's issuer has no keys yet"));
    }
    Future<?> checked;
    try {
      checked = provider.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      checked = Future.failedFuture(e);
    }
    return checked.<Void>mapEmpty()
      .recover(err -> Future.failedFuture(ApiError.unauthorized("the token is not valid: " + err.getMessage())));
  }

  /** The time claims against the platform clock, then revocations; null when the token may be used now. */
  private ApiError afterSignature(JsonObject claims, IssuerConfig cfg, String sub) {
    double now = clock.millis() / 1000.0;
    Object exp = claims.getValue("exp");
    if (exp == null && !cfg.allowNoExp) {
      return ApiError.unauthorized("the token has no expiry");
    }
    if (exp != null && ((Number) exp).doubleValue() + cfg.leewaySeconds < now) {
      return ApiError.unauthorized("the token has expired");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && ((Number) nbf).doubleValue() - cfg.leewaySeconds > now) {
      return ApiError.unauthorized("the token is not valid yet");
    }
    Object iat = claims.getValue("iat");
    if (iat != null && ((Number) iat).doubleValue() - cfg.leewaySeconds > now) {
      return ApiError.unauthorized("the token was issued in the future");
    }
    if (revocations.revoked(sub, claims)) {
      return ApiError.unauthorized("the token has been revoked");
    }
    return null;
  }

  /**
   * The principal a token stands for. Platform tokens: {@code sub}, the {@code org} claim (else
   * {@code default}) and the {@code roles} claim the platform signed from the recorded account.
   * External tokens: see {@link IssuerConfig} (namespaced subject, configured organisation, mapped
   * roles only).
   */
  private static JsonObject principal(JsonObject claims, IssuerConfig cfg) {
    String sub = claims.getString("sub");
    if (!SUBJECT.matcher(sub).matches()) {
      // ids travel in paths and logs: printable ASCII without spaces only
      throw new IllegalArgumentException("the token's subject is not printable ASCII of at most 200 characters");
    }
    String org;
    JsonArray roles;
    if (cfg.platform) {
      org = orgValue(claims.getValue("org"), "org", true);
      roles = roleList(claims.getValue("roles"), true);
    } else {
      sub = "ext:" + cfg.key + ":" + sub;
      if (cfg.fixedOrg != null) {
        org = cfg.fixedOrg;
      } else if (cfg.orgClaim != null) {
        org = orgValue(claims.getValue(cfg.orgClaim), cfg.orgClaim, false);
      } else {
        org = "default";
      }
      roles = cfg.rolesClaim == null ? new JsonArray() : roleList(claims.getValue(cfg.rolesClaim), false);
    }
    return new JsonObject().put("sub", sub).put("org", org).put("roles", roles).put("iss", cfg.issuer)
      .put("issuer", cfg.key).put("claims", claims);
  }

  private static String orgValue(Object v, String claim, boolean optional) {
    if (v == null && optional) {
      return "default";
    }
    if (!(v instanceof String) || !IssuerConfig.ORG.matcher((String) v).matches()) {
      throw new IllegalArgumentException("the token's '" + claim + "' claim is not an organisation id");
    }
    return (String) v;
  }

  /** A list of role names; a space-separated string is accepted from external issuers (OAuth scope style). */
  private static JsonArray roleList(Object v, boolean strict) {
    JsonArray roles = new JsonArray();
    if (v == null) {
      return roles;
    }
    if (v instanceof String && !strict) {
      for (String r : ((String) v).trim().split("\\s+")) {
        if (!r.isEmpty()) {
          roles.add(r);
        }
      }
      return roles;
    }
    if (!(v instanceof JsonArray) || ((JsonArray) v).stream().anyMatch(r -> !(r instanceof String))) {
      throw new IllegalArgumentException("the token's roles are not a list of names");
    }
    return ((JsonArray) v).copy();
  }
}
