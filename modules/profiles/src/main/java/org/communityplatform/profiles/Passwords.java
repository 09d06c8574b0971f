package org.communityplatform.profiles;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;

/**
 * bcrypt (2b) password hashing on worker threads, never on an event loop. Passwords longer than
 * bcrypt's 72 bytes are pre-hashed with SHA-512 instead of being cut off.
 */
final class Passwords {

  private static final BCrypt.Version VERSION = BCrypt.Version.VERSION_2B;
  private final Vertx vertx;
  private final int cost;
  /** A real hash to check against when the account does not exist, so both cases take as long. */
  private volatile String dummy;

  Passwords(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION))
      .hashToString(cost, password.toCharArray()), false);
  }

  /** Checks a password; with a null hash it spends the same time and answers false. */
  Future<Boolean> verify(String password, String hash) {
    return vertx.executeBlocking(() -> {
      String against = hash;
      if (against == null) {
        if (dummy == null) {
          dummy = BCrypt.with(VERSION, LongPasswordStrategies.hashSha512(VERSION))
            .hashToString(cost, "no-such-account".toCharArray());
        }
        against = dummy;
      }
      boolean ok = BCrypt.verifyer(VERSION, LongPasswordStrategies.hashSha512(VERSION))
        .verify(password.getBytes(StandardCharsets.UTF_8), against.getBytes(StandardCharsets.UTF_8)).verified;
      return ok && hash != null;
    }, false);
  }
}
