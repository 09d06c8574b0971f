package org.communityplatform.pages;

import io.vertx.core.json.JsonObject;

/** The module's configuration ({@code modules.pages}), defaults as in config/platform.yaml. */
final class Settings {

  /** How long the module waits for the profiles module, in milliseconds. */
  final long lookupTimeoutMs;
  /** Whether an invitation queues a mail to the invited address. */
  final boolean inviteEmails;

  Settings(JsonObject cfg) {
    JsonObject c = cfg == null ? new JsonObject() : cfg;
    Object t = c.getValue("lookupTimeoutMs");
    this.lookupTimeoutMs = Math.max(100, t instanceof Number ? ((Number) t).longValue() : 2000L);
    Object m = c.getValue("inviteEmails");
    this.inviteEmails = !(m instanceof Boolean) || (Boolean) m;
  }
}
