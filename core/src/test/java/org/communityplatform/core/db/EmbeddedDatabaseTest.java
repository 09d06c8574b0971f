package org.communityplatform.core.db;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;
import org.communityplatform.testing.TestPlatform.Res;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The platform's own embedded PostgreSQL: durable settings, password authentication only, a dead
 * postmaster answered 503 and then restarted, and a start after {@code kill -9} of the platform
 * that succeeds at once with the acknowledged writes there.
 */
class EmbeddedDatabaseTest {

  private static JsonObject embeddedConfig(Path dir, int watchdogSeconds) {
    return new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", dir.toString()))
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", "embedded-test-secret-0123456789-0123456789")))
      .put("db", new JsonObject().put("url", "").put("embedded", new JsonObject()
        .put("dir", dir.resolve("pg").toString()).put("watchdogSeconds", watchdogSeconds)));
  }

  private static long postmasterPid(Path pgDir) throws Exception {
    return Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A platform in a process of its own on {@code dir}, once its /api/health answers 200. */
  private static Process startChild(Path dir, Path pg, int port) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder child = new ProcessBuilder(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
      "-cp", cp, "org.communityplatform.core.Platform"))
      .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
    child.environment().putAll(Map.of("PLATFORM_HTTP_PORT", String.valueOf(port), "PLATFORM_HTTP_HOST", "127.0.0.1",
      "PLATFORM_DATA_DIR", dir.toString(), "PLATFORM_DB_EMBEDDED_DIR", pg.toString(), "PLATFORM_HTTP_INSTANCES", "1"));
    Process platform = child.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    boolean up = false;
    while (!up && System.nanoTime() < deadline && platform.isAlive()) {
      up = healthy(port);
      if (!up) {
        Thread.sleep(200);
      }
    }
    if (!up) {
      platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(up).as("child platform came up; log: %s", dir.resolve("child.log")).isTrue();
    return platform;
  }

  private static boolean healthy(int port) throws InterruptedException {
    return answers200(port, "/api/health");
  }

  private static boolean answers200(int port, String path) throws InterruptedException {
    try {
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void aSecondStartOnADataDirectoryInUseIsRefusedAndLeavesTheRunningNodeAlone() throws Exception {
    Path dir = TestPlatform.tempDir();
    Path pg = dir.resolve("pg");
    int port = freePort();
    Process platform = startChild(dir, pg, port);
    try {
      long postmaster = postmasterPid(pg);
      assertThatThrownBy(() -> TestPlatform.startWith(embeddedConfig(dir, 0), Map.of()).close())
        .hasMessageContaining("in use by another running platform process");
      // the running node's database was not stopped: same postmaster, still serving
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isTrue();
      assertThat(postmasterPid(pg)).isEqualTo(postmaster);
      assertThat(answers200(port, "/health/ready")).as("readiness: database reachable").isTrue();
    } finally {
      platform.destroy();
      platform.waitFor(60, TimeUnit.SECONDS);
      platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Kills the postmaster and its backends at once, as a crash (or the OOM killer) would. */
  private static void killPostgres(Path pgDir) throws Exception {
    ProcessHandle postmaster = ProcessHandle.of(postmasterPid(pgDir)).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    postmaster.destroyForcibly();
    all.forEach(ProcessHandle::destroyForcibly);
    postmaster.onExit().get(30, TimeUnit.SECONDS);
    for (ProcessHandle h : all) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  private static Res addNote(TestPlatform p, String text) {
    return p.post("/probe/notes").json(new JsonObject().put("text", text)).send();
  }

  @Test
  void durablePrivateAndA503WhileThePostmasterIsDownThenRestarted() throws Exception {
    Path dir = TestPlatform.tempDir();
    Path pg = dir.resolve("pg");
    try (TestPlatform p = TestPlatform.startWith(embeddedConfig(dir, 0), Map.of())) {
      assertThat(p.sql("SHOW fsync").get(0).getString(0)).isEqualTo("on");
      assertThat(p.sql("SHOW synchronous_commit").get(0).getString(0)).isEqualTo("on");
      assertThat(p.sql("SHOW full_page_writes").get(0).getString(0)).isEqualTo("on");

      Path password = pg.resolve(EmbeddedServer.PASSWORD_FILE);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(password))).isEqualTo("rw-------");
      String hba = Files.readString(pg.resolve("pg_hba.conf"));
      assertThat(hba.lines().filter(l -> !l.startsWith("#"))).isNotEmpty()
        .allSatisfy(l -> assertThat(l).doesNotContain("trust").startsWith("host ").endsWith("scram-sha-256"));
      String url = "jdbc:postgresql://127.0.0.1:" + p.platform().database().connectOptions().getPort() + "/postgres";
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres")).isInstanceOf(SQLException.class);
      DriverManager.getConnection(url, "postgres", Files.readString(password).trim()).close();

      assertThat(addNote(p, "before the crash").status()).isEqualTo(201);
      killPostgres(pg);
      Res write = addNote(p, "while down");
      assertThat(write.status()).as(write.toString()).isEqualTo(503);
      assertThat(write.errorCode()).isEqualTo("unavailable");
      assertThat(write.header("Retry-After")).isNotBlank();
      assertThat(p.get("/health/ready").send().status()).isEqualTo(503);
    }

    // the same data directory after a crashed postmaster: starts, with the data, and a watchdog
    try (TestPlatform p = TestPlatform.startWith(embeddedConfig(dir, 1), Map.of())) {
      assertThat(p.sql("SELECT text FROM probe.notes").stream().map(r -> r.getString(0)).toList())
        .containsExactly("before the crash");
      long first = postmasterPid(pg);
      killPostgres(pg);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      Res write = addNote(p, "after the restart");
      while (write.status() != 201 && System.nanoTime() < deadline) {
        assertThat(write.status()).as(write.toString()).isEqualTo(503);
        Thread.sleep(250);
        write = addNote(p, "after the restart");
      }
      assertThat(write.status()).as("the watchdog starts the postmaster again").isEqualTo(201);
      assertThat(postmasterPid(pg)).isNotEqualTo(first);
      assertThat(p.get("/health/ready").send().status()).isEqualTo(200);
      assertThat(p.sql("SELECT count(*) FROM probe.notes").get(0).getLong(0)).isEqualTo(2);
    }
    // stopped with the platform (the postmaster removes its pid file as the last step of its exit)
    long gone = System.nanoTime() + 15_000_000_000L;
    while (Files.exists(pg.resolve("postmaster.pid")) && System.nanoTime() < gone) {
      Thread.sleep(100);
    }
    assertThat(Files.exists(pg.resolve("postmaster.pid"))).isFalse();
  }

  @Test
  void aStartAfterKillDashNineOfThePlatformSucceedsWithTheAcknowledgedWrites() throws Exception {
    Path dir = TestPlatform.tempDir();
    Path pg = dir.resolve("pg");
    int port = freePort();
    Process platform = startChild(dir, pg, port);
    int acknowledged = 0;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = "http://127.0.0.1:" + port;
      for (int i = 0; i < 200; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/probe/notes"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("text", "n" + i).encode())).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(201);
        acknowledged++;
      }
    } finally {
      platform.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // the killed platform's postmaster is still running: the next start has to deal with it
    long orphan = postmasterPid(pg);
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isTrue();

    try (TestPlatform again = TestPlatform.startWith(embeddedConfig(dir, 0), Map.of())) {
      assertThat(again.sql("SELECT count(*) FROM probe.notes").get(0).getLong(0)).isEqualTo(acknowledged);
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      JsonArray some = again.get("/probe/notes").send().json().getJsonArray("data");
      assertThat(some).contains("n0");
    }
    assertThat(new File(pg.toFile(), "postmaster.pid")).doesNotExist();
  }
}
