package org.communityplatform.profiles;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.text.Text;

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
  /** Control characters other than line breaks and tabs, which a bio may hold. */
  private static final Pattern CONTROL_BUT_LINES = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");
  private static final Pattern PHONE = Pattern.compile("^\\+?[0-9 ()./-]{1,20}$");
  /** ProfilesDisplayName: 2-80 characters (the community cloud document's rule for every route). */
  static final int NAME_MIN = 2;
  static final int NAME_MAX = 80;
  /** ProfilesBio: at most 500 characters. */
  static final int BIO_MAX = 500;

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
    String t = CONTROL.matcher(Text.nfc(s)).replaceAll(" ").trim();
    if (t.isEmpty()) {
      return null;
    }
    return t.length() > max ? t.substring(0, max).trim() : t;
  }

  /**
   * The display name a token's claims give (name, else given and family name), made to fit the
   * display name rule (cut to 80 characters); null when none or shorter than 2 characters.
   */
  static String claimName(ApiRequest req) {
    String name = clean(req.claim("name"), NAME_MAX);
    if (name == null) {
      String given = clean(req.claim("given_name"), 40);
      String family = clean(req.claim("family_name"), 40);
      name = clean((given == null ? "" : given) + " " + (family == null ? "" : family), NAME_MAX);
    }
    return name == null || length(name) < NAME_MIN ? null : name;
  }

  /** Characters as JSON Schema and PostgreSQL count them: code points. */
  static int length(String s) {
    return s.codePointCount(0, s.length());
  }

  /**
   * The display name (ProfilesDisplayName) as every route that writes it reads it: text, NFC,
   * trimmed, 2-80 characters, no control characters; 400 otherwise, null included.
   */
  static String displayName(Object value, String field) {
    if (!(value instanceof String)) {
      throw bad(field, "'" + field + "' must be text of " + NAME_MIN + "-" + NAME_MAX + " characters");
    }
    String t = Text.nfc(((String) value).strip());
    int n = length(t);
    if (CONTROL.matcher(t).find() || n < NAME_MIN || n > NAME_MAX) {
      throw bad(field, "'" + field + "' must be " + NAME_MIN + "-" + NAME_MAX
        + " characters without control characters");
    }
    return t;
  }

  /**
   * The bio (ProfilesBio): null or blank clears it; otherwise NFC, trimmed, at most 500
   * characters, line breaks and tabs allowed but no other control characters; 400 otherwise.
   */
  static String bio(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw bad(field, "'" + field + "' must be text or null");
    }
    String t = Text.nfc(((String) value).strip());
    if (CONTROL_BUT_LINES.matcher(t).find() || length(t) > BIO_MAX) {
      throw bad(field, "'" + field + "' must be at most " + BIO_MAX + " characters without control characters");
    }
    return t.isEmpty() ? null : t;
  }

  /** A profile picture or avatar (ProfilesImageUrl): null clears it; an absolute http(s) URL otherwise, 400 if not. */
  static String imageUrl(Object value, String field) {
    if (value == null) {
      return null;
    }
    String u = value instanceof String ? url((String) value) : null;
    if (u == null) {
      throw bad(field, "'" + field + "' must be an http(s) URL of at most 2048 characters, or null");
    }
    return u;
  }

  /** A phone number (ProfilesPhone): null or blank clears it; otherwise digits and + ( ) . / - space, 1-20; 400 if not. */
  static String phone(Object value, String field) {
    if (value == null) {
      return null;
    }
    String t = value instanceof String ? ((String) value).strip() : null;
    if (t != null && t.isEmpty()) {
      return null;
    }
    if (t == null || !PHONE.matcher(t).matches()) {
      throw bad(field, "'" + field + "' must be a phone number of at most 20 digits, spaces and + ( ) . / -");
    }
    return t;
  }

  /** 400 naming the field (as a JSON pointer into the body). */
  static ApiError bad(String field, String message) {
    return ApiError.badRequest(message, new JsonArray().add(new JsonObject()
      .put("path", "/" + field.replace('.', '/')).put("message", message)));
  }

  /** An email address in its folded form (core {@link Text#fold}), or null when it is not one. */
  static String email(String s) {
    if (s == null) {
      return null;
    }
    String e = Text.fold(s);
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
    String t = Text.nfc(((String) v).strip());
    if (length(t) > max) {
      throw ApiError.badRequest("'" + key + "' is longer than " + max + " characters");
    }
    return t.isEmpty() ? null : t;
  }

  /**
   * When the body has {@code field}, puts its value checked by {@code check} (one of the checks above,
   * given the value and the field's name for the error) under {@code column}; absent fields are left out.
   */
  static void set(JsonObject body, String field, java.util.Map<String, Object> cols, String column,
                  java.util.function.BiFunction<Object, String, Object> check) {
    if (body.containsKey(field)) {
      cols.put(column, check.apply(body.getValue(field), field));
    }
  }
}
