package org.communityplatform.events;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.SharedPostgres;
import org.communityplatform.testing.SseClient;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real cluster members (Hazelcast on 127.0.0.1, one database): an event written through node A
 * reaches a stream client on node B (PostgreSQL notifies every listening node), and a webhook is
 * delivered once, not once per node.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EventsClusterTest {

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject node(String cluster, String db, int port, List<Integer> ports, String name) {
    JsonArray members = new JsonArray();
    ports.forEach(p -> members.add("127.0.0.1:" + p));
    JsonObject cfg = Cfg.events();
    return cfg
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", TestPlatform.tempDir().toString()))
      .put("db", new JsonObject().put("url", db).put("poolSize", 4))
      .put("auth", cfg.getJsonObject("auth").put("jwt", new JsonObject().put("secret", "events-cluster-secret-events-cluster-0123")))
      .put("cluster", new JsonObject().put("enabled", true).put("name", cluster).put("nodeName", name)
        .put("host", "127.0.0.1").put("port", port).put("members", members).put("maxNoHeartbeatSeconds", 5));
  }

  @Test
  void aWriteOnOneNodeReachesStreamsOnTheOtherAndAWebhookOnce() throws Exception {
    String cluster = "events-" + UUID.randomUUID();
    String db = SharedPostgres.newDatabaseUrl();
    List<Integer> ports = List.of(freePort(), freePort());
    List<CompletableFuture<TestPlatform>> starting = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      JsonObject cfg = node(cluster, db, ports.get(i), ports, "node-" + (char) ('a' + i));
      starting.add(CompletableFuture.supplyAsync(() -> TestPlatform.startWith(cfg, Map.of())));
    }
    List<TestPlatform> nodes = new ArrayList<>();
    try (Receiver rx = new Receiver()) {
      for (CompletableFuture<TestPlatform> f : starting) {
        nodes.add(f.get(120, TimeUnit.SECONDS));
      }
      TestPlatform a = nodes.get(0);
      TestPlatform b = nodes.get(1);
      JsonObject hook = a.post("/api/webhooks").header("x-api-token", Cfg.API_TOKEN)
        .json(new JsonObject().put("url", rx.url()).put("events", new JsonArray().add("backlog.*"))).send().json();
      try (SseClient onB = SseClient.open(b.port(), "/api/events/stream", Map.of("x-api-token", Cfg.API_TOKEN))) {
        assertThat(onB.status()).isEqualTo(200);
        for (int i = 1; i <= 3; i++) {
          assertThat(a.post("/api/backlog").org(Cfg.TOKEN_ORG).json(Cfg.item("via A " + i)).send().status()).isEqualTo(201);
        }
        List<SseClient.Record> got = onB.take(3, 15);
        assertThat(got).extracting(r -> r.data().getJsonObject("data").getString("title"))
          .containsExactly("via A 1", "via A 2", "via A 3");
      }
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ids.add(rx.take(15).id());
      }
      assertThat(ids).doesNotHaveDuplicates();
      // both nodes poll every 100 ms: any second sending would show within a few seconds
      assertThat(rx.next(3)).as("a delivery sent twice").isNull();
      JsonArray deliveries = b.get("/api/webhooks/" + hook.getString("id") + "/deliveries").header("x-api-token", Cfg.API_TOKEN)
        .send().json().getJsonArray("data");
      assertThat(deliveries).hasSize(3);
      deliveries.forEach(d -> assertThat(((JsonObject) d).getJsonArray("attempts")).hasSize(1));
    } finally {
      for (TestPlatform n : nodes) {
        n.close();
      }
    }
  }
}
