package org.communityplatform.core.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The HS256 secret of the platform's own tokens: {@code auth.jwt.secret}, or, when that is empty,
 * a random 384-bit secret generated once into {@code <data.dir>/jwt-secret} (mode 600).
 */
final class SigningKey {

  private static final Logger LOG = LoggerFactory.getLogger(SigningKey.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private SigningKey() {
  }

  /** Reads (or generates, on a worker thread) the secret named by {@code config}. */
  static Future<String> load(Vertx vertx, JsonObject config) {
    String configured = config.getJsonObject("auth").getJsonObject("jwt").getString("secret", "");
    if (!configured.isBlank()) {
      return Future.succeededFuture(configured);
    }
    Path dir = Path.of(config.getJsonObject("data").getString("dir"));
    return vertx.executeBlocking(() -> devSecret(dir));
  }

  private static String devSecret(Path dataDir) throws Exception {
    Path file = dataDir.resolve("jwt-secret");
    if (Files.isRegularFile(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    Files.createDirectories(dataDir);
    byte[] bytes = new byte[48];
    RANDOM.nextBytes(bytes);
    String s = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Files.writeString(file, s, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    LOG.warn("no auth.jwt.secret configured: generated a development signing key in {}", file.toAbsolutePath());
    return s;
  }
}
