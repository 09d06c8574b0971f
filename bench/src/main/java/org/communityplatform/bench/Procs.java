package org.communityplatform.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Child processes of the bench (platform nodes, baseline, wrk). Every one is registered here and
 * killed by {@link #stopAll()}, which a JVM shutdown hook also runs: nothing outlives the bench.
 */
final class Procs {

  private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Procs::stopAll, "bench-procs-stop"));
  }

  private Procs() {
  }

  /** Starts {@code cmd} in {@code dir} with extra {@code env}; stdout and stderr go to {@code log}. */
  static Process start(List<String> cmd, Path dir, Map<String, String> env, Path log) throws IOException {
    Files.createDirectories(dir);
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    // nothing of the caller's own PLATFORM_* settings leaks into a node: only what the bench sets
    pb.environment().keySet().removeIf(k -> k.startsWith("PLATFORM_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    RUNNING.add(p);
    return p;
  }

  /** SIGTERM, then SIGKILL after {@code graceSeconds}. */
  static void stop(Process p, int graceSeconds) {
    if (p == null) {
      return;
    }
    try {
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      RUNNING.remove(p);
    }
  }

  static void stopAll() {
    for (Process p : new ArrayList<>(RUNNING)) {
      stop(p, 10);
    }
  }

  /** Runs a command to completion within {@code timeoutSeconds} and returns its output (killed if late). */
  static String run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
    Path out = Files.createTempFile("bench-cmd", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      Process p = pb.start();
      RUNNING.add(p);
      try {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
          throw new IOException("command timed out after " + timeoutSeconds + " s: " + cmd);
        }
      } finally {
        RUNNING.remove(p);
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** A field of /proc/{pid}/status in kB (VmHWM: peak resident set; VmRSS: current), or -1. */
  static long procStatusKb(long pid, String field) {
    return procStatusKbFile("/proc/" + pid + "/status", field);
  }

  /** A "Field: N kB" line of a /proc file, in kB, or -1. */
  static long procStatusKbFile(String file, String field) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The 1-minute load average, for noting next to each figure. */
  static String loadAvg() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0];
    } catch (IOException e) {
      return "?";
    }
  }
}
