package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/** The {@code modules.events} configuration section, checked once; config/platform.yaml documents each key. */
record Settings(int retentionDays, int purgeBatch, long purgeIntervalSeconds, long visibilityTimeoutMs,
                long heartbeatSeconds, int maxConnections, int maxConnectionsPerPrincipal, long streamPollMs,
                boolean allowPrivateTargets, int maxWebhooksPerOrg, long webhookTimeoutMs, long webhookPollMs,
                List<Long> retrySchedule, int jitterPercent, long disableAfterSeconds) {

  static Settings from(JsonObject c) {
    JsonObject stream = c.getJsonObject("stream", new JsonObject());
    JsonObject hooks = c.getJsonObject("webhooks", new JsonObject());
    List<Long> schedule = new ArrayList<>();
    JsonArray raw = hooks.getJsonArray("retrySchedule", new JsonArray().add(5).add(30).add(120).add(600));
    for (Object o : raw) {
      long s = o instanceof Number ? ((Number) o).longValue() : Long.parseLong(String.valueOf(o).trim());
      if (s < 0 || s > 7 * 86400) {
        throw new IllegalArgumentException("key 'modules.events.webhooks.retrySchedule' holds waits of 0 to 604800 seconds");
      }
      schedule.add(s);
    }
    Settings s = new Settings(c.getInteger("retentionDays", 30), c.getInteger("purgeBatch", 5000),
      c.getLong("purgeIntervalSeconds", 3600L), c.getLong("visibilityTimeoutMs", 2000L),
      stream.getLong("heartbeatSeconds", 15L), stream.getInteger("maxConnections", 10000),
      stream.getInteger("maxConnectionsPerPrincipal", 20), stream.getLong("pollMs", 1000L),
      hooks.getBoolean("allowPrivateTargets", false), hooks.getInteger("maxPerOrganisation", 20),
      hooks.getLong("timeoutMs", 10000L), hooks.getLong("pollMs", 1000L), List.copyOf(schedule),
      hooks.getInteger("jitterPercent", 50), hooks.getLong("disableAfterSeconds", 259200L));
    s.check();
    return s;
  }

  private void check() {
    require(retentionDays >= 1, "retentionDays", "at least 1");
    require(purgeBatch >= 1 && purgeBatch <= 100_000, "purgeBatch", "between 1 and 100000");
    require(purgeIntervalSeconds >= 1, "purgeIntervalSeconds", "at least 1");
    require(heartbeatSeconds >= 1, "stream.heartbeatSeconds", "at least 1");
    require(maxConnections >= 1, "stream.maxConnections", "at least 1");
    require(maxConnectionsPerPrincipal >= 1 && maxConnectionsPerPrincipal <= 100_000, "stream.maxConnectionsPerPrincipal",
      "between 1 and 100000");
    require(streamPollMs >= 10, "stream.pollMs", "at least 10");
    require(maxWebhooksPerOrg >= 1 && maxWebhooksPerOrg <= 1000, "webhooks.maxPerOrganisation", "between 1 and 1000");
    require(webhookTimeoutMs >= 100, "webhooks.timeoutMs", "at least 100");
    require(webhookPollMs >= 10, "webhooks.pollMs", "at least 10");
    require(jitterPercent >= 0 && jitterPercent <= 100, "webhooks.jitterPercent", "between 0 and 100");
    require(disableAfterSeconds >= 1, "webhooks.disableAfterSeconds", "at least 1");
  }

  private static void require(boolean ok, String key, String what) {
    if (!ok) {
      throw new IllegalArgumentException("key 'modules.events." + key + "' must be " + what);
    }
  }

  /** Attempts a delivery gets in all: the first and one per scheduled retry. */
  int maxAttempts() {
    return retrySchedule.size() + 1;
  }
}
