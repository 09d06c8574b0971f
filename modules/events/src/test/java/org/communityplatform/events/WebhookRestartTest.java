package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.SharedPostgres;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A delivery waiting for its retry survives a platform restart: its state is in PostgreSQL. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookRestartTest {

  @Test
  void aRetryDueAfterARestartIsStillDelivered() throws Exception {
    JsonObject cfg = Cfg.events()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", TestPlatform.tempDir().toString()))
      .put("db", new JsonObject().put("url", SharedPostgres.newDatabaseUrl()).put("poolSize", 8))
      .put("auth", Cfg.events().getJsonObject("auth").put("jwt", new JsonObject().put("secret", "restart-secret-restart-secret-0123456789")));
    try (Receiver rx = new Receiver().answer(500)) {
      String hookId;
      String secret;
      String firstId;
      try (TestPlatform a = TestPlatform.startWith(cfg, Map.of())) {
        JsonObject h = a.post("/api/webhooks").header("x-api-token", Cfg.API_TOKEN)
          .json(new JsonObject().put("url", rx.url()).put("events", new JsonArray().add("backlog.*"))).send().json();
        hookId = h.getString("id");
        secret = h.getString("secret");
        a.post("/api/backlog").org(Cfg.TOKEN_ORG).json(Cfg.item("survives")).send();
        firstId = rx.take(10).id();
        awaitAttempts(a, hookId, 1);
      }
      try (TestPlatform b = TestPlatform.startWith(cfg, Map.of())) {
        b.clock().advance(Duration.ofSeconds(10));
        Receiver.Call retry = rx.take(15);
        assertThat(retry.id()).isEqualTo(firstId);
        assertThat(Receiver.verifies(secret, retry)).isTrue();
        JsonObject d = awaitAttempts(b, hookId, 2);
        assertThat(d.getString("status")).isEqualTo("delivered");
        assertThat(rx.next(1)).isNull();
      }
    }
  }

  private static JsonObject awaitAttempts(TestPlatform t, String hookId, int n) throws InterruptedException {
    Instant end = Instant.now().plusSeconds(15);
    JsonObject d = null;
    while (Instant.now().isBefore(end)) {
      JsonArray data = t.get("/api/webhooks/" + hookId + "/deliveries").header("x-api-token", Cfg.API_TOKEN).send().json()
        .getJsonArray("data");
      d = data.isEmpty() ? null : data.getJsonObject(0);
      if (d != null && d.getJsonArray("attempts").size() >= n && !"pending".equals(n > 1 ? d.getString("status") : "x")) {
        return d;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("fewer than " + n + " attempts: " + d);
  }
}
