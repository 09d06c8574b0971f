package org.communityplatform.communities;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random tokens, hashes and signatures. The slow ones (password hashing) must run on a worker thread. */
final class Secrets {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final String PBKDF2 = "pbkdf2-sha256";

  private Secrets() {
  }

  /** A random URL-safe token of {@code bytes} random bytes. */
  static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64URL.encodeToString(b);
  }

  static String randomLetters(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return sb.toString();
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hashes a password with PBKDF2-HMAC-SHA256 and a random salt (blocking: call from a worker). */
  static String hashPassword(String password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    return PBKDF2 + "$" + iterations + "$" + B64URL.encodeToString(salt) + "$" + B64URL.encodeToString(hash);
  }

  /** Checks a password against a stored hash in constant time (blocking: call from a worker). */
  static boolean verifyPassword(String password, String stored) {
    if (password == null || stored == null) {
      return false;
    }
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PBKDF2)) {
      return false;
    }
    int iterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getUrlDecoder().decode(parts[2]);
    byte[] expected = Base64.getUrlDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A Stream Chat user token: a JWT signed HS256 with the application secret whose payload names the
   * user in {@code user_id} (and, when {@code expiresAt} is positive, an {@code exp} in epoch seconds).
   */
  static String streamUserToken(String userId, String secret, long expiresAt) {
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    JsonObject payload = new JsonObject().put("user_id", userId);
    if (expiresAt > 0) {
      payload.put("exp", expiresAt);
    }
    String signingInput = B64URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
      + B64URL.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
