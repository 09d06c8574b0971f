package org.communityplatform.events;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing secrets and signatures of the Standard Webhooks specification (standardwebhooks.com,
 * "Signature scheme"): a secret is {@code whsec_} + base64 of random bytes; the signature of a
 * message is {@code v1,} + base64 of HMAC-SHA256, keyed with the decoded secret bytes, over
 * {@code <webhook-id>.<webhook-timestamp>.<body>}.
 */
final class Signatures {

  static final String PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {
  }

  /** A new secret: {@code whsec_} + base64 of 32 random bytes. */
  static String newSecret() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The {@code webhook-signature} header value for one message. */
  static String sign(String secret, String msgId, long timestampSeconds, byte[] body) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update((msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
