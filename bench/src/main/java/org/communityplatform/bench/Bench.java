package org.communityplatform.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark driver. {@code bench/run.sh} builds what it needs and runs this class; see
 * {@code bench/README.md} for the steps, {@link #usage()} for the options.
 */
public final class Bench {

  static final String SECRET = "bench-secret-not-for-production-0123456789-abcdefghij";
  static final int LIMIT = 20;
  static final String PEOPLE_Q = "alice";

  // ------------------------------------------------------------------------------------------ options

  static final class Options {
    boolean smoke;
    int duration = 10;
    int warmup = 3;
    int threads = 2;
    int connections = 32;
    boolean cluster = true;
    boolean profile = true;
    boolean xl;
    boolean embeddedStartup = true;
    Path root = Path.of("").toAbsolutePath();
    Path jar;
    Path work;
    Path results;
    List<String> only = List.of();
    List<String> platformJvm = new ArrayList<>();
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
      if (o.work == null) {
        o.work = o.root.resolve("bench/work").resolve(o.smoke ? "smoke" : "full");
      }
      if (o.results == null && !o.smoke) {
        o.results = o.root.resolve("bench/RESULTS.md");
      }
      return o;
    }
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
        --no-embedded-startup   skip the start-up measurement of the platform's own embedded mode
        --only a,b              measure only these endpoints (keys as printed)
        --platform-jvm "OPTS"   JVM options for the platform nodes (default: none, as the README runs it)
        --jar PATH --work DIR --results FILE --root DIR
      """;
  }

  // ----------------------------------------------------------------------------------------- endpoints

  /** One measured request. {@code check} is the single request of the checks and the smoke mode. */
  record Endpoint(String key, String label, Wrk.Request wrk, Map<String, String> checkHeaders, boolean write,
                  String group) {
  }

  public static void main(String[] args) {
    int rc;
    try {
      rc = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage().isEmpty() ? usage() : e.getMessage() + "\n" + usage());
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

  private final Options o;
  private final DataSet ds;
  private final List<String> notes = new ArrayList<>();
  private final StringBuilder md = new StringBuilder();
  private final long t0 = System.nanoTime();

  private Bench(Options o) {
    this.o = o;
    this.ds = o.smoke ? DataSet.smoke() : DataSet.full(o.xl);
  }

  private void say(String fmt, Object... args) {
    String s = args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args);
    System.out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, s);
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
    say("%s mode; platform jar %s; work dir %s", o.smoke ? "smoke" : "full", o.root.relativize(o.jar), o.root.relativize(o.work));
    say("machine: %s", machine());

    // ------------------------------------------------------------------------------- PostgreSQL
    long tPg = System.nanoTime();
    try (Pg pg = Pg.start(o.work.resolve("pg"))) {
      say("embedded PostgreSQL on 127.0.0.1:%d in %d ms (pg_stat_statements: %s)", pg.port,
        (System.nanoTime() - tPg) / 1_000_000, pg.statStatements ? "yes" : "no");
      return withDatabase(pg);
    }
  }

  private Map<String, String> env(int port, String dataName) {
    return Node.platformEnv(o.work.resolve("nodes").resolve(dataName + "-data"), pgUrl, SECRET, port);
  }

  private String pgUrl;
  private Pg pg;

  private int withDatabase(Pg pgServer) throws Exception {
    this.pg = pgServer;
    this.pgUrl = pg.url();
    Results res = new Results();

    // ------------------------------------------------------- first start: migrations on an empty database
    int port = Node.freePort();
    Node first = Node.startPlatform("platform-first-start", o.jar, o.platformJvm, env(port, "platform"), o.work, true, 180_000);
    res.startFirst = first.startupMs;
    say("platform first start (empty database, migrations): %d ms to first served request", first.startupMs);
    List<String> modules = modules(first);
    say("modules on the node: %s", modules);
    first.stop();

    // ------------------------------------------------------------------------------------ data
    say("loading %s ...", ds);
    Loader loader = new Loader(pg, ds);
    res.loadMs = loader.load();
    res.loadTimings = loader.timings;
    res.loadProblems = loader.problems;
    res.loadCheck = loader.verify();
    say("loaded in %.1f s (%s); %s", res.loadMs / 1000.0, String.join(", ", loader.timings), res.loadCheck);
    for (String p : loader.problems) {
      say("  load problem: %s", p);
    }

    // ------------------------------------------------- restart: start-up with an initialised database
    port = Node.freePort();
    Node platform = Node.startPlatform("platform", o.jar, o.platformJvm, env(port, "platform"), o.work, true, 180_000);
    res.startWarm = platform.startupMs;
    say("platform restart (initialised database, %s rows): %d ms to first served request", o.smoke ? "smoke" : "full",
      platform.startupMs);
    Node baseline = Node.startBaseline(o.work, pgUrl, 16, Runtime.getRuntime().availableProcessors(), List.of());
    say("baseline on 127.0.0.1:%d (%d ms)", baseline.port, baseline.startupMs);

    // ---------------------------------------------------------------------------------- requests
    Tokens tokens = new Tokens(SECRET, 24 * 3600);
    Path tokDir = o.work.resolve("tokens");
    int joinTokens = o.smoke ? 10 : 120_000;
    int joinWarm = o.smoke ? 10 : 30_000;
    tokens.writeFile(tokDir.resolve("join-measure.txt"), DataSet.ORG, joinTokens, i -> DataSet.joiner(1 + i));
    tokens.writeFile(tokDir.resolve("join-warmup.txt"), DataSet.ORG, joinWarm, i -> DataSet.joiner(500_001 + i));
    tokens.writeFile(tokDir.resolve("post-authors.txt"), DataSet.ORG, Math.min(1000, ds.midMembers - 1),
      i -> DataSet.user(2 + i));
    String reader = tokens.mint(DataSet.user(2), DataSet.ORG, DataSet.user(2) + "@bench.example");
    List<String> singleIds = new ArrayList<>();
    for (int k = 0; k < ds.communities; k++) {
      singleIds.add(DataSet.communityId(k).toString());
    }
    Map<String, String> auth = Map.of("Authorization", "Bearer " + reader, "orgid", DataSet.ORG);
    Map<String, String> org = Map.of("orgid", DataSet.ORG);

    Wrk.Request baselineReq = new Wrk.Request("GET", singleIds.stream().map(id -> BaselineServer.PREFIX + id).toList(),
      Map.of(), null, null);
    List<Endpoint> endpoints = new ArrayList<>();
    endpoints.add(new Endpoint("single-read", "GET /api/communities/{id} (auth)",
      new Wrk.Request("GET", singleIds.stream().map(id -> "/api/communities/" + id).toList(), auth, null, null), auth, false, "read"));
    endpoints.add(new Endpoint("pages-list", "GET /client/community/pages?category=design",
      Wrk.Request.get("/client/community/pages?category=design", org), org, false, "read"));
    String big = ds.big().toString();
    String mid = ds.mid().toString();
    int deepPage = ds.bigMembers / LIMIT;
    endpoints.add(new Endpoint("members-p1-1M", "GET /api/communities/{1M}/members page 1",
      Wrk.Request.get(membersPath(big, "page=1"), auth), auth, false, "members"));
    endpoints.add(new Endpoint("members-deep-page-1M", "GET .../members?page=" + deepPage + " (1M)",
      Wrk.Request.get(membersPath(big, "page=" + deepPage), auth), auth, false, "members"));
    String cursor = deepCursor(platform, big, deepPage, auth);
    if (cursor != null) {
      endpoints.add(new Endpoint("members-deep-cursor-1M", "GET .../members?cursor=(page " + deepPage + ") (1M)",
        Wrk.Request.get(membersPath(big, "cursor=" + cursor), auth), auth, false, "members"));
    } else {
      notes.add("no cursor for page " + deepPage + " of the member directory could be obtained (no `nextCursor` in the answer "
        + "of page " + (deepPage - 1) + "): the cursor figures are missing");
    }
    endpoints.add(new Endpoint("members-p1-10k", "GET /api/communities/{10k}/members page 1",
      Wrk.Request.get(membersPath(mid, "page=1"), auth), auth, false, "members"));
    endpoints.add(new Endpoint("people-100k", "GET /client/community/people?q=" + PEOPLE_Q + " (100k org)",
      Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, org), org, false, "people"));
    Map<String, String> smallOrg = Map.of("orgid", DataSet.SMALL_ORG);
    endpoints.add(new Endpoint("people-10k", "GET /client/community/people?q=" + PEOPLE_Q + " (10k org)",
      Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, smallOrg), smallOrg, false, "people"));
    if (ds.xlProfiles > 0) {
      Map<String, String> xlOrg = Map.of("orgid", DataSet.XL_ORG);
      endpoints.add(new Endpoint("people-1M", "GET /client/community/people?q=" + PEOPLE_Q + " (1M org)",
        Wrk.Request.get("/client/community/people?q=" + PEOPLE_Q, xlOrg), xlOrg, false, "people"));
    }
    String joinPath = "/api/v4/communities/" + ds.joinTarget() + "/join";
    String checkJoiner = tokens.mint(DataSet.joiner(0), DataSet.ORG, DataSet.joiner(0) + "@bench.example");
    endpoints.add(new Endpoint("join", "POST /api/v4/communities/{id}/join (distinct users)",
      new Wrk.Request("POST", List.of(joinPath), org, null, tokDir.resolve("join-measure.txt")),
      withAuth(org, checkJoiner), true, "write"));
    String postBody = new JsonObject().put("communityId", mid)
      .put("content", "A benchmark post: a few words, as a member would write them.").encode();
    endpoints.add(new Endpoint("post-create", "POST /api/posts",
      new Wrk.Request("POST", List.of("/api/posts"), org, postBody, tokDir.resolve("post-authors.txt")),
      auth, true, "write"));
    if (!o.only.isEmpty()) {
      endpoints.removeIf(e -> !o.only.contains(e.key()));
    }

    // --------------------------------------------------------------------------- one request each
    say("checking every endpoint once:");
    Map<String, Http.Res> checks = new LinkedHashMap<>();
    Http.Res b = Http.get(baseline.base() + baselineReq.paths().get(0), Map.of());
    say("  %-24s %s %5.1f ms", "baseline", b.status(), b.nanos() / 1e6);
    int failures = b.ok() ? 0 : 1;
    for (Endpoint e : endpoints) {
      Http.Res r = Http.send(e.wrk().method(), platform.base() + e.wrk().paths().get(0), e.checkHeaders(), e.wrk().body(), 30);
      checks.put(e.key(), r);
      say("  %-24s %s %5.1f ms %s", e.key(), r.status(), r.nanos() / 1e6, r.ok() ? "" : abbreviate(r.body(), 300));
      if (!r.ok()) {
        failures++;
      }
    }
    res.checks = checks;

    // SQL statements per request (pg_stat_statements calls delta, over sequential requests)
    res.statements = new LinkedHashMap<>();
    res.statementDetail = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      if (!e.write() && checks.get(e.key()).ok()) {
        statements(platform, e, o.smoke ? 5 : 50, res);
      }
    }
    for (Map.Entry<String, Double> s : res.statements.entrySet()) {
      say("  %-24s %.2f SQL statements per request", s.getKey(), s.getValue());
      if (!s.getKey().equals("members-p1-10k")) {
        for (String d : res.statementDetail.get(s.getKey())) {
          say("      %s", d);
        }
      }
    }

    if (o.smoke) {
      if (o.cluster) {
        failures += clusterSmoke(modules, endpoints.get(0)) ? 0 : 1;
      }
      say("smoke: %s (%d failure(s))", failures == 0 ? "PASSED" : "FAILED", failures);
      platform.stop();
      baseline.stop();
      return failures == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------------- sequential latency
    List<Endpoint> reads = endpoints.stream().filter(e -> !e.write() && checks.get(e.key()).ok()).toList();
    res.seqLatency = sequential(platform, reads, 200);
    res.seqLatency.forEach((k, v) -> say("  %-24s sequential p50 %s ms, p99 %s ms", k, Report.ms(v[0]), Report.ms(v[1])));

    // ------------------------------------------------------------------------------------ wrk runs
    Wrk wrk = new Wrk(o.work.resolve("lua"), o.threads, o.connections);
    say("wrk runs: %d s each (warm-up %d s), -t%d -c%d, platform and baseline alternated", o.duration, o.warmup,
      o.threads, o.connections);
    // the baseline's JIT needs longer than a platform endpoint's warm-up (the platform is already warm from the checks)
    wrk.run("baseline-warmup", baseline.base(), baselineReq, Math.max(10, o.warmup), 0);
    wrk.run("platform-warmup", platform.base(), endpoints.get(0).wrk(), Math.max(10, o.warmup), 0);
    res.rows = new ArrayList<>();
    for (Endpoint e : endpoints) {
      if (!checks.get(e.key()).ok()) {
        res.rows.add(new Row(e, null, null, "skipped: check answered " + checks.get(e.key()).status()));
        continue;
      }
      Wrk.Request warmReq = e.key().equals("join")
        ? new Wrk.Request("POST", e.wrk().paths(), e.wrk().headers(), null, tokDir.resolve("join-warmup.txt")) : e.wrk();
      wrk.run(e.key() + "-warmup", platform.base(), warmReq, o.warmup, 0);
      Wrk.Result p = safeRun(wrk, e.key(), platform.base(), e.wrk(), o.duration, 0);
      Wrk.Result bl = safeRun(wrk, "baseline", baseline.base(), baselineReq, o.duration, 0);
      res.rows.add(new Row(e, p, bl, null));
      say("  %-24s %8s req/s  baseline %8s req/s  ratio %5s  p50 %6s ms  p99 %7s ms  errors %d  (other CPU %.2f cores, load %s)",
        e.key(), Report.num(p.rps()), Report.num(bl.rps()), Report.ratio(p.rps(), bl.rps()), Report.ms(p.p50()),
        Report.ms(p.p99()), p.errors(), p.otherCores(), p.load());
      if (p.tokenWraps() > 0 && e.key().equals("join")) {
        notes.add(e.key() + ": the pre-minted tokens ran out and were reused " + p.tokenWraps() + " time(s) per thread: "
          + "later requests repeated users");
      }
    }

    // ------------------------------------------------------------------------------ paced runs
    Row single = res.row("single-read");
    if (single != null && single.platform != null && single.platform.rps() > 0) {
      double rate = Math.floor(single.platform.rps() / 2);
      say("paced runs at %s req/s (half the platform's max single-read rate):", Report.num(rate));
      res.pacedRate = rate;
      res.pacedPlatform = safeRun(wrk, "single-read-paced", platform.base(), single.endpoint.wrk(), o.duration + 5, rate);
      res.pacedBaseline = safeRun(wrk, "baseline-paced", baseline.base(), baselineReq, o.duration + 5, rate);
      say("  platform %s req/s p50 %s p99 %s ms | baseline %s req/s p50 %s p99 %s ms", Report.num(res.pacedPlatform.rps()),
        Report.ms(res.pacedPlatform.p50()), Report.ms(res.pacedPlatform.p99()), Report.num(res.pacedBaseline.rps()),
        Report.ms(res.pacedBaseline.p50()), Report.ms(res.pacedBaseline.p99()));
    }
    Row people = res.row("people-100k");
    if (people != null && people.platform != null && people.platform.rps() > 0) {
      double rate = Math.max(1, Math.floor(people.platform.rps() / 2));
      res.peopleModerateRate = rate;
      res.peopleModerate = safeRun(wrk, "people-100k-paced", platform.base(), people.endpoint.wrk(), o.duration + 5, rate);
      say("  people search (100k) at %s req/s: p50 %s p99 %s ms", Report.num(rate), Report.ms(res.peopleModerate.p50()),
        Report.ms(res.peopleModerate.p99()));
    }

    res.peakRssMb = platform.peakRssMb();
    res.rssMb = platform.rssMb();
    say("platform RSS after the runs: %d MB (peak VmHWM %d MB)", res.rssMb, res.peakRssMb);
    res.topStatements = topStatements(15);
    res.plans = explain();

    // -------------------------------------------------------------------------------- profile
    if (o.profile) {
      profile(platform, wrk, res);
    }
    platform.stop();

    // -------------------------------------------------------------------------------- cluster
    if (o.cluster && single != null && single.platform != null) {
      cluster(modules, single.endpoint, wrk, baseline, baselineReq, res);
    }
    baseline.stop();

    // --------------------------------------------------------------------------- start-up profile
    if (o.profile) {
      startupProfile(res);
    }

    // ------------------------------------------------------- start-up of the platform's embedded mode
    if (o.embeddedStartup) {
      embeddedStartup(res);
    }

    res.totalSeconds = (System.nanoTime() - t0) / 1e9;
    String table = res.table().text();
    System.out.println();
    System.out.println(table);
    System.out.println(res.summaryText());
    writeResults(res);
    return 0;
  }

  private static Map<String, String> withAuth(Map<String, String> h, String token) {
    Map<String, String> m = new LinkedHashMap<>(h);
    m.put("Authorization", "Bearer " + token);
    return m;
  }

  static String membersPath(String community, String query) {
    return "/api/communities/" + community + "/members?" + query + "&limit=" + LIMIT;
  }

  private Wrk.Result safeRun(Wrk wrk, String target, String base, Wrk.Request req, int seconds, double rate) {
    try {
      return wrk.run(target, base, req, seconds, rate);
    } catch (IOException e) {
      say("  wrk failed for %s: %s", target, e.getMessage());
      return Wrk.Result.failed(target, "wrk failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Wrk.Result.failed(target, "interrupted");
    }
  }

  static String abbreviate(String s, int n) {
    String t = s == null ? "" : s.replace('\n', ' ');
    return t.length() <= n ? t : t.substring(0, n) + "...";
  }

  /** Modules of a node, from /health/ready (checks named modules/<name>, which Vert.x nests as a group). */
  static List<String> modules(Node n) {
    List<String> out = new ArrayList<>();
    Http.Res r = Http.get(n.base() + "/health/ready", Map.of());
    try {
      collectModules(new JsonObject(r.body()).getJsonArray("checks", new JsonArray()), "", out);
    } catch (RuntimeException e) {
      // not JSON: no modules known
    }
    return out;
  }

  private static void collectModules(JsonArray checks, String prefix, List<String> out) {
    for (int i = 0; i < checks.size(); i++) {
      JsonObject c = checks.getJsonObject(i);
      String id = prefix + c.getString("id", "");
      if (c.getJsonArray("checks") != null) {
        collectModules(c.getJsonArray("checks"), id + "/", out);
      } else if (id.startsWith("modules/")) {
        out.add(id.substring("modules/".length()));
      }
    }
  }

  /**
   * The cursor of directory page {@code deepPage}: the {@code nextCursor} of page {@code deepPage - 1},
   * read by page number once (positions make that an index range).
   */
  private String deepCursor(Node platform, String community, int deepPage, Map<String, String> auth) {
    Http.Res r = Http.get(platform.base() + membersPath(community, "page=" + (deepPage - 1)), auth);
    if (!r.ok()) {
      say("  page %d of the directory answered %d: %s", deepPage - 1, r.status(), abbreviate(r.body(), 200));
      return null;
    }
    try {
      Object c = findKey(new JsonObject(r.body()), "nextCursor");
      return c instanceof String && !((String) c).isBlank() ? (String) c : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Object findKey(Object node, String key) {
    if (node instanceof JsonObject j) {
      if (j.containsKey(key)) {
        return j.getValue(key);
      }
      for (String k : j.fieldNames()) {
        Object v = findKey(j.getValue(k), key);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------- SQL statements

  private void statements(Node platform, Endpoint e, int n, Results res) throws Exception {
    String url = platform.base() + e.wrk().paths().get(0);
    for (int i = 0; i < 5; i++) {
      Http.send(e.wrk().method(), url, e.checkHeaders(), e.wrk().body(), 30);
    }
    Map<String, String> texts = new HashMap<>();
    Map<String, long[]> before = pg.statements(texts);
    int ok = 0;
    int sent = 0;
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (sent < n && (sent < 5 || System.nanoTime() < deadline)) {
      sent++;
      if (Http.send(e.wrk().method(), url, e.checkHeaders(), e.wrk().body(), 30).ok()) {
        ok++;
      }
    }
    n = sent;
    Map<String, long[]> after = pg.statements(texts);
    double total = 0;
    List<String> detail = new ArrayList<>();
    for (Map.Entry<String, long[]> a : after.entrySet()) {
      long[] bf = before.getOrDefault(a.getKey(), new long[] {0, 0});
      long calls = a.getValue()[0] - bf[0];
      if (calls > 0) {
        double per = (double) calls / n;
        // the bench's own snapshot query (one transaction) shows up when counting transactions
        if (!pg.statStatements) {
          per = (double) (calls - 1) / n;
        }
        total += per;
        detail.add(String.format(Locale.ROOT, "%.2f x `%s` (%.3f ms each)", per,
          abbreviate(texts.get(a.getKey()).replaceAll("\\s+", " "), 220), (a.getValue()[1] - bf[1]) / 1000.0 / calls));
      }
    }
    if (ok < n) {
      detail.add(0, (n - ok) + " of " + n + " requests failed");
    }
    res.statements.put(e.key(), total);
    res.statementDetail.put(e.key(), detail);
  }

  private List<String> topStatements(int n) {
    List<String> out = new ArrayList<>();
    if (!pg.statStatements) {
      return out;
    }
    try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery(
      "SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements "
        + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        + "AND query NOT ILIKE '%pg_stat_%' AND query NOT ILIKE 'COPY %' AND query NOT ILIKE 'VACUUM%' "
        + "AND query NOT ILIKE 'CREATE %INDEX%' ORDER BY total_exec_time DESC LIMIT " + n)) {
      while (rs.next()) {
        out.add(String.format(Locale.ROOT, "| %,d | %.0f | %.3f | %.1f | `%s` |", rs.getLong(1), rs.getDouble(2),
          rs.getDouble(3), rs.getDouble(4) / Math.max(1, rs.getLong(1)),
          abbreviate(rs.getString(5).replaceAll("\\s+", " "), 260).replace("|", "\\|")));
      }
    } catch (Exception e) {
      out.add("(pg_stat_statements not readable: " + e.getMessage() + ")");
    }
    return out;
  }

  /**
   * EXPLAIN (ANALYZE, BUFFERS) of each statement of bench/explain.sql (blocks separated by
   * "-- next"; a block's comment lines are its title), on the loaded, warm database.
   */
  private List<String[]> explain() {
    List<String[]> out = new ArrayList<>();
    Path file = o.root.resolve("bench/explain.sql");
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try (var c = pg.connect(); var s = c.createStatement()) {
      String all = Files.readString(file, StandardCharsets.UTF_8);
      for (String block : all.split("(?m)^-- next\\s*$")) {
        StringBuilder title = new StringBuilder();
        StringBuilder sql = new StringBuilder();
        for (String line : block.split("\n")) {
          if (line.startsWith("--")) {
            if (sql.length() == 0) {
              title.append(line.substring(2).trim()).append(' ');
            }
          } else if (line.isBlank()) {
            if (sql.length() == 0) {
              // a comment paragraph followed by a blank line is not the statement's title
              title.setLength(0);
            }
          } else {
            sql.append(line).append('\n');
          }
        }
        if (sql.length() == 0) {
          continue;
        }
        StringBuilder plan = new StringBuilder();
        try (var rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        } catch (Exception e) {
          plan.append("(failed: ").append(e.getMessage()).append(")\n");
        }
        out.add(new String[] {title.toString().trim(), sql.toString().trim(), plan.toString()});
      }
    } catch (Exception e) {
      out.add(new String[] {"explain.sql", "", "(failed: " + e.getMessage() + ")"});
    }
    return out;
  }

  /**
   * Sequential latencies, one request at a time, the endpoints interleaved round by round (so that
   * noise from other processes on the machine falls on all of them alike): 20 warm-up rounds, then
   * at most {@code rounds} rounds or 40 s. Per endpoint [p50, p99] in microseconds.
   */
  private Map<String, long[]> sequential(Node platform, List<Endpoint> eps, int rounds) {
    Map<String, long[]> out = new LinkedHashMap<>();
    if (eps.isEmpty()) {
      return out;
    }
    for (int i = 0; i < 20; i++) {
      for (Endpoint e : eps) {
        Http.send(e.wrk().method(), platform.base() + e.wrk().paths().get(0), e.checkHeaders(), e.wrk().body(), 30);
      }
    }
    long[][] all = new long[eps.size()][rounds];
    int n = 0;
    long deadline = System.nanoTime() + 40_000_000_000L;
    while (n < rounds && (n < 10 || System.nanoTime() < deadline)) {
      for (int j = 0; j < eps.size(); j++) {
        Endpoint e = eps.get(j);
        all[j][n] = Http.send(e.wrk().method(), platform.base() + e.wrk().paths().get(0), e.checkHeaders(), e.wrk().body(), 30)
          .nanos() / 1000;
      }
      n++;
    }
    for (int j = 0; j < eps.size(); j++) {
      long[] l = Arrays.copyOf(all[j], n);
      Arrays.sort(l);
      out.put(eps.get(j).key(), new long[] {l[n / 2], l[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]});
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ profiling

  private void profile(Node platform, Wrk wrk, Results res) {
    Row slowest = null;
    for (Row r : res.rows) {
      if (r.platform != null && r.baseline != null && r.platform.rps() > 0
        && (slowest == null || r.platform.rps() / r.baseline.rps() < slowest.platform.rps() / slowest.baseline.rps())) {
        slowest = r;
      }
    }
    Row single = res.row("single-read");
    List<Row> targets = new ArrayList<>();
    if (slowest != null) {
      targets.add(slowest);
    }
    if (single != null && single.platform != null && single != slowest) {
      targets.add(single);
    }
    for (Row r : targets) {
      Path jfr = o.work.resolve("profile-" + r.endpoint.key() + ".jfr");
      try {
        Files.deleteIfExists(jfr);
        String name = "bench-" + r.endpoint.key();
        Procs.run(List.of("jcmd", Long.toString(platform.pid()), "JFR.start", "name=" + name, "settings=profile"), 60);
        Wrk.Request req = r.endpoint.key().equals("join")
          ? new Wrk.Request("POST", r.endpoint.wrk().paths(), r.endpoint.wrk().headers(), null,
          o.work.resolve("tokens/join-warmup.txt")) : r.endpoint.wrk();
        Wrk.Result w = safeRun(wrk, r.endpoint.key() + "-profiled", platform.base(), req, o.profileSeconds, 0);
        Procs.run(List.of("jcmd", Long.toString(platform.pid()), "JFR.stop", "name=" + name, "filename=" + jfr), 120);
        String summary = JfrSummary.summarize(jfr, 25);
        Files.writeString(o.work.resolve("profile-" + r.endpoint.key() + ".txt"), summary);
        res.profiles.put(r.endpoint.key() + String.format(Locale.ROOT, " (%s req/s while recording)", Report.num(w.rps())), summary);
        say("profiled %s: %s", r.endpoint.key(), o.root.relativize(jfr));
      } catch (Exception e) {
        say("profiling %s failed: %s", r.endpoint.key(), e.getMessage());
        notes.add("profiling " + r.endpoint.key() + " failed: " + e.getMessage());
      }
    }
  }

  /** One more start on the initialised database, recorded by JFR from the first instruction on. */
  private void startupProfile(Results res) {
    Path jfr = o.work.resolve("profile-startup.jfr");
    try {
      Files.deleteIfExists(jfr);
      List<String> jvm = new ArrayList<>(o.platformJvm);
      jvm.add("-XX:StartFlightRecording=name=startup,settings=profile,filename=" + jfr);
      Node n = Node.startPlatform("platform-startup-profiled", o.jar, jvm, env(Node.freePort(), "platform"), o.work, true, 180_000);
      try {
        Procs.run(List.of("jcmd", Long.toString(n.pid()), "JFR.dump", "name=startup", "filename=" + jfr), 120);
      } finally {
        n.stop();
      }
      String summary = JfrSummary.summarize(jfr, 25);
      Files.writeString(o.work.resolve("profile-startup.txt"), summary);
      res.profiles.put(String.format(Locale.ROOT, "start-up (spawn to first served request %d ms with JFR on, initialised database)",
        n.startupMs), summary);
      say("profiled a start-up: %s", o.root.relativize(jfr));
    } catch (Exception e) {
      notes.add("start-up profile failed: " + abbreviate(e.getMessage(), 300));
    }
  }

  // -------------------------------------------------------------------------------------- cluster

  private Map<String, String> clusterEnv(String nodeName, int httpPort, int hzPort, String members, String clusterName) {
    Map<String, String> env = env(httpPort, nodeName);
    env.put("PLATFORM_CLUSTER_ENABLED", "true");
    env.put("PLATFORM_CLUSTER_NAME", clusterName);
    env.put("PLATFORM_CLUSTER_NODENAME", nodeName);
    env.put("PLATFORM_CLUSTER_HOST", "127.0.0.1");
    env.put("PLATFORM_CLUSTER_PORT", Integer.toString(hzPort));
    env.put("PLATFORM_CLUSTER_MEMBERS", members);
    return env;
  }

  /** Node 1: every module, no gateway. Node 2: gateway only. Returns {modules node, gateway node}. */
  private Node[] startCluster(List<String> modules) throws Exception {
    String clusterName = "bench-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    int hzModules = Node.freePort();
    int hzGateway = Node.freePort();
    String members = "127.0.0.1:" + hzModules + ",127.0.0.1:" + hzGateway;
    Map<String, String> envM = clusterEnv("bench-modules", Node.freePort(), hzModules, members, clusterName);
    envM.put("PLATFORM_GATEWAY_ENABLED", "false");
    Node m = Node.startPlatform("cluster-modules", o.jar, o.platformJvm, envM, o.work, false, 180_000);
    Map<String, String> envG = clusterEnv("bench-gateway", Node.freePort(), hzGateway, members, clusterName);
    for (String mod : modules) {
      envG.put("PLATFORM_MODULES_" + mod.toUpperCase(Locale.ROOT) + "_ENABLED", "false");
    }
    Node g;
    try {
      g = Node.startPlatform("cluster-gateway", o.jar, o.platformJvm, envG, o.work, true, 180_000);
    } catch (Exception e) {
      m.stop();
      throw e;
    }
    return new Node[] {m, g};
  }

  private boolean waitRouted(Node g, Endpoint e) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Http.send(e.wrk().method(), g.base() + e.wrk().paths().get(0), e.checkHeaders(), null, 10).ok()) {
        return true;
      }
      Thread.sleep(200);
    }
    return false;
  }

  private void cluster(List<String> modules, Endpoint single, Wrk wrk, Node baseline, Wrk.Request baselineReq, Results res) {
    Node[] nodes = null;
    try {
      say("cluster: one node with the modules (no gateway), one gateway-only node; Hazelcast on loopback");
      nodes = startCluster(modules);
      res.clusterStartup = nodes[1].startupMs;
      if (!waitRouted(nodes[1], single)) {
        Http.Res r = Http.send("GET", nodes[1].base() + single.wrk().paths().get(0), single.checkHeaders(), null, 10);
        res.clusterNote = "the gateway node never answered the single read with 2xx (last: " + r.status() + " "
          + abbreviate(r.body(), 200) + ")";
        say("  %s", res.clusterNote);
        return;
      }
      wrk.run("cluster-warmup", nodes[1].base(), single.wrk(), o.warmup, 0);
      res.clusterSeq = sequential(nodes[1], List.of(single), 200).get(single.key());
      say("  single read through the gateway node, one request at a time: p50 %s ms, p99 %s ms",
        Report.ms(res.clusterSeq[0]), Report.ms(res.clusterSeq[1]));
      res.clusterPlatform = safeRun(wrk, "cluster-single-read", nodes[1].base(), single.wrk(), o.duration, 0);
      res.clusterBaseline = safeRun(wrk, "baseline", baseline.base(), baselineReq, o.duration, 0);
      res.clusterRss = nodes[1].peakRssMb() + " MB gateway node, " + nodes[0].peakRssMb() + " MB modules node (peak)";
      if (o.profile) {
        profileCluster(nodes, single, wrk, res);
      }
      say("  single read through the gateway node: %s req/s p50 %s p99 %s ms (baseline %s req/s, load %s)",
        Report.num(res.clusterPlatform.rps()), Report.ms(res.clusterPlatform.p50()), Report.ms(res.clusterPlatform.p99()),
        Report.num(res.clusterBaseline.rps()), res.clusterPlatform.load());
    } catch (Exception e) {
      res.clusterNote = "cluster mode could not be measured: " + abbreviate(e.getMessage(), 600);
      say("  %s", res.clusterNote);
    } finally {
      if (nodes != null) {
        nodes[1].stop();
        nodes[0].stop();
      }
    }
  }

  /** JFR on both cluster nodes during one more single-read run through the gateway node. */
  private void profileCluster(Node[] nodes, Endpoint single, Wrk wrk, Results res) {
    String[] names = {"cluster-modules", "cluster-gateway"};
    try {
      for (int i = 0; i < 2; i++) {
        Procs.run(List.of("jcmd", Long.toString(nodes[i].pid()), "JFR.start", "name=bench-" + names[i], "settings=profile"), 60);
      }
      Wrk.Result w = safeRun(wrk, "cluster-profiled", nodes[1].base(), single.wrk(), Math.max(5, o.profileSeconds / 2), 0);
      for (int i = 1; i >= 0; i--) {
        Path jfr = o.work.resolve("profile-" + names[i] + ".jfr");
        Files.deleteIfExists(jfr);
        Procs.run(List.of("jcmd", Long.toString(nodes[i].pid()), "JFR.stop", "name=bench-" + names[i], "filename=" + jfr), 120);
        String summary = JfrSummary.summarize(jfr, 20);
        Files.writeString(o.work.resolve("profile-" + names[i] + ".txt"), summary);
        res.profiles.put(String.format(Locale.ROOT, "%s node, single read through the gateway node (%s req/s while recording)",
          names[i], Report.num(w.rps())), summary);
      }
      say("profiled the cluster nodes");
    } catch (Exception e) {
      notes.add("cluster profile failed: " + abbreviate(e.getMessage(), 300));
    }
  }

  private boolean clusterSmoke(List<String> modules, Endpoint single) {
    Node[] nodes = null;
    try {
      nodes = startCluster(modules);
      boolean ok = waitRouted(nodes[1], single);
      say("  %-24s %s (gateway-only node -> modules node)", "cluster-single-read", ok ? "2xx" : "FAILED");
      return ok;
    } catch (Exception e) {
      say("  cluster-single-read FAILED: %s", abbreviate(e.getMessage(), 400));
      return false;
    } finally {
      if (nodes != null) {
        nodes[1].stop();
        nodes[0].stop();
      }
    }
  }

  // --------------------------------------------------------------- the platform's own embedded PostgreSQL

  private void embeddedStartup(Results res) {
    for (int attempt = 1; attempt <= 2 && res.embeddedWarm < 0; attempt++) {
      embeddedStartupOnce(res, attempt);
    }
  }

  private void embeddedStartupOnce(Results res, int attempt) {
    try {
      Path data = o.work.resolve("nodes").resolve("embedded-data");
      Pg.deleteTree(data);
      Map<String, String> env = new LinkedHashMap<>();
      env.put("PLATFORM_HTTP_HOST", "127.0.0.1");
      env.put("PLATFORM_DATA_DIR", data.toString());
      env.put("PLATFORM_DB_EMBEDDED_DIR", data.resolve("postgres").toString());
      env.put("PLATFORM_AUTH_JWT_SECRET", SECRET);
      env.put("PLATFORM_HTTP_PORT", Integer.toString(Node.freePort()));
      Node a = Node.startPlatform("embedded-first-start", o.jar, o.platformJvm, env, o.work, true, 180_000);
      res.embeddedFirst = a.startupMs;
      a.stop();
      env.put("PLATFORM_HTTP_PORT", Integer.toString(Node.freePort()));
      Node b = Node.startPlatform("embedded-restart", o.jar, o.platformJvm, env, o.work, true, 180_000);
      res.embeddedWarm = b.startupMs;
      b.stop();
      say("platform with its own embedded PostgreSQL: first start %d ms, restart %d ms", res.embeddedFirst, res.embeddedWarm);
      Pg.deleteTree(data);
    } catch (Exception e) {
      say("embedded-mode start-up, attempt %d, failed: %s", attempt, abbreviate(e.getMessage(), 200));
      if (attempt == 2) {
        notes.add("embedded-mode start-up not measured: " + abbreviate(e.getMessage(), 300));
      }
    }
  }

  // -------------------------------------------------------------------------------------- results

  record Row(Endpoint endpoint, Wrk.Result platform, Wrk.Result baseline, String note) {
  }

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
    double totalSeconds;
    String loadBefore = Procs.loadAvg();

    Row row(String key) {
      return rows.stream().filter(r -> r.endpoint.key().equals(key)).findFirst().orElse(null);
    }

    Report table() {
      Report t = new Report("endpoint", "platform req/s", "baseline req/s", "ratio", "p50 ms", "p99 ms", "errors",
        "other CPU (load)");
      for (Row r : rows) {
        if (r.platform == null) {
          t.row(r.endpoint.label(), r.note, "", "", "", "", "", "");
          continue;
        }
        t.row(r.endpoint.label(), Report.num(r.platform.rps()), Report.num(r.baseline.rps()),
          Report.ratio(r.platform.rps(), r.baseline.rps()), Report.ms(r.platform.p50()), Report.ms(r.platform.p99()),
          r.platform.errors() + (r.platform.socketErrors() > 0 ? " (" + r.platform.socketErrors() + " socket)" : ""),
          noise(r.platform));
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
      return r == null || r.platform == null ? -1 : r.platform.rps();
    }

    long p50(String key) {
      Row r = row(key);
      return r == null || r.platform == null ? -1 : r.platform.p50();
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

    Report targets() {
      Report t = new Report("target", "goal", "measured", "met");
      Row single = row("single-read");
      if (single != null && single.platform != null) {
        double r = single.platform.rps() / single.baseline.rps();
        t.row("authenticated single read vs baseline req/s", ">= 0.6x", String.format(Locale.ROOT, "%.2fx", r), yes(r >= 0.6));
      } else {
        t.row("authenticated single read vs baseline req/s", ">= 0.6x", "not measured", "?");
      }
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
      if (pacedPlatform != null && pacedBaseline.p99() > 0) {
        double r = (double) pacedPlatform.p99() / pacedBaseline.p99();
        t.row("p99 at half the platform's max rate vs baseline p99 at that rate", "<= 3x",
          String.format(Locale.ROOT, "%.2fx (%s vs %s ms at %s req/s)", r, Report.ms(pacedPlatform.p99()),
            Report.ms(pacedBaseline.p99()), Report.num(pacedRate)), yes(r <= 3));
      } else {
        t.row("p99 at half the platform's max rate vs baseline p99 at that rate", "<= 3x", "not measured", "?");
      }
      t.row("start-up to first served request, initialised database", "< 3 s",
        startWarm + " ms (external PostgreSQL)" + (embeddedWarm > 0 ? "; " + embeddedWarm + " ms (its own embedded PostgreSQL)" : ""),
        yes(startWarm > 0 && startWarm < 3000 && (embeddedWarm < 0 || embeddedWarm < 3000)));
      t.row("RSS after the full run", "< 400 MB", rssMb + " MB (peak " + peakRssMb + " MB)", yes(peakRssMb > 0 && peakRssMb < 400));
      return t;
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

  private String machine() {
    String cpu = "?";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException ignored) {
      // not Linux
    }
    long memKb = Procs.procStatusKbFile("/proc/meminfo", "MemTotal");
    return String.format(Locale.ROOT, "%d cores (%s), %.1f GB memory, Java %s (%s), load %s",
      Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0, System.getProperty("java.version"),
      System.getProperty("java.vm.name"), Procs.loadAvg());
  }

  private static final String BEGIN = "<!-- generated by bench/run.sh: begin -->";
  private static final String END = "<!-- generated by bench/run.sh: end -->";

  private void writeResults(Results res) throws IOException {
    StringBuilder m = new StringBuilder();
    m.append(BEGIN).append('\n');
    m.append("## Latest full run\n\n");
    m.append("- **Date**: ").append(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)).append('\n');
    m.append("- **Machine**: ").append(machine()).append('\n');
    m.append("- **PostgreSQL**: ").append(pgVersion()).append(", embedded (zonky), same server for platform and baseline\n");
    m.append("- **Platform**: `").append(o.root.relativize(o.jar)).append("` started as `java ")
      .append(String.join(" ", o.platformJvm)).append(o.platformJvm.isEmpty() ? "" : " ").append("-jar` (no JVM options unless noted), ")
      .append(gitDescribe()).append('\n');
    m.append("- **Load**: 1-minute load average ").append(res.loadBefore).append(" before the run, ").append(Procs.loadAvg())
      .append(" after it (it counts the bench's own processes too; the `other CPU` column says how much everyone else took)\n");
    m.append("- **Load generator**: wrk ").append(wrkVersion()).append(String.format(Locale.ROOT,
      ", -t%d -c%d, %d s per run after %d s of warm-up, platform and baseline runs alternated; run took %.0f s in all%n",
      o.threads, o.connections, o.duration, o.warmup, res.totalSeconds));
    m.append("- **Data set**: ").append(ds).append(String.format(Locale.ROOT, "; loaded in **%.1f s** (%s); %s%n",
      res.loadMs / 1000.0, String.join(", ", res.loadTimings), res.loadCheck));
    if (!res.loadProblems.isEmpty()) {
      m.append("- **Load problems**: ").append(String.join("; ", res.loadProblems)).append('\n');
    }
    m.append("\n### Throughput and latency\n\n");
    m.append("`errors` = non-2xx answers + socket errors. `ratio` = platform req/s / baseline req/s, the baseline measured in the run "
      + "right after. Latencies are the platform's. `other CPU` = cores used by processes other than the bench's own (other "
      + "engineers' builds and tests) during the platform's run, from /proc; the 1-minute load average in brackets also counts the "
      + "bench's own processes (wrk, platform, PostgreSQL), so about 3-4 is the bench alone on 2 cores.\n\n");
    m.append(res.table().markdown());
    m.append(String.format(Locale.ROOT, "%nPlatform peak RSS (VmHWM) after all the single-node runs: **%d MB** (RSS then: %d MB).%n",
      res.peakRssMb, res.rssMb));
    m.append("\n### Targets\n\n").append(res.targets().markdown());
    m.append("\n### Scale\n\n").append(res.scale().markdown());
    m.append("\n### Start-up to first served request\n\n");
    m.append(String.format(Locale.ROOT, "- external PostgreSQL (the bench's), empty database (all migrations): %d ms%n", res.startFirst));
    m.append(String.format(Locale.ROOT, "- external PostgreSQL, initialised database with the full data set: %d ms%n", res.startWarm));
    if (res.embeddedWarm > 0) {
      m.append(String.format(Locale.ROOT, "- its own embedded PostgreSQL (default configuration): first start %d ms (initdb + migrations), "
        + "restart %d ms%n", res.embeddedFirst, res.embeddedWarm));
    }
    m.append("\n### SQL statements per request\n\npg_stat_statements `calls` delta over sequential requests (top-level statements, "
      + "BEGIN/COMMIT included), divided by the number of requests.\n\n");
    for (Map.Entry<String, Double> s : res.statements.entrySet()) {
      m.append(String.format(Locale.ROOT, "- **%s**: %.2f%n", s.getKey(), s.getValue()));
      for (String d : res.statementDetail.getOrDefault(s.getKey(), List.of())) {
        m.append("  - ").append(d).append('\n');
      }
    }
    if (!res.topStatements.isEmpty()) {
      m.append("\n### Top statements by total execution time over the whole run\n\n| calls | total ms | mean ms | rows/call | query |\n|---:|---:|---:|---:|---|\n");
      res.topStatements.forEach(l -> m.append(l).append('\n'));
    }
    if (!res.plans.isEmpty()) {
      m.append("\n### Query plans (bench/explain.sql, after the runs)\n\n");
      for (String[] p : res.plans) {
        m.append("**").append(p[0].isEmpty() ? "statement" : p[0]).append("**\n\n```sql\n").append(p[1])
          .append("\n```\n```\n").append(p[2]).append("```\n\n");
      }
    }
    m.append("\n### Cluster\n\n");
    if (res.clusterPlatform != null) {
      Row single = res.row("single-read");
      m.append(String.format(Locale.ROOT, "Single read through a gateway-only node to the modules on a second node: **%s req/s**, p50 %s ms, "
          + "p99 %s ms (baseline in the next run: %s req/s); single node: %s req/s, p50 %s ms, p99 %s ms: **%.2fx** the single-node "
          + "throughput. Gateway start-up (joining the cluster) %d ms. RSS: %s.%n",
        Report.num(res.clusterPlatform.rps()), Report.ms(res.clusterPlatform.p50()), Report.ms(res.clusterPlatform.p99()),
        Report.num(res.clusterBaseline.rps()), Report.num(single.platform.rps()), Report.ms(single.platform.p50()),
        Report.ms(single.platform.p99()), res.clusterPlatform.rps() / single.platform.rps(), res.clusterStartup, res.clusterRss));
      if (res.clusterSeq != null && res.seq("single-read") > 0) {
        m.append(String.format(Locale.ROOT, "%nOne request at a time (no concurrency): p50 %s ms through the gateway node against %s ms on "
          + "the single node (p99 %s against %s ms).%n", Report.ms(res.clusterSeq[0]), Report.ms(res.seq("single-read")),
          Report.ms(res.clusterSeq[1]), Report.ms(res.seqLatency.get("single-read")[1])));
      }
    } else {
      m.append(res.clusterNote != null ? res.clusterNote : "not measured (--no-cluster)").append('\n');
    }
    if (!res.profiles.isEmpty()) {
      m.append("\n### JFR profiles (execution samples of the platform process)\n\n");
      res.profiles.forEach((k, v) -> m.append("#### ").append(k).append("\n\n```\n").append(v).append("```\n\n"));
    }
    if (!notes.isEmpty()) {
      m.append("\n### Notes\n\n");
      notes.forEach(n -> m.append("- ").append(n).append('\n'));
    }
    m.append(END).append('\n');

    String before = "# Benchmark results\n\nProduced by `bench/run.sh` (see `bench/README.md`). The section between the markers is "
      + "rewritten by every full run; everything outside it is kept.\n\n";
    String after = "";
    if (Files.exists(o.results)) {
      String old = Files.readString(o.results, StandardCharsets.UTF_8);
      int b = old.indexOf(BEGIN);
      int e = old.indexOf(END);
      if (b >= 0 && e > b) {
        before = old.substring(0, b);
        after = old.substring(e + END.length() + 1 > old.length() ? old.length() : e + END.length() + 1);
      } else {
        after = "\n" + old;
      }
    }
    Files.writeString(o.results, before + m + after, StandardCharsets.UTF_8);
    say("wrote %s", o.root.relativize(o.results));
  }

  private String pgVersion() {
    try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW server_version")) {
      rs.next();
      return "PostgreSQL " + rs.getString(1);
    } catch (Exception e) {
      return "PostgreSQL ?";
    }
  }

  private String gitDescribe() {
    try {
      // the last commit of what goes into the jar (bench commits do not change it)
      String head = Procs.run(List.of("git", "-C", o.root.toString(), "log", "-1", "--format=%h", "--", "core", "modules", "app",
        "config", "pom.xml"), 10).trim();
      String dirty = Procs.run(List.of("git", "-C", o.root.toString(), "status", "--porcelain", "--", "core", "modules", "app", "config"), 10).trim();
      return "platform code at commit " + head + (dirty.isEmpty() ? "" : " plus uncommitted work of the other engineers in core/modules/app/config");
    } catch (Exception e) {
      return "commit unknown";
    }
  }

  private static String wrkVersion() {
    try {
      String v = Procs.run(List.of("wrk", "--version"), 10);
      return v.lines().findFirst().orElse("?").replaceAll("\\s+Copyright.*", "").replace("wrk ", "");
    } catch (Exception e) {
      return "?";
    }
  }

  static String vmName() {
    return ManagementFactory.getRuntimeMXBean().getVmName();
  }
}
