package org.communityplatform.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.communityplatform.bench.Run.LIMIT;

/** Everything a run measured, and the tables made of it (throughput, targets, scale). */
final class Results {
  long startFirst = -1;
  long startWarm = -1;
  long embeddedFirst = -1;
  long embeddedWarm = -1;
  long loadMs;
  List<String> loadTimings = List.of();
  List<String> loadProblems = List.of();
  String loadCheck = "";
  Map<String, Http.Res> checks = Map.of();
  Map<String, Double> statements = Map.of();
  Map<String, List<String>> statementDetail = Map.of();
  Map<String, long[]> seqLatency = Map.of();
  List<Row> rows = List.of();
  double pacedRate;
  Wrk.Result pacedPlatform;
  Wrk.Result pacedBaseline;
  double peopleModerateRate;
  Wrk.Result peopleModerate;
  long peakRssMb = -1;
  long rssMb = -1;
  List<String> topStatements = List.of();
  List<String[]> plans = List.of();
  Map<String, String> profiles = new LinkedHashMap<>();
  long clusterStartup = -1;
  Wrk.Result clusterPlatform;
  Wrk.Result clusterBaseline;
  String clusterRss;
  long[] clusterSeq;
  String clusterNote;
  /** {@code POST /api/posts} req/s with the event log on and off ({@link EventsPhase}); -1: not measured. */
  double postsLogOn = -1;
  double postsLogOff = -1;
  /** SSE fan-out: streams asked for and open, arrivals expected and counted, commit-to-arrival ms. */
  int fanOutWanted;
  int fanOutOpen;
  long fanOutExpected;
  long fanOutArrivals;
  long fanOutP50 = -1;
  long fanOutP99 = -1;
  long fanOutMax = -1;
  /** Lines of the audit log phase (req/s with the log and without, same run); empty when not run. */
  List<String> auditCost = new java.util.ArrayList<>();
  double totalSeconds;
  String loadBefore = Procs.loadAvg();

  private final DataSet ds;
  private final List<String> notes;

  Results(Run run) {
    this.ds = run.ds;
    this.notes = run.notes;
  }

  Row row(String key) {
    return rows.stream().filter(r -> r.endpoint().key().equals(key)).findFirst().orElse(null);
  }

  Report table() {
    Report t = new Report("endpoint", "platform req/s", "baseline req/s", "ratio", "p50 ms", "p99 ms", "errors",
      "other CPU (load)");
    for (Row r : rows) {
      if (r.platform() == null) {
        t.row(r.endpoint().label(), r.note(), "", "", "", "", "", "");
        continue;
      }
      t.row(r.endpoint().label(), Report.num(r.platform().rps()), Report.num(r.baseline().rps()),
        Report.ratio(r.platform().rps(), r.baseline().rps()), Report.ms(r.platform().p50()), Report.ms(r.platform().p99()),
        r.platform().errors() + (r.platform().socketErrors() > 0 ? " (" + r.platform().socketErrors() + " socket)" : ""),
        noise(r.platform()));
    }
    if (clusterPlatform != null) {
      t.row("GET /api/communities/{id} via gateway node -> modules node (cluster)", Report.num(clusterPlatform.rps()),
        Report.num(clusterBaseline.rps()), Report.ratio(clusterPlatform.rps(), clusterBaseline.rps()),
        Report.ms(clusterPlatform.p50()), Report.ms(clusterPlatform.p99()), clusterPlatform.errors(), noise(clusterPlatform));
    }
    if (pacedPlatform != null) {
      t.row(String.format(Locale.ROOT, "GET /api/communities/{id} paced at %s req/s (baseline paced alike)", Report.num(pacedRate)),
        Report.num(pacedPlatform.rps()), Report.num(pacedBaseline.rps()), Report.ratio(pacedPlatform.rps(), pacedBaseline.rps()),
        Report.ms(pacedPlatform.p50()), Report.ms(pacedPlatform.p99()) + " (baseline " + Report.ms(pacedBaseline.p99()) + ")",
        pacedPlatform.errors(), noise(pacedPlatform));
    }
    if (peopleModerate != null) {
      t.row(String.format(Locale.ROOT, "people search (100k) paced at %s req/s", Report.num(peopleModerateRate)),
        Report.num(peopleModerate.rps()), "", "", Report.ms(peopleModerate.p50()), Report.ms(peopleModerate.p99()),
        peopleModerate.errors(), noise(peopleModerate));
    }
    return t;
  }

  private String noise(Wrk.Result r) {
    return String.format(Locale.ROOT, "%.2f (%s)", r.otherCores(), r.load());
  }

  double rps(String key) {
    Row r = row(key);
    return r == null || r.platform() == null ? -1 : r.platform().rps();
  }

  long p50(String key) {
    Row r = row(key);
    return r == null || r.platform() == null ? -1 : r.platform().p50();
  }

  long seq(String key) {
    long[] l = seqLatency.get(key);
    return l == null ? -1 : l[0];
  }

  Report scale() {
    Report t = new Report("comparison", "req/s (small)", "req/s (large)", "large/small req/s", "p50 ms small -> large (wrk)",
      "sequential p50 ms small -> large", "large/small latency");
    scaleRow(t, "member page 1: 10,000 vs 1,000,000 members", "members-p1-10k", "members-p1-1M");
    scaleRow(t, "people search: 10,000 vs 100,000 profiles", "people-10k", "people-100k");
    scaleRow(t, "people search: 10,000 vs 1,000,000 profiles", "people-10k", "people-1M");
    scaleRow(t, "member page (1M): page 1 vs page " + ds.bigMembers / LIMIT + " by number", "members-p1-1M", "members-deep-page-1M");
    scaleRow(t, "member page (1M): page 1 vs page " + ds.bigMembers / LIMIT + " by cursor", "members-p1-1M", "members-deep-cursor-1M");
    return t;
  }

  private void scaleRow(Report t, String label, String small, String large) {
    if (row(small) == null || row(large) == null || rps(small) <= 0 || rps(large) <= 0) {
      return;
    }
    t.row(label, Report.num(rps(small)), Report.num(rps(large)), Report.ratio(rps(large), rps(small)),
      Report.ms(p50(small)) + " -> " + Report.ms(p50(large)), Report.ms(seq(small)) + " -> " + Report.ms(seq(large)),
      Report.ratio(seq(large), seq(small)));
  }

  /**
   * The goals of issue 16 (and the earlier ones still kept): the platform/baseline req/s ratio per
   * endpoint, the read through a gateway-only node against the single node, the tail at half the
   * maximum rate, RSS after the full run, start-up on an initialised (embedded) database.
   */
  Report targets() {
    Report t = new Report("target", "goal", "measured", "met");
    ratioTarget(t, "single-read", "authenticated single read vs baseline req/s", 0.65);
    ratioTarget(t, "pages-list", "pages list by category vs baseline req/s", 0.35);
    ratioTarget(t, "members-p1-1M", "member page (1M-member community, with profiles) vs baseline req/s", 0.30);
    ratioTarget(t, "people-100k", "people search over 100,000 profiles vs baseline req/s", 0.15);
    ratioTarget(t, "join", "join (distinct users) vs baseline req/s", 0.30);
    ratioTarget(t, "post-create", "create post vs baseline req/s", 0.35);
    double single = rps("single-read");
    if (clusterPlatform != null && clusterPlatform.rps() > 0 && single > 0) {
      double r = clusterPlatform.rps() / single;
      t.row("single read through a gateway-only node vs single node req/s", ">= 0.6x",
        String.format(Locale.ROOT, "%.2fx (%s vs %s req/s)", r, Report.num(clusterPlatform.rps()), Report.num(single)), yes(r >= 0.6));
    } else {
      t.row("single read through a gateway-only node vs single node req/s", ">= 0.6x", "not measured", "?");
    }
    if (pacedPlatform != null && pacedBaseline.p99() > 0) {
      double r = (double) pacedPlatform.p99() / pacedBaseline.p99();
      t.row("p99 at half the platform's max rate vs baseline p99 at that rate", "<= 3x",
        String.format(Locale.ROOT, "%.2fx (%s vs %s ms at %s req/s)", r, Report.ms(pacedPlatform.p99()),
          Report.ms(pacedBaseline.p99()), Report.num(pacedRate)), yes(r <= 3));
    } else {
      t.row("p99 at half the platform's max rate vs baseline p99 at that rate", "<= 3x", "not measured", "?");
    }
    t.row("RSS after the full run", "< 400 MB", rssMb > 0 ? rssMb + " MB (peak " + peakRssMb + " MB)" : "not measured",
      rssMb > 0 ? yes(rssMb < 400) : "?");
    t.row("start-up to first served request, initialised embedded database", "< 2 s",
      embeddedWarm > 0 ? embeddedWarm + " ms" : "not measured", embeddedWarm > 0 ? yes(embeddedWarm < 2000) : "?");
    t.row("start-up to first served request, initialised external database", "< 2 s",
      startWarm > 0 ? startWarm + " ms" : "not measured", startWarm > 0 ? yes(startWarm < 2000) : "?");
    Double st = statements.get("members-p1-1M");
    t.row("SQL statements per member page (with profiles)", "<= 3",
      st == null ? "not measured" : String.format(Locale.ROOT, "%.2f", st), st == null ? "?" : yes(st <= 3.0001));
    long p1 = seq("members-p1-1M");
    long deep = seq("members-deep-cursor-1M");
    t.row("member page " + ds.bigMembers / LIMIT + " by cursor vs page 1 latency (sequential p50)", "<= 1.5x",
      p1 > 0 && deep > 0 ? String.format(Locale.ROOT, "%.2fx (%s vs %s ms)", (double) deep / p1, Report.ms(deep), Report.ms(p1))
        : "not measured", p1 > 0 && deep > 0 ? yes(deep <= 1.5 * p1) : "?");
    t.row("people search over 100,000 profiles, p99 at moderate load", "< 50 ms",
      peopleModerate == null ? "not measured" : Report.ms(peopleModerate.p99()) + " ms at " + Report.num(peopleModerate.rps()) + " req/s",
      peopleModerate == null ? "?" : yes(peopleModerate.p99() > 0 && peopleModerate.p99() < 50_000));
    eventTargets(t);
    return t;
  }

  /** Issue 13's two goals: the log's cost on the write path, and SSE fan-out to 1,000 streams. */
  void eventTargets(Report t) {
    String write = "POST /api/posts req/s with the event log vs without (same run, alternated)";
    if (postsLogOn >= 0 && postsLogOff > 0) {
      double r = postsLogOn / postsLogOff;
      t.row(write, ">= 0.9x", String.format(Locale.ROOT, "%.2fx (%s vs %s req/s)", r, Report.num(postsLogOn),
        Report.num(postsLogOff)), yes(r >= 0.9));
    } else {
      t.row(write, ">= 0.9x", "not measured", "?");
    }
    String fan = "SSE fan-out to 1,000 streams, commit-to-arrival p99";
    if (fanOutP99 >= 0) {
      boolean all = fanOutOpen >= 1000 && fanOutArrivals >= fanOutExpected;
      t.row(fan, "< 250 ms", String.format(Locale.ROOT, "%d ms (p50 %d ms, max %d ms; %d of %d streams open, %d of %d arrivals)",
        fanOutP99, fanOutP50, fanOutMax, fanOutOpen, fanOutWanted, fanOutArrivals, fanOutExpected), yes(all && fanOutP99 < 250));
    } else {
      t.row(fan, "< 250 ms", "not measured", "?");
    }
  }

  private void ratioTarget(Report t, String key, String label, double goal) {
    Row r = row(key);
    String g = String.format(Locale.ROOT, ">= %.2fx", goal);
    if (r == null || r.platform() == null || r.baseline() == null || r.baseline().rps() <= 0) {
      t.row(label, g, "not measured", "?");
      return;
    }
    double x = r.platform().rps() / r.baseline().rps();
    t.row(label, g, String.format(Locale.ROOT, "%.2fx (%s vs %s req/s)", x, Report.num(r.platform().rps()),
      Report.num(r.baseline().rps())), yes(x >= goal));
  }

  private String yes(boolean b) {
    return b ? "yes" : "**no**";
  }

  String summaryText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "platform peak RSS (VmHWM): %d MB, RSS at the end: %d MB%n", peakRssMb, rssMb));
    sb.append(String.format(Locale.ROOT, "start-up to first served request: %d ms on an empty database (migrations), %d ms restarted "
      + "on the initialised one%s%n", startFirst, startWarm, embeddedWarm > 0
      ? String.format(Locale.ROOT, "; own embedded PostgreSQL: %d ms first, %d ms restart", embeddedFirst, embeddedWarm) : ""));
    sb.append(String.format(Locale.ROOT, "data load: %.1f s (%s)%n", loadMs / 1000.0, String.join(", ", loadTimings)));
    statements.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "SQL statements per request, %s: %.2f%n", k, v)));
    sb.append('\n').append(scale().text()).append('\n').append(targets().text());
    if (clusterNote != null) {
      sb.append("cluster: ").append(clusterNote).append('\n');
    }
    for (String n : notes) {
      sb.append("note: ").append(n).append('\n');
    }
    return sb.toString();
  }
}
