package org.communityplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command-line options of a bench run ({@link #usage()} lists them). */
final class Options {
  boolean smoke;
  int duration = 10;
  int warmup = 3;
  int threads = 2;
  int connections = 32;
  boolean cluster = true;
  boolean profile = true;
  boolean xl;
  boolean embeddedStartup = true;
  /** The event log phase ({@link EventsPhase}): on in a full run; in smoke mode only with --events. */
  Boolean events;
  /** The audit log phase ({@link AuditPhase}): on in a full run; in smoke mode only with --audit. */
  Boolean audit;
  Path root = Path.of("").toAbsolutePath();
  Path jar;
  Path work;
  Path results;
  List<String> only = List.of();
  List<String> platformJvm = new ArrayList<>();
  /** Start the platform with the jar's class-data-sharing archive when the build made one. */
  boolean cds = true;
  int profileSeconds = 20;

  static Options parse(String[] args) {
    Options o = new Options();
    if (o.root.getFileName() != null && o.root.getFileName().toString().equals("bench")
      && Files.exists(o.root.resolve("pom.xml")) && Files.exists(o.root.getParent().resolve("app"))) {
      o.root = o.root.getParent();
    }
    boolean clusterSet = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> o.smoke = true;
        case "--duration" -> o.duration = Integer.parseInt(args[++i]);
        case "--warmup" -> o.warmup = Integer.parseInt(args[++i]);
        case "--threads" -> o.threads = Integer.parseInt(args[++i]);
        case "--connections" -> o.connections = Integer.parseInt(args[++i]);
        case "--no-cluster" -> {
          o.cluster = false;
          clusterSet = true;
        }
        case "--cluster" -> {
          o.cluster = true;
          clusterSet = true;
        }
        case "--no-profile" -> o.profile = false;
        case "--profile-seconds" -> o.profileSeconds = Integer.parseInt(args[++i]);
        case "--xl" -> o.xl = true;
        case "--no-xl" -> o.xl = false;
        case "--no-embedded-startup" -> o.embeddedStartup = false;
        case "--no-cds" -> o.cds = false;
        case "--events" -> o.events = true;
        case "--no-events" -> o.events = false;
        case "--audit" -> o.audit = true;
        case "--no-audit" -> o.audit = false;
        case "--root" -> o.root = Path.of(args[++i]).toAbsolutePath();
        case "--jar" -> o.jar = Path.of(args[++i]).toAbsolutePath();
        case "--work" -> o.work = Path.of(args[++i]).toAbsolutePath();
        case "--results" -> o.results = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> o.only = Arrays.asList(args[++i].split(","));
        case "--platform-jvm" -> o.platformJvm.addAll(Arrays.asList(args[++i].trim().split("\\s+")));
        case "-h", "--help" -> throw new IllegalArgumentException("");
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (o.smoke) {
      o.profile = false;
      o.xl = false;
      o.embeddedStartup = false;
      if (!clusterSet) {
        o.cluster = false;
      }
    }
    if (o.jar == null) {
      o.jar = o.root.resolve("app/target/community-platform.jar");
    }
    Path archive = o.jar.resolveSibling(o.jar.getFileName().toString().replaceFirst("\\.jar$", ".jsa"));
    if (o.cds && Files.isRegularFile(archive) && o.platformJvm.stream().noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"))) {
      // the class-data-sharing archive the build makes beside the jar (app/pom.xml), as the README starts it
      o.platformJvm.add("-XX:SharedArchiveFile=" + archive);
    }
    if (o.work == null) {
      o.work = o.root.resolve("bench/work").resolve(o.smoke ? "smoke" : "full");
    }
    if (o.results == null && !o.smoke) {
      o.results = o.root.resolve("bench/RESULTS.md");
    }
    return o;
  }

  static String usage() {
    return """
      usage: bench/run.sh [--smoke] [options]
        --smoke                 tiny data set, every endpoint once, exit 1 on any non-2xx (seconds)
        --duration S            seconds per measured wrk run (10)
        --warmup S              seconds of warm-up before each platform endpoint (3)
        --threads T --connections C   wrk threads and connections (2, 32)
        --no-cluster | --cluster      skip / run the two-node cluster measurement (full: on; smoke: off)
        --no-profile            skip the JFR profile of the slowest endpoint
        --profile-seconds S     length of the profiled run (20)
        --xl                    also load an organisation of 1,000,000 profiles (people search at 1M; +3-6 min of loading,
                                and its rows share the search index with the 100k organisation's)
        --events | --no-events  run / skip the event log phase: write throughput with the log on and off,
                                SSE fan-out latency (full: on, 1,000 streams; smoke: off, with --events 100 streams)
        --audit | --no-audit    run / skip the audit log phase: an audited write (community PATCH) and POST /api/posts
                                with the audit log on and off (full: on; smoke: off, with --audit 3 s loads)
        --no-embedded-startup   skip the start-up measurement of the platform's own embedded mode
        --only a,b              measure only these endpoints (keys as printed)
        --platform-jvm "OPTS"   JVM options for the platform nodes (default: none but the class-data-sharing
                                archive beside the jar, as the README runs it)
        --no-cds                without that archive
        --jar PATH --work DIR --results FILE --root DIR
      """;
  }
}
