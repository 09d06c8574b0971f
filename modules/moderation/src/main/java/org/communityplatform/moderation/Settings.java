package org.communityplatform.moderation;

import io.vertx.core.json.JsonObject;

/** The module's configuration ({@code modules.moderation} in config/platform.yaml, where each key is described). */
final class Settings {

  final long askTimeoutMs;
  final int queueMaxLimit;
  final int auditMaxLimit;

  /** Reads the section; a value out of range fails start-up with {@link IllegalArgumentException}. */
  Settings(JsonObject config) {
    JsonObject c = config == null ? new JsonObject() : config;
    askTimeoutMs = c.getLong("askTimeoutMs", 5000L);
    queueMaxLimit = c.getInteger("queueMaxLimit", 100);
    auditMaxLimit = c.getInteger("auditMaxLimit", 200);
    if (askTimeoutMs < 100 || askTimeoutMs > 60_000) {
      throw new IllegalArgumentException("modules.moderation.askTimeoutMs must be between 100 and 60000");
    }
    // the contract's own maxima (100 and 200) bound what a client can ask for; these may only lower them
    if (queueMaxLimit < 1 || queueMaxLimit > 100) {
      throw new IllegalArgumentException("modules.moderation.queueMaxLimit must be between 1 and 100");
    }
    if (auditMaxLimit < 1 || auditMaxLimit > 200) {
      throw new IllegalArgumentException("modules.moderation.auditMaxLimit must be between 1 and 200");
    }
  }
}
