package org.communityplatform.events;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live streams held per principal on this node (one user of an organisation, or one API token),
 * capped at {@code stream.maxConnectionsPerPrincipal} so one caller cannot take the node's whole
 * {@code stream.maxConnections} from every other tenant.
 */
final class StreamSlots {

  private final int max;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  StreamSlots(int max) {
    this.max = max;
  }

  /** A slot for {@code principal}, or null when it already holds {@code max}. */
  Slot take(String principal) {
    boolean[] taken = {false};
    held.compute(principal, (k, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0] ? new Slot(principal) : null;
  }

  /** One taken slot; {@link #release} gives it back once, however often it is called. */
  final class Slot {
    private final String principal;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(String principal) {
      this.principal = principal;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        held.computeIfPresent(principal, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}
