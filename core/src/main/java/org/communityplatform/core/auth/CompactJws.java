package org.communityplatform.core.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A JWT read before its signature is checked, refused unless it is in the one canonical form:
 * the JWS compact serialization of RFC 7515 section 7.1 (exactly three base64url parts without
 * padding or whitespace, RFC 7515 section 2), a JSON object header and payload, and registered
 * claims of the types RFC 7519 section 4.1 gives them. Every refusal is an
 * {@link IllegalArgumentException} whose message the caller may show (answered 401); nothing here
 * throws anything else, so a hostile token can never become a 500.
 */
final class CompactJws {

  /** Largest token read at all, in characters; larger ones are refused before any decoding. */
  static final int MAX_LENGTH = 8192;
  private static final Pattern SHAPE = Pattern.compile("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$");
  /**
   * Header parameters that would make a verifier fetch or trust key material named by the token
   * itself (RFC 7515 sections 4.1.2-4.1.6), or demand extensions we do not implement (4.1.11).
   */
  private static final Set<String> REFUSED_HEADERS = Set.of("jku", "jwk", "x5u", "x5c", "crit");
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  final String token;
  final JsonObject header;
  final JsonObject claims;

  private CompactJws(String token, JsonObject header, JsonObject claims) {
    this.token = token;
    this.header = header;
    this.claims = claims;
  }

  /** Parses {@code token}; throws {@link IllegalArgumentException} naming what is wrong. */
  static CompactJws parse(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("the token is empty or too long");
    }
    if (!SHAPE.matcher(token).matches()) {
      throw new IllegalArgumentException("the token is not a signed JWT in compact form");
    }
    String[] parts = token.split("\\.", -1);
    JsonObject header = object(parts[0], "header");
    JsonObject claims = object(parts[1], "payload");
    canonical(parts[2], "signature");
    Object alg = header.getValue("alg");
    if (!(alg instanceof String) || ((String) alg).isEmpty() || "none".equalsIgnoreCase((String) alg)) {
      throw new IllegalArgumentException("the token's algorithm is missing or not allowed");
    }
    for (String name : REFUSED_HEADERS) {
      if (header.containsKey(name)) {
        throw new IllegalArgumentException("the token's header carries '" + name + "', which is not accepted");
      }
    }
    Object kid = header.getValue("kid");
    if (kid != null && (!(kid instanceof String) || ((String) kid).length() > 256)) {
      throw new IllegalArgumentException("the token's key id is not a short string");
    }
    Object typ = header.getValue("typ");
    if (typ != null && !(typ instanceof String)) {
      throw new IllegalArgumentException("the token's type is not a string");
    }
    checkClaimTypes(claims);
    return new CompactJws(token, header, claims);
  }

  String algorithm() {
    return header.getString("alg");
  }

  String keyId() {
    return header.getString("kid");
  }

  String issuer() {
    return claims.getString("iss");
  }

  /** Registered claims must have their RFC 7519 types; the subject is required. */
  private static void checkClaimTypes(JsonObject claims) {
    if (!(claims.getValue("iss") instanceof String)) {
      throw new IllegalArgumentException("the token names no issuer");
    }
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String) || ((String) sub).isBlank() || ((String) sub).length() > 255) {
      throw new IllegalArgumentException("the token names no subject");
    }
    for (String date : new String[] {"exp", "nbf", "iat", "iatms"}) {
      Object v = claims.getValue(date);
      if (v != null && (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue())
        || ((Number) v).doubleValue() < 0 || ((Number) v).doubleValue() > 1e15)) {
        throw new IllegalArgumentException("the token's '" + date + "' claim is not a date in seconds");
      }
    }
    Object aud = claims.getValue("aud");
    if (aud != null && !(aud instanceof String)) {
      if (!(aud instanceof JsonArray) || ((JsonArray) aud).stream().anyMatch(a -> !(a instanceof String))) {
        throw new IllegalArgumentException("the token's audience is neither a string nor a list of strings");
      }
    }
    Object jti = claims.getValue("jti");
    if (jti != null && !(jti instanceof String)) {
      throw new IllegalArgumentException("the token's id is not a string");
    }
  }

  private static JsonObject object(String part, String what) {
    byte[] bytes = canonical(part, what);
    try {
      return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the token's " + what + " is not a JSON object");
    }
  }

  /**
   * Decodes one part, refusing any spelling but the canonical one: the decoder tolerates non-zero
   * trailing bits, which would let one token be written several ways (and slip past a cache).
   */
  private static byte[] canonical(String part, String what) {
    byte[] bytes;
    try {
      bytes = DECODER.decode(part);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token's " + what + " is not base64url");
    }
    if (!ENCODER.encodeToString(bytes).equals(part)) {
      throw new IllegalArgumentException("the token's " + what + " is not in canonical base64url");
    }
    return bytes;
  }
}
