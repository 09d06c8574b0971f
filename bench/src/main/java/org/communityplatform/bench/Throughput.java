package org.communityplatform.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

/**
 * The load phase: a wrk run per endpoint with the baseline measured right after each (so that noise
 * falls on both alike), then the paced runs: the single read at half the platform's maximum rate (and
 * the baseline at the same rate), people search at half its own maximum.
 */
final class Throughput {

  private final Run run;

  Throughput(Run run) {
    this.run = run;
  }

  /** Runs the load phase on the endpoints whose check answered 2xx; gives the wrk driver for later phases. */
  Wrk measure(Node platform, Node baseline, Endpoints endpoints, Results res) throws Exception {
    Wrk.Request baselineReq = endpoints.baselineReq;
    Path tokDir = endpoints.tokDir;
    Map<String, Http.Res> checks = res.checks;
    Wrk wrk = new Wrk(run.o.work.resolve("lua"), run.o.threads, run.o.connections);
    run.say("wrk runs: %d s each (warm-up %d s), -t%d -c%d, platform and baseline alternated", run.o.duration, run.o.warmup,
      run.o.threads, run.o.connections);
    // the baseline's JIT needs longer than a platform endpoint's warm-up (the platform is already warm from the checks)
    wrk.run("baseline-warmup", baseline.base(), baselineReq, Math.max(10, run.o.warmup), 0);
    // the platform's code is large: C2 keeps compiling for about a minute of CPU on 2 cores (seen in
    // top -H), so the first measured endpoint would otherwise be measured half-compiled
    wrk.run("platform-warmup", platform.base(), endpoints.list.get(0).wrk(), Math.max(30, run.o.warmup), 0);
    res.rows = new ArrayList<>();
    for (Endpoint e : endpoints.list) {
      if (!checks.get(e.key()).ok()) {
        res.rows.add(new Row(e, null, null, "skipped: check answered " + checks.get(e.key()).status()));
        continue;
      }
      Wrk.Request warmReq = e.key().equals("join")
        ? new Wrk.Request("POST", e.wrk().paths(), e.wrk().headers(), null, tokDir.resolve("join-warmup.txt")) : e.wrk();
      wrk.run(e.key() + "-warmup", platform.base(), warmReq, run.o.warmup, 0);
      Wrk.Result p = run.safeRun(wrk, e.key(), platform.base(), e.wrk(), run.o.duration, 0);
      Wrk.Result bl = run.safeRun(wrk, "baseline", baseline.base(), baselineReq, run.o.duration, 0);
      res.rows.add(new Row(e, p, bl, null));
      run.say("  %-24s %8s req/s  baseline %8s req/s  ratio %5s  p50 %6s ms  p99 %7s ms  errors %d  (other CPU %.2f cores, load %s)",
        e.key(), Report.num(p.rps()), Report.num(bl.rps()), Report.ratio(p.rps(), bl.rps()), Report.ms(p.p50()),
        Report.ms(p.p99()), p.errors(), p.otherCores(), p.load());
      if (p.tokenWraps() > 0 && e.key().equals("join")) {
        run.notes.add(e.key() + ": the pre-minted tokens ran out and were reused " + p.tokenWraps() + " time(s) per thread: "
          + "later requests repeated users");
      }
    }

    // ------------------------------------------------------------------------------ paced runs
    Row single = res.row("single-read");
    if (single != null && single.platform() != null && single.platform().rps() > 0) {
      double rate = Math.floor(single.platform().rps() / 2);
      run.say("paced runs at %s req/s (half the platform's max single-read rate):", Report.num(rate));
      res.pacedRate = rate;
      res.pacedPlatform = run.safeRun(wrk, "single-read-paced", platform.base(), single.endpoint().wrk(), run.o.duration + 5, rate);
      res.pacedBaseline = run.safeRun(wrk, "baseline-paced", baseline.base(), baselineReq, run.o.duration + 5, rate);
      run.say("  platform %s req/s p50 %s p99 %s ms | baseline %s req/s p50 %s p99 %s ms", Report.num(res.pacedPlatform.rps()),
        Report.ms(res.pacedPlatform.p50()), Report.ms(res.pacedPlatform.p99()), Report.num(res.pacedBaseline.rps()),
        Report.ms(res.pacedBaseline.p50()), Report.ms(res.pacedBaseline.p99()));
    }
    Row people = res.row("people-100k");
    if (people != null && people.platform() != null && people.platform().rps() > 0) {
      double rate = Math.max(1, Math.floor(people.platform().rps() / 2));
      res.peopleModerateRate = rate;
      res.peopleModerate = run.safeRun(wrk, "people-100k-paced", platform.base(), people.endpoint().wrk(), run.o.duration + 5, rate);
      run.say("  people search (100k) at %s req/s: p50 %s p99 %s ms", Report.num(rate), Report.ms(res.peopleModerate.p50()),
        Report.ms(res.peopleModerate.p99()));
    }
    return wrk;
  }
}
