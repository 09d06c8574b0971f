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

/** Webhooks: patterns, secret rotation, audit entries, management rights and the organisation boundary. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhooksTest {

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
  void patternsChooseTheEventsAndARotatedSecretSignsWhatFollows() throws Exception {
    try (Receiver rx = new Receiver()) {
      JsonObject h = hook(rx.url(), "backlog.item.updated");
      String id = write("quiet");
      p.get().patch("/api/backlog/" + id).org(Cfg.TOKEN_ORG).json(new JsonObject().put("status", "done")).send();
      Receiver.Call c = rx.take(10);
      assertThat(c.json().getString("type")).isEqualTo("backlog.item.updated");
      assertThat(Receiver.verifies(h.getString("secret"), c)).isTrue();

      JsonObject rotated = as(p.get().post("/api/webhooks/" + h.getString("id") + "/rotate-secret")).send().json();
      assertThat(rotated.getString("secret")).startsWith("whsec_").isNotEqualTo(h.getString("secret"));
      p.get().patch("/api/backlog/" + id).org(Cfg.TOKEN_ORG).json(new JsonObject().put("status", "open")).send();
      Receiver.Call after = rx.take(10);
      assertThat(Receiver.verifies(rotated.getString("secret"), after)).isTrue();
      assertThat(Receiver.verifies(h.getString("secret"), after)).isFalse();
      assertThat(rx.next(1)).as("the created event matched no pattern").isNull();

      // the secret is never shown again, and the audit log holds the acts without it
      assertThat(as(p.get().get("/api/webhooks/" + h.getString("id"))).send().json().containsKey("secret")).isFalse();
      var audit = p.get().sql("SELECT action, coalesce(after::text, '') FROM platform.audit_log WHERE org = $1 AND target_id = $2 ORDER BY seq",
        Cfg.TOKEN_ORG, h.getString("id"));
      assertThat(audit).extracting(r -> r.getString(0)).containsExactly("webhook.create", "webhook.rotate_secret");
      assertThat(audit).allSatisfy(r -> assertThat(r.getString(1)).doesNotContain("whsec_"));
      assertThat(as(p.get().delete("/api/webhooks/" + h.getString("id"))).send().status()).isEqualTo(204);
    }
  }

  @Test
  void onlyManagersOfTheOrganisationSeeAndChangeWebhooks() {
    JsonObject h = hook("http://127.0.0.1:9/x", "*");
    String user = p.get().token("plain-user", Cfg.in(Cfg.TOKEN_ORG));
    TestPlatform.Res forbidden = p.get().get("/api/webhooks").org(Cfg.TOKEN_ORG).bearer(user).send();
    assertThat(forbidden.status()).as(forbidden.toString()).isEqualTo(403);
    assertThat(p.get().post("/api/webhooks").org(Cfg.TOKEN_ORG).bearer(user)
      .json(new JsonObject().put("url", "http://127.0.0.1:9/").put("events", new JsonArray().add("*"))).send().status()).isEqualTo(403);
    assertThat(p.get().get("/api/webhooks").send().status()).isEqualTo(401);
    // an admin of another organisation does not find it
    String otherAdmin = p.get().token("admin-2", Cfg.admin().put("org", "elsewhere"));
    assertThat(p.get().get("/api/webhooks/" + h.getString("id")).org("elsewhere").bearer(otherAdmin).send().status()).isEqualTo(404);
    assertThat(p.get().delete("/api/webhooks/" + h.getString("id")).org("elsewhere").bearer(otherAdmin).send().status()).isEqualTo(404);
    // the organisation's own admin does
    String admin = p.get().token("admin-1", Cfg.admin().put("org", Cfg.TOKEN_ORG));
    assertThat(p.get().get("/api/webhooks/" + h.getString("id")).org(Cfg.TOKEN_ORG).bearer(admin).send().status()).isEqualTo(200);
    TestPlatform.Res bad = as(p.get().post("/api/webhooks")).json(new JsonObject().put("url", "ftp://example.com/")
      .put("events", new JsonArray().add("*"))).send();
    assertThat(bad.status()).isEqualTo(400);
    TestPlatform.Res badPattern = as(p.get().post("/api/webhooks")).json(new JsonObject().put("url", "http://127.0.0.1:9/")
      .put("events", new JsonArray().add("Community!"))).send();
    assertThat(badPattern.status()).isEqualTo(400);
    assertThat(as(p.get().delete("/api/webhooks/" + h.getString("id"))).send().status()).isEqualTo(204);
    assertThat(as(p.get().get("/api/webhooks/" + h.getString("id"))).send().status()).isEqualTo(404);
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
