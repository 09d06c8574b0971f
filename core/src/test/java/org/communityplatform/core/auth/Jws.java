package org.communityplatform.core.auth;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/** Hand-made compact JWS for tests: any header, any payload, HMAC or RSA signatures. */
final class Jws {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jws() {
  }

  static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] b) {
    return B64.encodeToString(b);
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(KeyPair kp) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
      .encodeToString(kp.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  /** The public key as a JWK (RFC 7517) with {@code kid}. */
  static JsonObject jwk(KeyPair kp, String kid) {
    RSAPublicKey pub = (RSAPublicKey) kp.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
      .put("n", b64(unsigned(pub.getModulus()))).put("e", b64(unsigned(pub.getPublicExponent())));
  }

  private static byte[] unsigned(BigInteger i) {
    byte[] b = i.toByteArray();
    if (b[0] == 0 && b.length > 1) {
      byte[] t = new byte[b.length - 1];
      System.arraycopy(b, 1, t, 0, t.length);
      return t;
    }
    return b;
  }

  static String hmac(String alg, byte[] key, JsonObject header, JsonObject payload) {
    String input = b64(header.encode()) + "." + b64(payload.encode());
    return input + "." + b64(mac(alg, key, input));
  }

  static byte[] mac(String alg, byte[] key, String input) {
    try {
      String name = "Hmac" + alg.replace("HS", "SHA");
      Mac m = Mac.getInstance(name);
      m.init(new SecretKeySpec(key, name));
      return m.doFinal(input.getBytes(StandardCharsets.US_ASCII));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String hs256(String secret, JsonObject payload) {
    return hmac("HS256", secret.getBytes(StandardCharsets.UTF_8), new JsonObject().put("alg", "HS256").put("typ", "JWT"),
      payload);
  }

  static String rs256(PrivateKey key, JsonObject header, JsonObject payload) {
    try {
      String input = b64(header.encode()) + "." + b64(payload.encode());
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(s.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(KeyPair kp, JsonObject payload) {
    return rs256(kp.getPrivate(), new JsonObject().put("alg", "RS256").put("typ", "JWT"), payload);
  }
}
