package org.communityplatform.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Mints the platform's own tokens (HS256, iss/aud {@code community-platform}, {@code sub} = user id,
 * {@code org}, {@code email}, {@code roles}) with the secret the bench passes to the platform as
 * {@code PLATFORM_AUTH_JWT_SECRET}: the same tokens registration or login would hand out, without
 * paying a login per benchmark request.
 */
final class Tokens {

  static final String ISSUER = "community-platform";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

  private final Mac mac;
  private final long iat;
  private final long exp;

  Tokens(String secret, long ttlSeconds) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    // issued a little in the past: the platform tolerates clock skew, but not tokens from the future
    iat = System.currentTimeMillis() / 1000 - 5;
    exp = iat + ttlSeconds;
  }

  /** A token for {@code sub} in organisation {@code org}. */
  String mint(String sub, String org, String email, String... roles) {
    JsonObject claims = new JsonObject()
      .put("iss", ISSUER).put("aud", ISSUER).put("sub", sub).put("org", org)
      .put("iat", iat).put("exp", exp);
    if (email != null) {
      claims.put("email", email);
    }
    claims.put("roles", new JsonArray(java.util.List.of((Object[]) (roles.length == 0 ? new String[] {"user"} : roles))));
    String payload = B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    String signingInput = HEADER + "." + payload;
    byte[] sig;
    synchronized (mac) {
      sig = mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8));
    }
    return signingInput + "." + B64.encodeToString(sig);
  }

  /** Writes one token per line for users {@code prefix}{@code from..from+count-1}: the Lua scripts read them. */
  Path writeFile(Path file, String org, int count, java.util.function.IntFunction<String> userId) throws IOException {
    Files.createDirectories(file.getParent());
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < count; i++) {
        String u = userId.apply(i);
        w.write(mint(u, org, u + "@bench.example"));
        w.write('\n');
      }
    }
    return file;
  }
}
