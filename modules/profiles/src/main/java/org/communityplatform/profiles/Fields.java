package org.communityplatform.profiles;

import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * How the module reads text it stores: Unicode NFC (core {@link Text}), trimmed, no control
 * characters, bounded; email addresses folded. Each stored field that more than one route writes
 * has one function here, the same rule as its shared schema in openapi.yaml (ProfilesDisplayName,
 * ProfilesBio, ProfilesImageUrl, ProfilesPhone), so that every route stores what every view may
 * promise to read.
 */
final class Fields {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern EMAIL = Pattern.compile("^[^\\s@/\\\\]{1,64}@[a-z0-9.-]{1,189}\\.[a-z]{2,63}$");
  private static final Pattern URL = Pattern.compile("^https?://\\S+$");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1F\\x7F]");

  private Fields() {
  }

  /** A random secret of 32 bytes, base64url, behind {@code prefix}. */
  static String secret(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Trimmed NFC text without control characters, at most {@code max} characters; null when nothing is left. */
  static String clean(String s, int max) {
    if (s == null) {
      return null;
    }
    String t = CONTROL.matcher(s).replaceAll(" ").trim();
    if (t.isEmpty()) {
      return null;
    }
    return t.length() > max ? t.substring(0, max).trim() : t;
  }

  /** The display name a token's claims give (name, else given and family name); null when none. */
  static String claimName(ApiRequest req) {
    String name = clean(req.claim("name"), 100);
    if (name == null) {
      String given = clean(req.claim("given_name"), 50);
      String family = clean(req.claim("family_name"), 50);
      name = clean((given == null ? "" : given) + " " + (family == null ? "" : family), 100);
    }
    return name;
  }

  /** An email address in lower case, or null when it is not one. */
  static String email(String s) {
    if (s == null) {
      return null;
    }
    String e = s.trim().toLowerCase(java.util.Locale.ROOT);
    return e.length() <= 254 && EMAIL.matcher(e).matches() ? e : null;
  }

  /** An absolute http(s) URL of at most 2048 characters, trimmed; null when it is not one. */
  static String url(String s) {
    if (s == null) {
      return null;
    }
    String u = s.trim();
    return u.length() <= 2048 && URL.matcher(u).matches() ? u : null;
  }

  /** Optional text of a body in NFC: null when absent or blank; 400 when not text or longer than {@code max}. */
  static String text(JsonObject body, String key, int max) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String)) {
      throw ApiError.badRequest("'" + key + "' must be text");
    }
    String t = ((String) v).trim();
    if (t.length() > max) {
      throw ApiError.badRequest("'" + key + "' is longer than " + max + " characters");
    }
    return t.isEmpty() ? null : t;
  }
}
