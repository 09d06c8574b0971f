package org.communityplatform.pages;

import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The profiles module's {@code profiles.account} answer, served on the real bus for tests of this
 * module alone (the profiles module is not on its class path): accounts with an address and whether
 * it is verified, and the {@code events.profiles.user.email_verified} fact it publishes.
 */
final class FakeAccounts implements AutoCloseable {

  private final TestPlatform p;
  private final Map<String, JsonObject> accounts = new ConcurrentHashMap<>();
  private final MessageConsumer<JsonObject> consumer;

  FakeAccounts(TestPlatform p) {
    this.p = p;
    this.consumer = p.platform().vertx().eventBus().consumer("profiles.account", m -> {
      JsonObject a = accounts.get(m.body().getString("org") + "|" + m.body().getString("userId"));
      m.reply(a == null ? new JsonObject().put("exists", false) : a.copy().put("exists", true));
    });
    PagesTestSupport.eventually(() -> org.assertj.core.api.Assertions.assertThat(consumer.isRegistered()).isTrue());
  }

  /** An account whose address is not verified yet. */
  FakeAccounts registered(String org, String userId, String email) {
    accounts.put(org + "|" + userId, new JsonObject().put("email", email).put("emailVerified", false)
      .put("roles", new io.vertx.core.json.JsonArray().add("user")).put("status", "active"));
    return this;
  }

  /** The account verifies its address: the answer changes and the fact is published. */
  FakeAccounts verify(String org, String userId, String email) {
    accounts.put(org + "|" + userId, new JsonObject().put("email", email).put("emailVerified", true)
      .put("roles", new io.vertx.core.json.JsonArray().add("user")).put("status", "active"));
    p.platform().vertx().eventBus().publish("events.profiles.user.email_verified",
      new JsonObject().put("org", org).put("userId", userId).put("email", email));
    return this;
  }

  @Override
  public void close() {
    TestPlatform.await(consumer.unregister());
  }
}
