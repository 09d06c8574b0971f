package org.communityplatform.events;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.SseClient;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A live stream lasts only as long as its credential (an API token revoked, a JWT expired ends it),
 * one caller cannot take a node's stream capacity, and a cookie-authenticated WebSocket upgrade is
 * refused from a foreign origin.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamCredentialTest {

  static final String APP = "https://app.example.org";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(config());

  private static JsonObject config() {
    JsonObject c = Cfg.events();
    c.getJsonObject("modules").getJsonObject("events").getJsonObject("stream").put("maxConnectionsPerPrincipal", 2);
    // the server's own origin (CORS origins are checked the same way, and by core's CORS handler before)
    return c.put("http", new JsonObject().put("publicUrl", APP + "/"));
  }

  private static SseClient sse(Map<String, String> headers) {
    return SseClient.open(p.get().port(), "/api/events/stream", headers);
  }

  private static WebSocketConnectOptions ws(Map<String, String> headers) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(p.get().port())
      .setURI("/api/events/ws");
    headers.forEach(o::addHeader);
    return o;
  }

  @Test
  @Order(1)
  void revokingAnApiTokenEndsItsSseAndWebSocketStreamsAtOnce() throws Exception {
    String admin = p.get().token("boss", Cfg.admin().put("org", "acme"));
    TestPlatform.Res made = p.get().post("/api/admin/api-tokens").bearer(admin).json(new JsonObject().put("name", "feed")).send();
    assertThat(made.status()).as(made.toString()).isEqualTo(201);
    String token = made.json().getString("token");
    Vertx vertx = Vertx.vertx();
    try (SseClient stream = sse(Map.of("x-api-token", token))) {
      assertThat(stream.status()).isEqualTo(200);
      WebSocket socket = TestPlatform.await(vertx.createWebSocketClient().connect(ws(Map.of("x-api-token", token))));
      CompletableFuture<Short> closed = new CompletableFuture<>();
      socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
      assertThat(stream.ended(2)).as("open while the token is good").isFalse();

      assertThat(p.get().delete("/api/admin/api-tokens/" + made.json().getString("id")).bearer(admin).send().status()).isIn(200, 204);

      assertThat(stream.ended(5)).as("the SSE stream ends when its token is revoked").isTrue();
      assertThat(closed.get(5, TimeUnit.SECONDS)).as("policy violation").isEqualTo((short) 1008);
    } finally {
      TestPlatform.await(vertx.close());
    }
  }

  @Test
  @Order(2)
  void oneCallerGetsAtMostItsShareOfStreamsWith429AndRetryAfter() {
    Map<String, String> greedy = Map.of("Authorization", "Bearer " + p.get().token("greedy", Cfg.in("cap")), "orgid", "cap");
    List<SseClient> held = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        SseClient c = sse(greedy);
        held.add(c);
        assertThat(c.status()).isEqualTo(200);
      }
      TestPlatform.Res third = p.get().get("/api/events/stream").org("cap").bearer(p.get().token("greedy", Cfg.in("cap"))).send();
      third.assertError(429);
      assertThat(third.header("Retry-After")).isNotBlank();
      try (SseClient other = sse(Map.of("Authorization", "Bearer " + p.get().token("modest", Cfg.in("cap")), "orgid", "cap"))) {
        assertThat(other.status()).as("another caller is not denied").isEqualTo(200);
      }
      held.remove(0).close();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int status;
      do {
        SseClient again = sse(greedy);
        status = again.status();
        if (status == 200) {
          held.add(again);
        } else {
          again.close();
        }
      } while (status != 200 && System.nanoTime() < end);
      assertThat(status).as("a closed stream gives its slot back").isEqualTo(200);
    } finally {
      held.forEach(SseClient::close);
    }
  }

  @Test
  @Order(3)
  void aCookieUpgradeFromAForeignOriginIsRefusedAndFromAnAllowedOneAccepted() {
    String token = p.get().token("cookie", Cfg.in("cs"));
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, String> evil = Map.of("Cookie", "__session=" + token, "Origin", "https://evil.example", "orgid", "cs");
      assertThatThrownBy(() -> TestPlatform.await(vertx.createWebSocketClient().connect(ws(evil))))
        .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
      TestPlatform.Res plain = p.get().get("/api/events/ws").header("Cookie", "__session=" + token)
        .header("Origin", "https://evil.example").org("cs").send();
      plain.assertError(403);

      Map<String, String> good = Map.of("Cookie", "__session=" + token, "Origin", APP, "orgid", "cs");
      TestPlatform.await(TestPlatform.await(vertx.createWebSocketClient().connect(ws(good))).close());
      // a bearer header cannot be set by a cross-site page, so the origin does not matter for it
      Map<String, String> bearer = Map.of("Authorization", "Bearer " + token, "Origin", "https://evil.example", "orgid", "cs");
      TestPlatform.await(TestPlatform.await(vertx.createWebSocketClient().connect(ws(bearer))).close());
    } finally {
      TestPlatform.await(vertx.close());
    }
  }

  /** Last: it moves the platform clock. */
  @Test
  @Order(99)
  void aJwtStreamEndsWhenTheTokenExpiresThoughHeartbeatsWouldKeepItOpen() {
    try (SseClient stream = sse(Map.of("Authorization", "Bearer " + p.get().token("brief", Cfg.in("exp")), "orgid", "exp"))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.nextComment(5)).isNotNull();
      assertThat(stream.ended(2)).isFalse();
      p.get().clock().advance(Duration.ofDays(2));
      assertThat(stream.ended(5)).as("ended at the next heartbeat after exp").isTrue();
    }
  }
}
