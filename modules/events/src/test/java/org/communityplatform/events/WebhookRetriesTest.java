package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhook retries on the platform clock: the signature a receiver checks from the specification,
 * a receiver failing twice then answering (three attempts in the log, same webhook-id), redelivery,
 * and disabling after the configured run of failures. Only the API token calls here: the clock moves.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookRetriesTest {

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(Cfg.events());

  private static TestPlatform.Req as(TestPlatform.Req r) {
    return r.header("x-api-token", Cfg.API_TOKEN);
  }

  private static JsonObject hook(String url, String... events) {
    JsonObject h = as(p.get().post("/api/webhooks")).json(new JsonObject().put("url", url)
      .put("events", new JsonArray(java.util.List.of((Object[]) events))).put("description", "test")).send().json();
    assertThat(h.getString("secret")).as(h.encode()).startsWith("whsec_");
    return h;
  }

  private static String write(String title) {
    return p.get().post("/api/backlog").org(Cfg.TOKEN_ORG).json(Cfg.item(title)).send().json().getString("id");
  }

  private static JsonObject deliveries(String hookId) {
    TestPlatform.Res r = as(p.get().get("/api/webhooks/" + hookId + "/deliveries")).send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json();
  }

  @Test
  void aDeliveryIsSignedAsTheSpecificationSaysAndFailingTwiceGivesThreeLoggedAttempts() throws Exception {
    try (Receiver rx = new Receiver().answer(500, 503)) {
      JsonObject h = hook(rx.url(), "backlog.item.created");
      String secret = h.getString("secret");
      assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSizeBetween(24, 32);
      String item = write("signed");

      Receiver.Call first = rx.take(10);
      assertThat(Receiver.verifies(secret, first)).isTrue();
      assertThat(first.json().getString("type")).isEqualTo("backlog.item.created");
      assertThat(first.json().getJsonObject("subject").getString("itemId")).isEqualTo(item);
      assertThat(Long.parseLong(first.timestamp())).isCloseTo(p.get().clock().instant().getEpochSecond(), org.assertj.core.data.Offset.offset(30L));
      // a tampered body does not verify
      assertThat(Receiver.verifies(secret, new Receiver.Call(first.id(), first.timestamp(), first.signature(), first.body() + " "))).isFalse();

      // the first retry is due within 10 s of platform time, the second within 45 s more
      // (each failure is recorded, with its next retry time, before the clock moves)
      JsonObject pending = awaitAttempts(h.getString("id"), 1);
      // the delivery log's fields while a retry waits: status, counts, the next retry time, the attempt
      assertThat(pending.getString("status")).isEqualTo("pending");
      assertThat(pending.getInteger("attemptCount")).isEqualTo(1);
      assertThat(pending.getString("eventType")).isEqualTo("backlog.item.created");
      assertThat(pending.getLong("eventId")).isEqualTo(first.json().getLong("id"));
      Instant retry = Instant.parse(pending.getString("nextAttemptAt"));
      assertThat(retry).isAfter(p.get().clock().instant().minusSeconds(1)).isBefore(p.get().clock().instant().plusSeconds(11));
      JsonObject failed = pending.getJsonArray("attempts").getJsonObject(0);
      assertThat(failed.getInteger("statusCode")).isEqualTo(500);
      assertThat(failed.getLong("durationMs")).isNotNegative();
      assertThat(failed.getString("at")).isNotNull();
      assertThat(rx.next(1)).isNull();
      p.get().clock().advance(Duration.ofSeconds(10));
      Receiver.Call second = rx.take(10);
      awaitAttempts(h.getString("id"), 2);
      p.get().clock().advance(Duration.ofSeconds(50));
      Receiver.Call third = rx.take(10);
      assertThat(second.id()).isEqualTo(first.id());
      assertThat(third.id()).isEqualTo(first.id());
      assertThat(third.body()).isEqualTo(first.body());
      assertThat(Receiver.verifies(secret, third)).isTrue();

      JsonObject d = awaitStatus(h.getString("id"), "delivered");
      JsonArray attempts = d.getJsonArray("attempts");
      assertThat(attempts).hasSize(3);
      assertThat(attempts.stream().map(a -> ((JsonObject) a).getInteger("statusCode"))).containsExactly(500, 503, 200);
      assertThat(attempts.stream().map(a -> ((JsonObject) a).getInteger("attempt"))).containsExactly(1, 2, 3);
      assertThat(attempts.getJsonObject(0).getString("error")).contains("500");
      assertThat(d.getString("nextAttemptAt")).isNull();
      assertThat("msg_" + d.getString("id")).isEqualTo(first.id());

      // redeliver sends the same message once more and logs a fourth attempt
      TestPlatform.Res re = as(p.get().post("/api/webhooks/" + h.getString("id") + "/deliveries/" + d.getString("id") + "/redeliver")).send();
      assertThat(re.status()).isEqualTo(202);
      Receiver.Call again = rx.take(10);
      assertThat(again.id()).isEqualTo(first.id());
      assertThat(Receiver.verifies(secret, again)).isTrue();
      assertThat(awaitAttempts(h.getString("id"), 4).getJsonArray("attempts").getJsonObject(3).getInteger("statusCode")).isEqualTo(200);
    }
  }


  @Test
  void anEndpointFailingForTheConfiguredTimeIsDisabledWithAnEvent() {
    try (Receiver rx = new Receiver().answer(500, 500, 500, 500, 500, 500)) {
      JsonObject h = hook(rx.url(), "backlog.item.created");
      String hookId = h.getString("id");
      write("doomed 1");
      rx.take(10);
      awaitAttempts(hookId, 1);
      assertThat(as(p.get().get("/api/webhooks/" + hookId)).send().json().getString("failingSince")).isNotNull();
      p.get().clock().advance(Duration.ofSeconds(Cfg.DISABLE_AFTER + 1));
      write("doomed 2");
      rx.take(10);
      JsonObject now = awaitDisabled(hookId);
      assertThat(now.getString("disabledReason")).isNotBlank();
      var events = p.get().sql("SELECT subject->>'webhookId' FROM platform.events WHERE org = $1 AND type = 'webhook.disabled'", Cfg.TOKEN_ORG);
      assertThat(events).extracting(r -> r.getString(0)).contains(hookId);
      // enabling again clears the failure run
      JsonObject on = as(p.get().patch("/api/webhooks/" + hookId)).json(new JsonObject().put("enabled", true)).send().json();
      assertThat(on.getBoolean("enabled")).isTrue();
      assertThat(on.getString("failingSince")).isNull();
      as(p.get().delete("/api/webhooks/" + hookId)).send();
    }
  }


  private static JsonObject awaitStatus(String hookId, String status) {
    Instant end = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(end)) {
      JsonObject d = deliveries(hookId).getJsonArray("data").getJsonObject(0);
      if (status.equals(d.getString("status"))) {
        return d;
      }
      sleep();
    }
    throw new AssertionError("delivery never became " + status + ": " + deliveries(hookId).encode());
  }

  private static JsonObject awaitAttempts(String hookId, int n) {
    Instant end = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(end)) {
      JsonObject d = deliveries(hookId).getJsonArray("data").getJsonObject(0);
      if (d.getJsonArray("attempts").size() >= n) {
        return d;
      }
      sleep();
    }
    throw new AssertionError("fewer than " + n + " attempts: " + deliveries(hookId).encode());
  }

  private static JsonObject awaitDisabled(String hookId) {
    Instant end = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(end)) {
      JsonObject h = as(p.get().get("/api/webhooks/" + hookId)).send().json();
      if (!h.getBoolean("enabled")) {
        return h;
      }
      sleep();
    }
    throw new AssertionError("webhook never disabled: " + as(p.get().get("/api/webhooks/" + hookId)).send().json().encode()
      + " " + deliveries(hookId).encode());
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
