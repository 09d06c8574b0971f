package org.communityplatform.app.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.config.ConfigLoader;
import org.communityplatform.core.module.PlatformModule;
import org.communityplatform.testing.SharedPostgres;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three platform nodes as separate JVM processes on 127.0.0.1, joined by Hazelcast, sharing one
 * PostgreSQL: a gateway-only node (every module off) and two module-only nodes running the backlog
 * (no HTTP port), with Vert.x HA between them. A fourth process is a single node (no cluster) for
 * the latency comparison.
 *
 * <p>All four start at once against empty databases, so the migrations run concurrently.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesTest {

  static final String SECRET = "cluster-process-test-secret-0123456789-abcdef";
  static final int REQUEST_TIMEOUT_MS = 3000;
  static final int FAILURE_DETECTION_S = 5;
  static final String LOG_TIME = "yyyy-MM-dd HH:mm:ss.SSS";

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(2)).build();

  static String dbUrl;
  static Node gateway;
  static Node module1;
  static Node module2;
  static Node single;
  static final List<Node> ALL = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    // should this JVM end without @AfterAll (killed, interrupted), its child nodes end with it
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(n -> n.process.destroyForcibly())));
  }

  // ---------------------------------------------------------------------------------- set-up

  @BeforeAll
  static void startNodes() throws Exception {
    dbUrl = SharedPostgres.newDatabaseUrl();
    String singleDb = SharedPostgres.newDatabaseUrl();
    String clusterName = "it-" + UUID.randomUUID();
    int p1 = freePort();
    int p2 = freePort();
    int p3 = freePort();
    String members = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2 + ",127.0.0.1:" + p3;
    List<String> otherModules = otherModulesWithConfig();

    Map<String, String> common = new LinkedHashMap<>();
    common.put("PLATFORM_HTTP_HOST", "127.0.0.1");
    common.put("PLATFORM_HTTP_REQUESTTIMEOUTMS", String.valueOf(REQUEST_TIMEOUT_MS));
    common.put("PLATFORM_DB_URL", dbUrl);
    common.put("PLATFORM_DB_POOLSIZE", "8");
    common.put("PLATFORM_AUTH_JWT_SECRET", SECRET);
    common.put("PLATFORM_CLUSTER_ENABLED", "true");
    common.put("PLATFORM_CLUSTER_NAME", clusterName);
    common.put("PLATFORM_CLUSTER_HOST", "127.0.0.1");
    common.put("PLATFORM_CLUSTER_MEMBERS", members);
    common.put("PLATFORM_CLUSTER_MAXNOHEARTBEATSECONDS", String.valueOf(FAILURE_DETECTION_S));
    for (String m : otherModules) {
      common.put("PLATFORM_MODULES_" + m.toUpperCase() + "_ENABLED", "false");
    }

    Map<String, String> g = new LinkedHashMap<>(common);
    g.put("PLATFORM_CLUSTER_NODENAME", "gateway");
    g.put("PLATFORM_CLUSTER_PORT", String.valueOf(p1));
    g.put("PLATFORM_HTTP_PORT", String.valueOf(freePort()));
    g.put("PLATFORM_MODULES_BACKLOG_ENABLED", "false");

    Map<String, String> m1 = new LinkedHashMap<>(common);
    m1.put("PLATFORM_CLUSTER_NODENAME", "module-1");
    m1.put("PLATFORM_CLUSTER_PORT", String.valueOf(p2));
    m1.put("PLATFORM_GATEWAY_ENABLED", "false");
    // Vert.x HA between the module nodes: the survivor takes over what a dead one ran
    m1.put("PLATFORM_CLUSTER_HA", "true");

    Map<String, String> m2 = new LinkedHashMap<>(m1);
    m2.put("PLATFORM_CLUSTER_NODENAME", "module-2");
    m2.put("PLATFORM_CLUSTER_PORT", String.valueOf(p3));

    Map<String, String> s = new LinkedHashMap<>();
    s.put("PLATFORM_HTTP_HOST", "127.0.0.1");
    s.put("PLATFORM_HTTP_PORT", String.valueOf(freePort()));
    s.put("PLATFORM_HTTP_REQUESTTIMEOUTMS", String.valueOf(REQUEST_TIMEOUT_MS));
    s.put("PLATFORM_DB_URL", singleDb);
    s.put("PLATFORM_DB_POOLSIZE", "8");
    s.put("PLATFORM_AUTH_JWT_SECRET", SECRET);
    for (String m : otherModules) {
      s.put("PLATFORM_MODULES_" + m.toUpperCase() + "_ENABLED", "false");
    }

    long t0 = System.nanoTime();
    gateway = Node.start("gateway", g);
    module1 = Node.start("module-1", m1);
    module2 = Node.start("module-2", m2);
    single = Node.start("single", s);
    for (Node n : List.copyOf(ALL)) {
      Node ready = n.awaitReady(150);
      if (ready != n) {
        // its HTTP port was taken meanwhile (another process on a busy machine): started again on another
        if (n == gateway) {
          gateway = ready;
        } else if (n == module1) {
          module1 = ready;
        } else if (n == module2) {
          module2 = ready;
        } else {
          single = ready;
        }
      }
    }
    // the cluster view settles: three members, the backlog on both module nodes
    waitFor(90, () -> {
      JsonObject v = clusterView();
      return v != null && v.getJsonArray("members").size() == 3
        && v.getJsonObject("modules").getJsonArray("backlog").size() == 2;
    }, "three members, backlog on two nodes");
    System.out.printf("[cluster-test] 3 cluster nodes + 1 single node started together in %d ms%n",
      (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stopNodes() {
    for (Node n : ALL) {
      n.process.destroy();
    }
    for (Node n : ALL) {
      try {
        if (!n.process.waitFor(15, TimeUnit.SECONDS)) {
          n.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        n.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------------------------- tests

  @Test
  @Order(1)
  @Timeout(60)
  void aReadAndAWriteThroughTheGatewayNodeAreAnsweredByTheModuleNodes() throws Exception {
    // placement, as the gateway's health says it: the gateway runs no module, the module nodes no HTTP
    JsonObject view = clusterView();
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    view.getJsonArray("members").forEach(m -> byName.put(((JsonObject) m).getString("node"), (JsonObject) m));
    assertThat(byName.keySet()).containsExactlyInAnyOrder("gateway", "module-1", "module-2");
    assertThat(byName.get("gateway").getBoolean("gateway")).isTrue();
    assertThat(byName.get("gateway").getJsonObject("modules")).isEmpty();
    for (String m : List.of("module-1", "module-2")) {
      assertThat(byName.get(m).getBoolean("gateway")).isFalse();
      assertThat(byName.get(m).getString("http")).isNull();
      assertThat(byName.get(m).getJsonObject("modules").getJsonObject("backlog").getInteger("instances")).isEqualTo(1);
      assertThat(byName.get(m).getString("address")).startsWith("127.0.0.1:");
      assertThat(byName.get(m).getBoolean("ha")).isTrue();
    }
    assertThat(view.getJsonObject("modules").getJsonArray("backlog").getList())
      .containsExactlyInAnyOrder("module-1", "module-2");
    assertThat(module1.log()).contains("no gateway (no HTTP port)");
    assertThat(gateway.log()).contains("cluster node gateway");

    // a write and a read through the gateway node
    String title = "through the gateway " + UUID.randomUUID();
    Resp created = send(gateway, "POST", "/api/backlog", item(title));
    assertThat(created.status).as(created.body).isEqualTo(201);
    String id = new JsonObject(created.body).getString("id");
    Resp read = send(gateway, "GET", "/api/backlog/" + id, null);
    assertThat(read.status).as(read.body).isEqualTo(200);
    assertThat(new JsonObject(read.body).getString("title")).isEqualTo(title);
    Resp list = send(gateway, "GET", "/api/backlog?limit=100", null);
    assertThat(list.status).isEqualTo(200);
    assertThat(new JsonObject(list.body).getJsonArray("data").stream()
      .map(o -> ((JsonObject) o).getString("id"))).contains(id);
    // validation still happens at the gateway: an invalid body never reaches a module
    assertThat(send(gateway, "POST", "/api/backlog", new JsonObject().put("title", "")).status).isEqualTo(400);
    assertThat(sql("SELECT title FROM backlog.items WHERE id = '" + id + "'")).containsExactly(title);

    // the migrations ran once although three nodes started together on the empty database: one
    // module node applied the backlog's, the other found them applied
    assertThat(List.of(module1.log(), module2.log()).stream().filter(l -> l.contains("module backlog: applied")))
      .hasSize(1);
    assertThat(sql("SELECT version || ':' || success FROM backlog.schema_history WHERE version IS NOT NULL"))
      .doesNotHaveDuplicates().allMatch(r -> r.endsWith(":t") || r.endsWith(":true"));
    assertThat(sql("SELECT version || ':' || success FROM platform.schema_history WHERE version IS NOT NULL"))
      .doesNotHaveDuplicates().allMatch(r -> r.endsWith(":t") || r.endsWith(":true")).isNotEmpty();
  }

  @Test
  @Order(2)
  @Timeout(90)
  void latencyThroughAGatewayOnlyNodeAgainstASingleNode() throws Exception {
    // the single node started no Hazelcast and routes the backlog itself
    assertThat(single.log()).contains("single node: gateway on").doesNotContain("com.hazelcast");
    String path = "/api/backlog?limit=1";
    int warmup = 300;
    int measured = 500;
    for (Node n : List.of(gateway, single)) {
      for (int i = 0; i < warmup; i++) {
        assertThat(send(n, "GET", path, null).status).isEqualTo(200);
      }
    }
    long[] viaGateway = new long[measured];
    long[] viaSingle = new long[measured];
    // interleaved, so that both see the same machine load
    for (int i = 0; i < measured; i++) {
      long t = System.nanoTime();
      assertThat(send(gateway, "GET", path, null).status).isEqualTo(200);
      viaGateway[i] = System.nanoTime() - t;
      t = System.nanoTime();
      assertThat(send(single, "GET", path, null).status).isEqualTo(200);
      viaSingle[i] = System.nanoTime() - t;
    }
    System.out.printf("[cluster-test] latency GET %s, %d requests each, one at a time:%n", path, measured);
    System.out.printf("[cluster-test]   gateway-only node -> bus -> module node: %s%n", stats(viaGateway));
    System.out.printf("[cluster-test]   single node:                             %s%n", stats(viaSingle));
  }

  @Test
  @Order(3)
  @Timeout(90)
  void killingOneOfTwoModuleNodesLosesNoAcknowledgedWriteAndWritesSucceedAfterDetection() throws Exception {
    // a steady stream: a write every 20 ms whatever happens to the earlier ones (up to 32 in flight,
    // so that a starved machine is not buried), so that requests keep arriving, and some meet the
    // dead node, during the whole window
    int perSecond = 50;
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
    ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    AtomicInteger seq = new AtomicInteger();
    long[] goneAt = {0};
    long start = System.nanoTime();
    long killAt = start + TimeUnit.SECONDS.toNanos(2);
    long writeUntil = killAt + TimeUnit.SECONDS.toNanos(FAILURE_DETECTION_S + 4);
    long killedAt = 0;
    long killedWallMs = 0;
    Thread watcher = null;
    long next = start;
    while (next < writeUntil) {
      long now = System.nanoTime();
      if (now < next) {
        Thread.sleep(Math.max(1, (next - now) / 1_000_000));
        continue;
      }
      if (killedAt == 0 && now >= killAt) {
        killedAt = System.nanoTime();
        killedWallMs = System.currentTimeMillis();
        module1.process.destroyForcibly();
        long k = killedAt;
        // when does the gateway's view of the cluster lose the dead node?
        watcher = new Thread(() -> {
          while (System.nanoTime() - k < TimeUnit.SECONDS.toNanos(FAILURE_DETECTION_S + 10)) {
            JsonObject v = clusterView();
            if (v != null && v.getJsonArray("members").size() == 2) {
              goneAt[0] = System.nanoTime();
              return;
            }
            try {
              Thread.sleep(50);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "health-watcher");
        watcher.start();
      }
      inFlight.acquire();
      if (System.nanoTime() - next > 200_000_000L) {
        next = System.nanoTime();        // after a stall, go on at the same pace rather than in a burst
      }
      String title = "kill-" + seq.incrementAndGet();
      long sent = System.nanoTime();
      pending.add(HTTP.sendAsync(request(gateway, "POST", "/api/backlog", item(title)), HttpResponse.BodyHandlers.ofString())
        .handle((r, err) -> {
          int status = err != null ? -1 : r.statusCode();
          String detail = err != null ? err.toString() : status == 201 ? new JsonObject(r.body()).getString("id") : r.body();
          writes.add(new Write(title, sent, System.nanoTime(), status, detail));
          inFlight.release();
          return null;
        }));
      next += 1_000_000_000L / perSecond;
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(REQUEST_TIMEOUT_MS + 15_000L, TimeUnit.MILLISECONDS);
    watcher.join(TimeUnit.SECONDS.toMillis(FAILURE_DETECTION_S + 10));
    long killed = killedAt;

    List<Write> all = new ArrayList<>(writes);
    List<Write> acked = all.stream().filter(w -> w.status == 201).toList();
    List<Write> failed = all.stream().filter(w -> w.status != 201).toList();
    long lastFailedSent = failed.stream().mapToLong(w -> w.sentNanos).max().orElse(killed);
    long afterDetection = killed + TimeUnit.SECONDS.toNanos(FAILURE_DETECTION_S + 1);
    List<Write> late = all.stream().filter(w -> w.sentNanos > afterDetection).toList();

    Set<String> stored = new HashSet<>(sql("SELECT id::text FROM backlog.items WHERE title LIKE 'kill-%'"));
    Set<String> storedTitles = new HashSet<>(sql("SELECT title FROM backlog.items WHERE title LIKE 'kill-%'"));
    long failedButStored = failed.stream().filter(w -> storedTitles.contains(w.title)).count();
    Map<Integer, Integer> statuses = new LinkedHashMap<>();
    failed.forEach(w -> statuses.merge(w.status, 1, Integer::sum));

    System.out.printf("[cluster-test] kill -9 of module-1 after %d ms of writing (%d writes/s through the gateway):%n",
      (killed - start) / 1_000_000, perSecond);
    System.out.printf("[cluster-test]   writes: %d, acknowledged (201): %d, errors: %d %s, of which %d were stored anyway%n",
      all.size(), acked.size(), failed.size(), statuses, failedButStored);
    // the gateway logs the moment its cluster member list loses the dead node
    long declaredDeadMs = gateway.logTime("cluster: member left or was declared dead", "127.0.0.1:" + module1.clusterPort)
      - killedWallMs;
    System.out.printf("[cluster-test]   the gateway declared module-1 dead %d ms after the kill (configured bound: %d s);"
      + " its health view showed it %d ms after the kill%n", declaredDeadMs, FAILURE_DETECTION_S, (goneAt[0] - killed) / 1_000_000);
    System.out.printf("[cluster-test]   failover window (kill -> last failed write sent): %d ms; "
      + "%d writes sent after %d s, all answered 201: %s%n",
      Math.max(0, (lastFailedSent - killed) / 1_000_000), late.size(), FAILURE_DETECTION_S + 1,
      late.stream().allMatch(w -> w.status == 201));
    failed.stream().limit(10).forEach(w -> System.out.printf("[cluster-test]     error %d at +%d ms (%d ms): %s%n", w.status,
      (w.sentNanos - killed) / 1_000_000, (w.doneNanos - w.sentNanos) / 1_000_000,
      w.detail.length() > 120 ? w.detail.substring(0, 120) : w.detail));

    // every acknowledged write is in PostgreSQL
    assertThat(stored).containsAll(acked.stream().map(w -> w.detail).toList());
    // the killed node is declared dead within the configured bound (plus a heartbeat and some slack)
    assertThat(declaredDeadMs).isBetween(0L, TimeUnit.SECONDS.toMillis(FAILURE_DETECTION_S + 2));
    assertThat(goneAt[0]).as("the gateway's health view dropped the dead node").isPositive();
    // after the failure-detection window every write succeeds
    assertThat(late).isNotEmpty();
    assertThat(late).allMatch(w -> w.status == 201, "status 201");
    // errors are the bus's own: a timeout (504) or no consumer (503), never a 500 or a hang
    assertThat(failed).allMatch(w -> w.status == 504 || w.status == 503, "504 or 503");
    assertThat(all).allMatch(w -> w.doneNanos - w.sentNanos < TimeUnit.MILLISECONDS.toNanos(REQUEST_TIMEOUT_MS + 5000),
      "answered within the request timeout (and some slack for a busy machine)");
    // the surviving module node serves alone now, and (HA) has taken over the dead node's backlog instance
    waitFor(10, () -> {
      JsonObject v = clusterView();
      return v != null && v.getJsonArray("members").stream().map(m -> (JsonObject) m)
        .anyMatch(m -> "module-2".equals(m.getString("node"))
          && m.getJsonObject("modules").getJsonObject("backlog").getInteger("takenOver", 0) == 1);
    }, "module-2 takes over module-1's backlog (HA)");
    JsonObject view = clusterView();
    assertThat(view.getJsonObject("modules").getJsonArray("backlog").getList()).containsExactly("module-2");
    assertThat(module2.log()).contains("cluster: member left or was declared dead");
  }

  @Test
  @Order(4)
  @Timeout(60)
  void aModuleRunningOnNoNodeAnswers503QuicklyNotAHang() throws Exception {
    long killedAt = System.nanoTime();
    module2.process.destroyForcibly();
    // until the death is noticed a request may still go to the dead node (then 504 after the
    // request timeout); afterwards the gateway knows no node runs the backlog: 503 at once
    List<String> seen = new ArrayList<>();
    long first503 = 0;
    while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(FAILURE_DETECTION_S + 10)) {
      long t = System.nanoTime();
      Resp r = send(gateway, "GET", "/api/backlog", null);
      long ms = (System.nanoTime() - t) / 1_000_000;
      seen.add(r.status + " in " + ms + " ms");
      assertThat(ms).as("no hang: answered within the request timeout").isLessThan(REQUEST_TIMEOUT_MS + 5000);
      if (r.status == 503) {
        first503 = System.nanoTime();
        break;
      }
      assertThat(r.status).isIn(200, 504);
      Thread.sleep(50);
    }
    assertThat(first503).as("503 within the detection window: " + seen).isPositive();
    long[] times = new long[20];
    for (int i = 0; i < times.length; i++) {
      long t = System.nanoTime();
      Resp r = send(gateway, i % 2 == 0 ? "GET" : "POST", "/api/backlog", i % 2 == 0 ? null : item("nowhere " + i));
      times[i] = System.nanoTime() - t;
      assertThat(r.status).isEqualTo(503);
      assertThat(new JsonObject(r.body).getJsonObject("error").getString("code")).isEqualTo("unavailable");
    }
    System.out.printf("[cluster-test] backlog on no node: first 503 %d ms after the kill; then 503 in %s (request timeout %d ms)%n",
      (first503 - killedAt) / 1_000_000, stats(times), REQUEST_TIMEOUT_MS);
    assertThat(Arrays.stream(times).max().orElse(0)).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    // health still answers, and says the backlog runs nowhere
    JsonObject view = clusterView();
    assertThat(view.getJsonArray("members")).hasSize(1);
    assertThat(view.getJsonObject("modules").getJsonArray("backlog")).isEmpty();
  }

  // ---------------------------------------------------------------------------------- helpers

  record Write(String title, long sentNanos, long doneNanos, int status, String detail) {
  }

  record Resp(int status, String body) {
  }

  static JsonObject item(String title) {
    return new JsonObject().put("title", title).put("type", "feature").put("priority", "low").put("session", "api");
  }

  static Resp send(Node node, String method, String path, JsonObject body) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request(node, method, path, body), HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body());
  }

  static HttpRequest request(Node node, String method, String path, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + path))
      .timeout(Duration.ofMillis(REQUEST_TIMEOUT_MS + 10_000L));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    }
    return b.build();
  }

  /** The {@code cluster} check of the gateway's GET /health/ready, or null when it does not answer. */
  static JsonObject clusterView() {
    try {
      Resp r = send(gateway, "GET", "/health/ready", null);
      JsonArray checks = new JsonObject(r.body).getJsonArray("checks");
      for (int i = 0; i < checks.size(); i++) {
        if ("cluster".equals(checks.getJsonObject(i).getString("id"))) {
          return checks.getJsonObject(i).getJsonObject("data");
        }
      }
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  static List<String> sql(String query) throws Exception {
    URI u = URI.create(dbUrl);
    String[] user = u.getUserInfo().split(":", 2);
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(),
      user[0], user[1]); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  static String stats(long[] nanos) {
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    double mean = java.util.Arrays.stream(sorted).average().orElse(0) / 1e6;
    return String.format("p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, mean %.2f ms", sorted[sorted.length / 2] / 1e6,
      sorted[(int) (sorted.length * 0.95)] / 1e6, sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6, mean);
  }

  static void waitFor(int seconds, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what + "; gateway log tail:\n" + gateway.tail());
      }
      Thread.sleep(100);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Modules on the classpath other than the backlog that have a config section (and so can be switched off). */
  static List<String> otherModulesWithConfig() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject defaults = TestPlatform.await(ConfigLoader.load(vertx, null, Map.of(), new Properties(), null));
      JsonObject modules = defaults.getJsonObject("modules");
      List<String> names = new ArrayList<>();
      for (PlatformModule m : ServiceLoader.load(PlatformModule.class)) {
        if (!m.name().equals("backlog") && modules.containsKey(m.name())) {
          names.add(m.name());
        }
      }
      return names;
    } finally {
      vertx.close();
    }
  }

  /** A platform node in a JVM of its own: {@code java -cp <test classpath> org.communityplatform.core.Platform}. */
  static final class Node {
    final String name;
    final Process process;
    final Path logFile;
    final int httpPort;
    final int clusterPort;

    private Map<String, String> env = Map.of();

    private Node(String name, Process process, Path logFile, int httpPort, int clusterPort) {
      this.name = name;
      this.process = process;
      this.logFile = logFile;
      this.httpPort = httpPort;
      this.clusterPort = clusterPort;
    }

    static Node start(String name, Map<String, String> env) throws IOException {
      Path dir = Files.createTempDirectory("cluster-node-" + name);
      Path log = dir.resolve("node.log");
      String classpath = childClasspath();
      List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=" + LOG_TIME,
        "-cp", classpath, "org.communityplatform.core.Platform"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("PLATFORM_"));
      pb.environment().putAll(env);
      pb.environment().put("PLATFORM_DATA_DIR", dir.resolve("data").toString());
      Node node = new Node(name, pb.start(), log, Integer.parseInt(env.getOrDefault("PLATFORM_HTTP_PORT", "-1")),
        Integer.parseInt(env.getOrDefault("PLATFORM_CLUSTER_PORT", "-1")));
      node.env = Map.copyOf(env);
      ALL.add(node);
      return node;
    }

    /**
     * Waits for the start-up line; a node that exited because its HTTP port was taken between
     * {@link #freePort()} and its bind (another process on a busy machine) is started again on
     * another port, at most twice. Returns the node that is ready (this one or its replacement).
     */
    Node awaitReady(int seconds) throws InterruptedException, IOException {
      Node n = this;
      for (int attempt = 0; ; attempt++) {
        try {
          n.awaitLog("platform ready in", seconds);
          return n;
        } catch (AssertionError e) {
          boolean portTaken = !n.process.isAlive() && n.log().contains("BindException")
            && n.env.containsKey("PLATFORM_HTTP_PORT");
          if (!portTaken || attempt >= 2) {
            throw e;
          }
          Map<String, String> again = new LinkedHashMap<>(n.env);
          again.put("PLATFORM_HTTP_PORT", String.valueOf(freePort()));
          ALL.remove(n);
          n = start(name, again);
        }
      }
    }

    String log() {
      try {
        return Files.readString(logFile);
      } catch (IOException e) {
        return "";
      }
    }

    private static String classpath;

    /**
     * The test classpath, with the project's own jars (core, modules; re-installed into ~/.m2 by
     * other builds at any time) copied aside once, so that a node never loads a class from a jar
     * replaced under it.
     */
    static synchronized String childClasspath() throws IOException {
      if (classpath == null) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path dir = Files.createTempDirectory("cluster-test-jars");
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(java.io.File.pathSeparator)) {
          if (e.endsWith(".jar") && e.contains("/org/communityplatform/")) {
            Path copy = dir.resolve(entries.size() + "-" + Path.of(e).getFileName());
            Files.copy(Path.of(e), copy);
            entries.add(copy.toString());
          } else {
            entries.add(e);
          }
        }
        classpath = String.join(java.io.File.pathSeparator, entries);
      }
      return classpath;
    }

    /** Wall-clock time (epoch ms) of the first log line containing both texts; -1 when there is none. */
    long logTime(String text, String also) {
      for (String line : log().split("\n")) {
        if (line.contains(text) && line.contains(also) && line.indexOf(' ') > 0) {
          // the platform's log lines start with an ISO-8601 UTC instant (logback, config/logback.xml)
          return java.time.Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
        }
      }
      return -1;
    }

    String tail() {
      String l = log();
      return l.length() > 6000 ? l.substring(l.length() - 6000) : l;
    }

    void awaitLog(String text, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!log().contains(text)) {
        if (!process.isAlive()) {
          throw new AssertionError("node " + name + " exited with " + process.exitValue() + ":\n" + tail());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("node " + name + " did not log '" + text + "' within " + seconds + " s:\n" + tail());
        }
        Thread.sleep(100);
      }
    }
  }
}
