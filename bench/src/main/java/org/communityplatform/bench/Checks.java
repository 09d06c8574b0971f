package org.communityplatform.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.communityplatform.bench.Run.abbreviate;

/**
 * The cheap phases before the load: every endpoint once, SQL statements per request
 * (pg_stat_statements {@code calls} delta over sequential requests), and sequential latency.
 */
final class Checks {

  private final Run run;

  Checks(Run run) {
    this.run = run;
  }

  /**
   * Sends every endpoint (and the baseline) once, then counts SQL statements per request of the reads
   * that answered 2xx. Records both in {@code res}; returns how many checks failed.
   */
  int checkAll(Node platform, Node baseline, Endpoints endpoints, Results res) throws Exception {
    Map<String, Http.Res> checks = new LinkedHashMap<>();
    Http.Res b = Http.get(baseline.base() + endpoints.baselineReq.paths().get(0), Map.of());
    run.say("  %-24s %s %5.1f ms", "baseline", b.status(), b.nanos() / 1e6);
    int failures = b.ok() ? 0 : 1;
    for (Endpoint e : endpoints.list) {
      Http.Res r = Http.send(e.wrk().method(), platform.base() + e.wrk().paths().get(0), e.checkHeaders(), e.wrk().body(), 30);
      checks.put(e.key(), r);
      run.say("  %-24s %s %5.1f ms %s", e.key(), r.status(), r.nanos() / 1e6, r.ok() ? "" : abbreviate(r.body(), 300));
      if (!r.ok()) {
        failures++;
      }
    }
    res.checks = checks;

    // SQL statements per request (pg_stat_statements calls delta, over sequential requests)
    res.statements = new LinkedHashMap<>();
    res.statementDetail = new LinkedHashMap<>();
    for (Endpoint e : endpoints.list) {
      if (!e.write() && checks.get(e.key()).ok()) {
        statements(platform, e, run.o.smoke ? 5 : 50, res);
      }
    }
    for (Map.Entry<String, Double> s : res.statements.entrySet()) {
      run.say("  %-24s %.2f SQL statements per request", s.getKey(), s.getValue());
      if (!s.getKey().equals("members-p1-10k")) {
        for (String d : res.statementDetail.get(s.getKey())) {
          run.say("      %s", d);
        }
      }
    }
    return failures;
  }

  void statements(Node platform, Endpoint e, int n, Results res) throws Exception {
    String url = platform.base() + e.wrk().paths().get(0);
    for (int i = 0; i < 5; i++) {
      Http.send(e.wrk().method(), url, e.checkHeaders(), e.wrk().body(), 30);
    }
    Map<String, String> texts = new HashMap<>();
    Map<String, long[]> before = run.pg.statements(texts);
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
    Map<String, long[]> after = run.pg.statements(texts);
    double total = 0;
    List<String> detail = new ArrayList<>();
    for (Map.Entry<String, long[]> a : after.entrySet()) {
      long[] bf = before.getOrDefault(a.getKey(), new long[] {0, 0});
      long calls = a.getValue()[0] - bf[0];
      if (calls > 0) {
        double per = (double) calls / n;
        // the bench's own snapshot query (one transaction) shows up when counting transactions
        if (!run.pg.statStatements) {
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

  /**
   * Sequential latencies, one request at a time, the endpoints interleaved round by round (so that
   * noise from other processes on the machine falls on all of them alike): 20 warm-up rounds, then
   * at most {@code rounds} rounds or 40 s. Per endpoint [p50, p99] in microseconds.
   */
  Map<String, long[]> sequential(Node platform, List<Endpoint> eps, int rounds) {
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
}
