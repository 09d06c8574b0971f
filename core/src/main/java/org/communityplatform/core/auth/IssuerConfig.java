package org.communityplatform.core.auth;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One trusted token issuer: the platform itself or an entry of {@code auth.externalIssuers[]}.
 *
 * <p>An external issuer's users get ids of the form {@code ext:<key>:<sub>}: native ids (UUIDs the
 * platform makes) never contain ':' and never start with {@code ext:}, so no external subject can
 * equal a native user's id, and two issuers cannot share one. Its organisation is the fixed
 * {@code org}, else the string claim {@code orgClaim} (refused when missing), else {@code default}.
 * Its roles come only from the claim named by {@code rolesClaim}; without one, none.
 */
final class IssuerConfig {

  static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Pattern KEY = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Set<String> ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
  private static final Set<String> KEYS = Set.of("key", "issuer", "audience", "algorithm", "publicKey", "secret",
    "jwksUrl", "jwksRefreshSeconds", "clockSkewSeconds", "allowNoExp", "org", "orgClaim", "rolesClaim");

  final boolean platform;
  final String key;
  final String issuer;
  final String audience;
  final String algorithm;
  final String publicKey;
  final String secret;
  final String jwksUrl;
  final int jwksRefreshSeconds;
  final int leewaySeconds;
  final boolean allowNoExp;
  final String fixedOrg;
  final String orgClaim;
  final String rolesClaim;

  private IssuerConfig(boolean platform, JsonObject c) {
    this.platform = platform;
    this.issuer = c.getString("issuer");
    this.key = platform ? "platform" : c.getString("key", defaultKey(issuer));
    this.audience = blankToNull(c.getString("audience"));
    this.algorithm = c.getString("algorithm", platform ? "HS256" : (c.getString("secret") != null ? "HS256" : "RS256"));
    this.publicKey = blankToNull(c.getString("publicKey"));
    this.secret = blankToNull(c.getString("secret"));
    this.jwksUrl = blankToNull(c.getString("jwksUrl"));
    this.jwksRefreshSeconds = c.getInteger("jwksRefreshSeconds", 3600);
    this.leewaySeconds = c.getInteger("clockSkewSeconds", 30);
    this.allowNoExp = c.getBoolean("allowNoExp", false);
    this.fixedOrg = blankToNull(c.getString("org"));
    this.orgClaim = blankToNull(c.getString("orgClaim"));
    this.rolesClaim = blankToNull(c.getString("rolesClaim"));
  }

  /** The platform's own issuer ({@code auth.jwt}): HS256 with the node's secret, org and roles claims trusted. */
  static IssuerConfig platform(JsonObject jwt, String secret) {
    return new IssuerConfig(true, new JsonObject().put("issuer", jwt.getString("issuer"))
      .put("audience", jwt.getString("audience", "")).put("secret", secret)
      .put("clockSkewSeconds", jwt.getInteger("clockSkewSeconds", 30)));
  }

  /** An entry of {@code auth.externalIssuers}; throws {@link IllegalArgumentException} naming the bad key. */
  static IssuerConfig external(Object entry, int index) {
    String at = "auth.externalIssuers[" + index + "]";
    if (!(entry instanceof JsonObject)) {
      throw new IllegalArgumentException("key '" + at + "' must be a section");
    }
    JsonObject c = (JsonObject) entry;
    for (String name : c.fieldNames()) {
      if (!KEYS.contains(name)) {
        throw new IllegalArgumentException("unknown key '" + at + "." + name + "'");
      }
    }
    IssuerConfig cfg;
    try {
      cfg = new IssuerConfig(false, c);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a key of '" + at + "' has the wrong type: " + e.getMessage());
    }
    if (cfg.issuer == null || cfg.issuer.isBlank()) {
      throw new IllegalArgumentException("key '" + at + "' needs an 'issuer'");
    }
    if (!KEY.matcher(cfg.key).matches()) {
      throw new IllegalArgumentException("key '" + at + ".key' must be 1-64 letters, digits, '.', '_' or '-'");
    }
    if (!ALGORITHMS.contains(cfg.algorithm)) {
      throw new IllegalArgumentException("key '" + at + ".algorithm' must be one of " + ALGORITHMS);
    }
    boolean hmac = cfg.algorithm.startsWith("HS");
    if (hmac != (cfg.secret != null) || (hmac && (cfg.publicKey != null || cfg.jwksUrl != null))) {
      throw new IllegalArgumentException("key '" + at + "': an HS* algorithm takes a 'secret' only; other algorithms "
        + "take a 'publicKey' or a 'jwksUrl', never a secret");
    }
    if (!hmac && cfg.publicKey == null && cfg.jwksUrl == null) {
      throw new IllegalArgumentException("key '" + at + "' needs a 'publicKey' or a 'jwksUrl'");
    }
    if (cfg.fixedOrg != null && cfg.orgClaim != null) {
      throw new IllegalArgumentException("key '" + at + "' takes 'org' or 'orgClaim', not both");
    }
    if (cfg.fixedOrg != null && !ORG.matcher(cfg.fixedOrg).matches()) {
      throw new IllegalArgumentException("key '" + at + ".org' is not an organisation id");
    }
    return cfg;
  }

  /** The key used in subjects when none is configured: the issuer URL's host, else the issuer itself. */
  private static String defaultKey(String issuer) {
    if (issuer == null) {
      return "";
    }
    try {
      String host = URI.create(issuer).getHost();
      if (host != null) {
        return host.toLowerCase(Locale.ROOT);
      }
    } catch (IllegalArgumentException ignored) {
      // not a URL: the issuer string, cleaned below
    }
    String cleaned = issuer.replaceAll("[^A-Za-z0-9._-]", "-");
    return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
