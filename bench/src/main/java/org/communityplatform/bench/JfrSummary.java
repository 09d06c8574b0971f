package org.communityplatform.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Summarises a JFR recording of the platform: where the CPU samples are (top frames by self time,
 * top frames by inclusive time within the platform's and the libraries' packages, threads), what
 * allocates, and GC pauses. Also runnable on its own: {@code JfrSummary <file.jfr> [n]}.
 */
public final class JfrSummary {

  private JfrSummary() {
  }

  public static void main(String[] args) throws IOException {
    System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
  }

  static String summarize(Path file, int n) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> pkgSelf = new HashMap<>();
    Map<String, Long> alloc = new HashMap<>();
    Map<String, Long> allocSite = new HashMap<>();
    long sampleCount = 0;
    long gcCount = 0;
    Duration gcPause = Duration.ZERO;
    Duration gcMax = Duration.ZERO;
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        String type = e.getEventType().getName();
        switch (type) {
          case "jdk.ExecutionSample" -> {
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
              continue;
            }
            sampleCount++;
            List<RecordedFrame> frames = st.getFrames();
            String top = frame(frames.get(0));
            self.merge(top, 1, Integer::sum);
            pkgSelf.merge(pkg(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
              String name = frame(f);
              if (seen.add(name)) {
                inclusive.merge(name, 1, Integer::sum);
              }
            }
            String t = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(t == null ? "?" : t, 1, Integer::sum);
          }
          case "jdk.ObjectAllocationSample" -> {
            long w = e.getLong("weight");
            String cls = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
            alloc.merge(cls, w, Long::sum);
            RecordedStackTrace st = e.getStackTrace();
            if (st != null) {
              for (RecordedFrame f : st.getFrames()) {
                String name = frame(f);
                if (name.startsWith("org.communityplatform")) {
                  allocSite.merge(name, w, Long::sum);
                  break;
                }
              }
            }
          }
          case "jdk.GarbageCollection" -> {
            gcCount++;
            Duration d = e.getDuration("sumOfPauses");
            gcPause = gcPause.plus(d);
            if (d.compareTo(gcMax) > 0) {
              gcMax = d;
            }
          }
          default -> {
          }
        }
      }
    }
    final long samples = sampleCount;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%d execution samples; GC: %d collections, %d ms paused in all, longest %d ms%n",
      samples, gcCount, gcPause.toMillis(), gcMax.toMillis()));
    sb.append("\nthreads (share of samples):\n");
    top(threads, 10).forEach((k, v) -> sb.append(pct(v, samples)).append("  ").append(k).append('\n'));
    sb.append("\nself time by package:\n");
    top(pkgSelf, 12).forEach((k, v) -> sb.append(pct(v, samples)).append("  ").append(k).append('\n'));
    sb.append("\ntop frames, self time:\n");
    top(self, n).forEach((k, v) -> sb.append(pct(v, samples)).append("  ").append(k).append('\n'));
    sb.append("\ntop frames of the platform and its libraries, inclusive time:\n");
    Map<String, Integer> lib = inclusive.entrySet().stream().filter(en -> en.getKey().startsWith("org.communityplatform")
        || en.getKey().startsWith("io.vertx.ext") || en.getKey().startsWith("io.vertx.openapi")
        || en.getKey().startsWith("io.vertx.json") || en.getKey().startsWith("io.vertx.pgclient")
        || en.getKey().startsWith("io.vertx.sqlclient") || en.getKey().startsWith("io.vertx.core.eventbus")
        || en.getKey().startsWith("com.fasterxml") || en.getKey().startsWith("com.hazelcast")
        || en.getKey().startsWith("org.flywaydb.core.Flyway") || en.getKey().startsWith("org.yaml.snakeyaml.Yaml"))
      .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    top(lib, n).forEach((k, v) -> sb.append(pct(v, samples)).append("  ").append(k).append('\n'));
    final long allocTotal = alloc.values().stream().mapToLong(Long::longValue).sum();
    sb.append(String.format(Locale.ROOT, "%nallocation (sampled weight, %d MB in all), by class:%n", allocTotal >> 20));
    top(alloc, 10).forEach((k, v) -> sb.append(pct(v, allocTotal)).append("  ").append(k).append('\n'));
    sb.append("allocation by first platform frame:\n");
    top(allocSite, 10).forEach((k, v) -> sb.append(pct(v, allocTotal)).append("  ").append(k).append('\n'));
    return sb.toString();
  }

  private static String frame(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static String pkg(RecordedFrame f) {
    String t = f.getMethod().getType().getName();
    String[] parts = t.split("\\.");
    return parts.length <= 3 ? t.substring(0, Math.max(0, t.lastIndexOf('.'))) : String.join(".", List.of(parts).subList(0, 3));
  }

  private static String pct(long v, long total) {
    return String.format(Locale.ROOT, "%5.1f%%", total == 0 ? 0 : 100.0 * v / total);
  }

  private static <V extends Comparable<V>> Map<String, V> top(Map<String, V> m, int n) {
    return m.entrySet().stream().sorted(Map.Entry.<String, V>comparingByValue().reversed()).limit(n)
      .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
  }
}
