package org.communityplatform.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One server process of the bench: a platform node ({@code java -jar community-platform.jar}, set up
 * through PLATFORM_* environment overrides only) or the baseline. Start-up time is measured from
 * the process spawn to the first 200 of its health route.
 */
final class Node {

  final String name;
  final Process process;
  final int port;
  final Path log;
  /** Spawn to first served request, ms; -1 when it never came (or the node serves no HTTP). */
  final long startupMs;

  private Node(String name, Process process, int port, Path log, long startupMs) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
    this.startupMs = startupMs;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The environment of a platform node: our database, our secret, loopback only, a data dir in work. */
  static Map<String, String> platformEnv(Path dataDir, String dbUrl, String secret, int httpPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PLATFORM_HTTP_HOST", "127.0.0.1");
    env.put("PLATFORM_HTTP_PORT", Integer.toString(httpPort));
    env.put("PLATFORM_DB_URL", dbUrl);
    env.put("PLATFORM_AUTH_JWT_SECRET", secret);
    env.put("PLATFORM_DATA_DIR", dataDir.toString());
    // the outbox poller's statements would blur the per-request statement counts
    env.put("PLATFORM_MAIL_POLLMS", "600000");
    return env;
  }

  /**
   * Starts a platform node and waits (at most {@code timeoutMs}) for its first 200 on /api/health.
   * With {@code waitHttp} false (a node without gateway), returns once the log says it is ready.
   */
  static Node startPlatform(String name, Path jar, List<String> jvmOpts, Map<String, String> env, Path workDir,
                            boolean waitHttp, long timeoutMs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmOpts);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    Path log = workDir.resolve("logs").resolve(name + ".log");
    Path dir = workDir.resolve("nodes").resolve(name);
    int port = Integer.parseInt(env.getOrDefault("PLATFORM_HTTP_PORT", "0"));
    long t0 = System.nanoTime();
    Process p = Procs.start(cmd, dir, env, log);
    long ms;
    if (waitHttp) {
      long at = Http.waitFor200("http://127.0.0.1:" + port + "/api/health", timeoutMs, p);
      ms = at < 0 ? -1 : (at - t0) / 1_000_000;
    } else {
      ms = waitForLog(log, "platform ready in", timeoutMs, p) ? (System.nanoTime() - t0) / 1_000_000 : -1;
    }
    Node n = new Node(name, p, port, log, ms);
    if (ms < 0) {
      String tail = tail(log, 40);
      n.stop();
      throw new IOException(name + " did not start within " + timeoutMs + " ms (exit "
        + (p.isAlive() ? "none" : p.exitValue()) + "); log " + log + ":\n" + tail);
    }
    return n;
  }

  /** The baseline server: {@link BaselineServer} in a JVM of its own, same database. */
  static Node startBaseline(Path workDir, String dbUrl, int poolSize, int instances, List<String> jvmOpts)
    throws IOException, InterruptedException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmOpts);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(BaselineServer.class.getName());
    cmd.add(Integer.toString(port));
    cmd.add(dbUrl);
    cmd.add(Integer.toString(poolSize));
    cmd.add(Integer.toString(instances));
    Path log = workDir.resolve("logs").resolve("baseline.log");
    long t0 = System.nanoTime();
    Process p = Procs.start(cmd, workDir.resolve("nodes").resolve("baseline"), Map.of(), log);
    long at = Http.waitFor200("http://127.0.0.1:" + port + "/health", 60_000, p);
    Node n = new Node("baseline", p, port, log, at < 0 ? -1 : (at - t0) / 1_000_000);
    if (at < 0) {
      String tail = tail(log, 40);
      n.stop();
      throw new IOException("the baseline did not start; log " + log + ":\n" + tail);
    }
    return n;
  }

  static boolean waitForLog(Path log, String needle, long timeoutMs, Process p) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline && p.isAlive()) {
      try {
        if (Files.exists(log) && Files.readString(log).contains(needle)) {
          return true;
        }
      } catch (IOException | java.io.UncheckedIOException ignored) {
        // being written
      }
      Thread.sleep(20);
    }
    return false;
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** Peak resident set size (VmHWM) in MB, or -1. */
  long peakRssMb() {
    long kb = Procs.procStatusKb(process.pid(), "VmHWM");
    return kb < 0 ? -1 : kb / 1024;
  }

  long rssMb() {
    long kb = Procs.procStatusKb(process.pid(), "VmRSS");
    return kb < 0 ? -1 : kb / 1024;
  }

  void stop() {
    Procs.stop(process, 20);
  }
}
