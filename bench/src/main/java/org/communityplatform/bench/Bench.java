package org.communityplatform.bench;

import java.nio.file.Files;
import java.util.List;

/**
 * The benchmark driver. {@code bench/run.sh} builds what it needs and runs this class; see
 * {@code bench/README.md} for the steps, {@link Options#usage()} for the options. The phases, in
 * order: PostgreSQL, first start, data load ({@link Loader}), restart, baseline, the endpoint table
 * ({@link Endpoints}), checks and SQL counts ({@link Checks}), sequential latency, load
 * ({@link Throughput}), profiles ({@link Profiler}), cluster ({@link ClusterPhase}), embedded start-up
 * ({@link EmbeddedStartup}), report ({@link ResultsWriter}).
 */
public final class Bench {

  private final Run run;
  private final Options o;

  private Bench(Options o) {
    this.o = o;
    this.run = new Run(o);
  }

  public static void main(String[] args) {
    int rc;
    try {
      rc = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage().isEmpty() ? Options.usage() : e.getMessage() + "\n" + Options.usage());
      rc = 2;
    }
    System.exit(rc);
  }

  /** Runs the bench; returns the exit code (0: ok; 1: a smoke check or the run failed). */
  public static int run(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Options o = Options.parse(args);
    try {
      return new Bench(o).execute();
    } catch (Exception e) {
      System.out.println("bench failed: " + e);
      e.printStackTrace(System.out);
      return 1;
    } finally {
      Procs.stopAll();
    }
  }

  private int execute() throws Exception {
    if (!Files.isRegularFile(o.jar)) {
      System.out.println("no platform jar at " + o.jar + ": build it first (mvn -B -q -pl app -am package -DskipTests), "
        + "or run bench/run.sh, which does");
      return 1;
    }
    if (!o.smoke && !Wrk.available()) {
      System.out.println("wrk is not installed: apt-get install -y wrk");
      return 1;
    }
    Files.createDirectories(o.work);
    Pg.deleteTree(o.work.resolve("nodes"));
    Pg.deleteTree(o.work.resolve("lua"));
    run.say("%s mode; platform jar %s; work dir %s", o.smoke ? "smoke" : "full", o.root.relativize(o.jar),
      o.root.relativize(o.work));
    run.say("machine: %s", ResultsWriter.machine());
    long tPg = System.nanoTime();
    try (Pg pg = Pg.start(o.work.resolve("pg"))) {
      run.say("embedded PostgreSQL on 127.0.0.1:%d in %d ms (pg_stat_statements: %s)", pg.port,
        (System.nanoTime() - tPg) / 1_000_000, pg.statStatements ? "yes" : "no");
      run.pg = pg;
      run.pgUrl = pg.url();
      return withDatabase();
    }
  }

  /** The event log phase; returns its failures (counted in smoke mode). */
  private int runEvents(Node platform, Endpoints endpoints, Results res) throws Exception {
    run.say("event log: write cost (log on vs off) and SSE fan-out:");
    EventsPhase phase = new EventsPhase(run);
    try {
      return phase.measure(platform, endpoints, res);
    } finally {
      phase.close();
    }
  }

  private void runAudit(Node platform, Endpoints endpoints, Results res) throws Exception {
    run.say("audit log: write cost (log on vs off, same run):");
    AuditPhase phase = new AuditPhase(run);
    try {
      phase.measure(platform, endpoints, res);
    } finally {
      phase.close();
    }
  }

  private int withDatabase() throws Exception {
    Results res = new Results(run);

    // first start: migrations on an empty database
    Node first = Node.startPlatform("platform-first-start", o.jar, o.platformJvm, run.env(Node.freePort(), "platform"),
      o.work, true, 180_000);
    res.startFirst = first.startupMs;
    run.say("platform first start (empty database, migrations): %d ms to first served request", first.startupMs);
    List<String> modules = Run.modules(first);
    run.say("modules on the node: %s", modules);
    first.stop();

    run.say("loading %s ...", run.ds);
    Loader loader = new Loader(run.pg, run.ds);
    res.loadMs = loader.load();
    res.loadTimings = loader.timings;
    res.loadProblems = loader.problems;
    res.loadCheck = loader.verify();
    run.say("loaded in %.1f s (%s); %s", res.loadMs / 1000.0, String.join(", ", loader.timings), res.loadCheck);
    for (String p : loader.problems) {
      run.say("  load problem: %s", p);
    }

    // restart: start-up with an initialised database
    Node platform = Node.startPlatform("platform", o.jar, o.platformJvm, run.env(Node.freePort(), "platform"),
      o.work, true, 180_000);
    res.startWarm = platform.startupMs;
    run.say("platform restart (initialised database, %s rows): %d ms to first served request", o.smoke ? "smoke" : "full",
      platform.startupMs);
    Node baseline = Node.startBaseline(o.work, run.pgUrl, 16, Runtime.getRuntime().availableProcessors(), List.of());
    run.say("baseline on 127.0.0.1:%d (%d ms)", baseline.port, baseline.startupMs);

    Endpoints endpoints = Endpoints.build(run, platform);
    run.say("checking every endpoint once:");
    Checks checks = new Checks(run);
    int failures = checks.checkAll(platform, baseline, endpoints, res);
    boolean events = o.events != null ? o.events : !o.smoke;
    boolean audit = o.audit != null ? o.audit : !o.smoke;
    if (o.smoke) {
      if (events) {
        failures += runEvents(platform, endpoints, res);
      }
      if (audit) {
        runAudit(platform, endpoints, res);
        failures += res.auditCost.isEmpty() ? 1 : 0;
        run.say("%s", ResultsWriter.auditSection(res));
      }
      if (o.cluster) {
        failures += new ClusterPhase(run).smoke(modules, endpoints.list.get(0)) ? 0 : 1;
      }
      run.say("smoke: %s (%d failure(s))", failures == 0 ? "PASSED" : "FAILED", failures);
      platform.stop();
      baseline.stop();
      return failures == 0 ? 0 : 1;
    }

    List<Endpoint> reads = endpoints.list.stream().filter(e -> !e.write() && res.checks.get(e.key()).ok()).toList();
    res.seqLatency = checks.sequential(platform, reads, 200);
    res.seqLatency.forEach((k, v) -> run.say("  %-24s sequential p50 %s ms, p99 %s ms", k, Report.ms(v[0]), Report.ms(v[1])));

    Wrk wrk = new Throughput(run).measure(platform, baseline, endpoints, res);
    res.peakRssMb = platform.peakRssMb();
    res.rssMb = platform.rssMb();
    run.say("platform RSS after the runs: %d MB (peak VmHWM %d MB)", res.rssMb, res.peakRssMb);
    res.topStatements = SqlReport.topStatements(run.pg, 15);
    res.plans = SqlReport.explain(run.pg, o.root);

    if (o.profile) {
      new Profiler(run).endpoints(platform, wrk, res);
    }
    if (events) {
      runEvents(platform, endpoints, res);
    }
    if (audit) {
      runAudit(platform, endpoints, res);
    }
    platform.stop();

    Row single = res.row("single-read");
    if (o.cluster && single != null && single.platform() != null) {
      new ClusterPhase(run).measure(modules, single.endpoint(), wrk, baseline, endpoints.baselineReq, res);
    }
    baseline.stop();
    if (o.profile) {
      new Profiler(run).startup(res);
    }
    if (o.embeddedStartup) {
      new EmbeddedStartup(run).measure(res);
    }

    res.totalSeconds = (System.nanoTime() - run.t0) / 1e9;
    System.out.println();
    System.out.println(res.table().text());
    System.out.println(res.summaryText());
    new ResultsWriter(run).write(res);
    return 0;
  }
}
