package org.communityplatform.chatsync;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: after attempt n the wait is {@code min(max, base * 2^(n-1))}, drawn
 * uniformly from its upper half ("equal jitter"), so that steps failing together do not retry together.
 */
final class Backoff {

  private final long baseMs;
  private final long maxMs;

  Backoff(long baseMs, long maxMs) {
    this.baseMs = baseMs;
    this.maxMs = Math.max(baseMs, maxMs);
  }

  /** The wait after {@code attempts} failed attempts (1 or more), in milliseconds. */
  long delayMs(int attempts) {
    int shift = Math.min(Math.max(attempts - 1, 0), 30);
    long ceiling = Math.min(maxMs, baseMs << shift);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }
}
