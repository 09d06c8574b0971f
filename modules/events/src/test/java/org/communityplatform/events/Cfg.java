package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Test configuration: fast polls, a one-second heartbeat, private webhook targets allowed, a bootstrap API token. */
final class Cfg {

  static final String API_TOKEN = "events-test-api-token-0123456789abcdef";
  static final String TOKEN_ORG = "acme";
  /** Seconds of failures before a webhook is disabled (short: tests move the clock past it). */
  static final int DISABLE_AFTER = 120;

  private Cfg() {
  }

  static JsonObject events() {
    return new JsonObject()
      .put("auth", new JsonObject().put("apiToken", API_TOKEN).put("apiTokenOrg", TOKEN_ORG))
      .put("modules", new JsonObject().put("events", new JsonObject()
        .put("stream", new JsonObject().put("heartbeatSeconds", 1).put("pollMs", 200))
        .put("webhooks", new JsonObject().put("allowPrivateTargets", true).put("pollMs", 100).put("timeoutMs", 2000)
          .put("retrySchedule", new JsonArray().add(5).add(30)).put("jitterPercent", 50).put("disableAfterSeconds", DISABLE_AFTER))));
  }

  static JsonObject item(String title) {
    return new JsonObject().put("title", title).put("type", "bug").put("priority", "high").put("session", "web");
  }

  static JsonObject admin() {
    return new JsonObject().put("roles", new JsonArray().add("admin"));
  }

  /** Claims of a user of {@code org} (a token belongs to one organisation). */
  static JsonObject in(String org) {
    return new JsonObject().put("org", org);
  }
}
