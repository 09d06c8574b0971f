package org.communityplatform.core.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.config.ConfigException;
import org.communityplatform.testing.SharedPostgres;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Cluster mode inside one JVM: start-up checks, events published on one node reaching every other,
 * the health view of members, and that a single node starts no Hazelcast at all. The multi-process
 * tests (placement, failover, kill -9) are in the app module.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterModeTest {

  static final String SECRET = "cluster-test-secret-cluster-test-secret-0123";

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject nodeConfig(String cluster, String dbUrl, int port, List<Integer> ports, String nodeName) {
    JsonArray members = new JsonArray();
    ports.forEach(p -> members.add("127.0.0.1:" + p));
    return new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", TestPlatform.tempDir().toString()))
      .put("db", new JsonObject().put("url", dbUrl).put("poolSize", 4))
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", SECRET)))
      .put("cluster", new JsonObject().put("enabled", true).put("name", cluster).put("nodeName", nodeName)
        .put("host", "127.0.0.1").put("port", port).put("members", members).put("maxNoHeartbeatSeconds", 5));
  }

  @Test
  void aSingleNodeStartsNoHazelcastAndSaysSo() {
    int before = Hazelcast.getAllHazelcastInstances().size();
    try (TestPlatform p = TestPlatform.start()) {
      assertThat(p.platform().cluster()).isNull();
      assertThat(Hazelcast.getAllHazelcastInstances()).hasSize(before);
      JsonObject cluster = check(p, "cluster");
      assertThat(cluster.getString("status")).isEqualTo("UP");
      assertThat(cluster.getJsonObject("data").getString("mode")).isEqualTo("single");
      JsonObject self = cluster.getJsonObject("data").getJsonArray("members").getJsonObject(0);
      assertThat(self.getBoolean("gateway")).isTrue();
      assertThat(self.getJsonObject("modules").containsKey("probe")).isTrue();
    }
  }

  @Test
  void clusterModeRefusesTheEmbeddedDatabase() {
    int before = Hazelcast.getAllHazelcastInstances().size();
    JsonObject cfg = nodeConfig("refuse-" + UUID.randomUUID(), "", freePort(), List.of(), "n1");
    assertThatThrownBy(() -> TestPlatform.startWith(cfg, Map.of()))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("cluster mode needs one PostgreSQL shared by every node")
      .hasMessageContaining("db.url");
    assertThat(Hazelcast.getAllHazelcastInstances()).hasSize(before);
  }

  @Test
  void clusterModeNeedsOneSigningKeyForAllNodes() {
    JsonObject cfg = nodeConfig("refuse-" + UUID.randomUUID(), "postgresql://u:p@127.0.0.1:1/x", freePort(), List.of(), "n1");
    cfg.getJsonObject("auth").getJsonObject("jwt").put("secret", "");
    assertThatThrownBy(() -> TestPlatform.startWith(cfg, Map.of()))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("auth.jwt.secret");
  }

  @Test
  void badClusterKeysAreNamed() {
    JsonObject cfg = nodeConfig("", "postgresql://u:p@127.0.0.1:1/x", 0, List.of(), "n1");
    cfg.getJsonObject("cluster").put("members", new JsonArray().add("127.0.0.1:notaport"))
      .put("maxNoHeartbeatSeconds", 1);
    assertThatThrownBy(() -> TestPlatform.startWith(cfg, Map.of()))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("cluster.name")
      .hasMessageContaining("cluster.port")
      .hasMessageContaining("cluster.members")
      .hasMessageContaining("cluster.maxNoHeartbeatSeconds");
  }

  @Test
  void theShippedClusterXmlLoadsAndKeepsTheVertxBackups() {
    JsonObject c = new JsonObject().put("enabled", true).put("name", "community-platform").put("host", "127.0.0.1")
      .put("hazelcastConfig", Path.of("..", "config", "cluster.xml").toString());
    JsonObject cfg = new JsonObject().put("cluster", c)
      .put("db", new JsonObject().put("url", "postgresql://u:p@127.0.0.1:1/x"))
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", SECRET)));
    Config hz = ClusterSettings.from(cfg).hazelcastConfig();
    assertThat(hz.getClusterName()).isEqualTo("community-platform");
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(hz.getMultiMapConfigs().get("__vertx.subs").getBackupCount()).isEqualTo(1);

    // the programmatic configuration says the same things
    JsonObject prog = cfg.copy();
    prog.put("cluster", new JsonObject().put("enabled", true).put("name", "x").put("host", "127.0.0.1")
      .put("port", 5801).put("members", new JsonArray().add("127.0.0.1:5801")).put("multicast", false)
      .put("heartbeatSeconds", 1).put("maxNoHeartbeatSeconds", 7));
    Config p = ClusterSettings.from(prog).hazelcastConfig();
    assertThat(p.getClusterName()).isEqualTo("x");
    assertThat(p.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(p.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801");
    assertThat(p.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(p.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("7");
    assertThat(p.getMultiMapConfigs().get("__vertx.subs").getBackupCount()).isEqualTo(1);
  }

  @Test
  void eventsPublishedOnOneNodeReachEveryNodeAndHealthListsTheMembers() throws Exception {
    String name = "events-" + UUID.randomUUID();
    String db = SharedPostgres.newDatabaseUrl();
    List<Integer> ports = List.of(freePort(), freePort(), freePort());
    List<CompletableFuture<TestPlatform>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonObject cfg = nodeConfig(name, db, ports.get(i), ports, "node-" + (char) ('a' + i));
      starting.add(CompletableFuture.supplyAsync(() -> TestPlatform.startWith(cfg, Map.of())));
    }
    List<TestPlatform> nodes = new ArrayList<>();
    try {
      for (CompletableFuture<TestPlatform> f : starting) {
        nodes.add(f.get(90, TimeUnit.SECONDS));
      }
      // every node sees the other two
      long deadline = System.currentTimeMillis() + 30_000;
      while (nodes.stream().anyMatch(n -> n.platform().cluster().members().size() != 3)) {
        assertThat(System.currentTimeMillis()).as("three members within 30 s").isLessThan(deadline);
        Thread.sleep(100);
      }

      // a consumer on each node; an event published on node a reaches all of them
      List<CompletableFuture<JsonObject>> received = new ArrayList<>();
      List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
      for (TestPlatform n : nodes) {
        CompletableFuture<JsonObject> got = new CompletableFuture<>();
        MessageConsumer<JsonObject> c = n.platform().vertx().eventBus()
          .consumer("events.test.member.joined", msg -> got.complete(msg.body()));
        TestPlatform.await(c.completion());
        consumers.add(c);
        received.add(got);
      }
      JsonObject event = new JsonObject().put("org", "o1").put("userId", "u-" + UUID.randomUUID());
      // registrations travel through Hazelcast; publish until every node has it (at most a few tries)
      long until = System.currentTimeMillis() + 10_000;
      while (received.stream().anyMatch(r -> !r.isDone()) && System.currentTimeMillis() < until) {
        nodes.get(0).platform().vertx().eventBus().publish("events.test.member.joined", event);
        Thread.sleep(200);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(received.get(i).get(1, TimeUnit.SECONDS)).as("event on node " + i).isEqualTo(event);
      }
      // and from node c: the others get it again
      List<CompletableFuture<JsonObject>> second = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        CompletableFuture<JsonObject> got = new CompletableFuture<>();
        TestPlatform.await(consumers.get(i).unregister());
        TestPlatform.await(nodes.get(i).platform().vertx().eventBus()
          .<JsonObject>consumer("events.test.page.created", msg -> got.complete(msg.body())).completion());
        second.add(got);
      }
      until = System.currentTimeMillis() + 10_000;
      JsonObject event2 = new JsonObject().put("pageId", UUID.randomUUID().toString());
      while (second.stream().anyMatch(r -> !r.isDone()) && System.currentTimeMillis() < until) {
        nodes.get(2).platform().vertx().eventBus().publish("events.test.page.created", event2);
        Thread.sleep(200);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(second.get(i).get(1, TimeUnit.SECONDS)).isEqualTo(event2);
      }

      // GET /health/ready on any node lists the three members and what each runs (a member that
      // does not answer in time is listed as such: on a busy machine, ask again)
      JsonObject cluster = check(nodes.get(1), "cluster").getJsonObject("data");
      long healthDeadline = System.currentTimeMillis() + 20_000;
      while (cluster.getJsonArray("members").stream().anyMatch(m -> ((JsonObject) m).containsKey("state"))
        && System.currentTimeMillis() < healthDeadline) {
        Thread.sleep(200);
        cluster = check(nodes.get(1), "cluster").getJsonObject("data");
      }
      assertThat(cluster.getString("mode")).isEqualTo("cluster");
      assertThat(cluster.getString("name")).isEqualTo(name);
      assertThat(cluster.getString("self")).isEqualTo("node-b");
      JsonArray members = cluster.getJsonArray("members");
      assertThat(members).hasSize(3);
      List<String> names = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        names.add(m.getString("node"));
        assertThat(m.getBoolean("gateway")).isTrue();
        assertThat(m.getJsonObject("modules").getJsonObject("probe").getInteger("instances")).isEqualTo(1);
        assertThat(m.getString("address")).startsWith("127.0.0.1:");
      }
      assertThat(names).containsExactlyInAnyOrder("node-a", "node-b", "node-c");
      assertThat(cluster.getJsonObject("modules").getJsonArray("probe").getList())
        .containsExactlyInAnyOrder("node-a", "node-b", "node-c");
    } finally {
      for (CompletableFuture<TestPlatform> f : starting) {
        try {
          f.get(90, TimeUnit.SECONDS).close();
        } catch (Exception e) {
          // did not start, or did not stop cleanly: nothing more to do here
        }
      }
    }
  }

  static JsonObject check(TestPlatform p, String id) {
    TestPlatform.Res r = p.get("/health/ready").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonArray checks = r.json().getJsonArray("checks");
    for (int i = 0; i < checks.size(); i++) {
      if (id.equals(checks.getJsonObject(i).getString("id"))) {
        return checks.getJsonObject(i);
      }
    }
    throw new AssertionError("no check " + id + " in " + r);
  }
}
