package org.communityplatform.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.communityplatform.bench.Run.abbreviate;

/** JFR profiles of the platform process: the slowest endpoint, the single read, a start-up, the cluster nodes. */
final class Profiler {

  private final Run run;

  Profiler(Run run) {
    this.run = run;
  }

  /** Records the endpoint with the lowest platform/baseline ratio and the single read. */
  void endpoints(Node platform, Wrk wrk, Results res) {
    Row slowest = null;
    for (Row r : res.rows) {
      if (r.platform() != null && r.baseline() != null && r.platform().rps() > 0
        && (slowest == null || r.platform().rps() / r.baseline().rps() < slowest.platform().rps() / slowest.baseline().rps())) {
        slowest = r;
      }
    }
    Row single = res.row("single-read");
    List<Row> targets = new ArrayList<>();
    if (slowest != null) {
      targets.add(slowest);
    }
    if (single != null && single.platform() != null && single != slowest) {
      targets.add(single);
    }
    for (Row r : targets) {
      Path jfr = run.o.work.resolve("profile-" + r.endpoint().key() + ".jfr");
      try {
        Files.deleteIfExists(jfr);
        String name = "bench-" + r.endpoint().key();
        Procs.run(List.of("jcmd", Long.toString(platform.pid()), "JFR.start", "name=" + name, "settings=profile"), 60);
        Wrk.Request req = r.endpoint().key().equals("join")
          ? new Wrk.Request("POST", r.endpoint().wrk().paths(), r.endpoint().wrk().headers(), null,
          run.o.work.resolve("tokens/join-warmup.txt")) : r.endpoint().wrk();
        Wrk.Result w = run.safeRun(wrk, r.endpoint().key() + "-profiled", platform.base(), req, run.o.profileSeconds, 0);
        Procs.run(List.of("jcmd", Long.toString(platform.pid()), "JFR.stop", "name=" + name, "filename=" + jfr), 120);
        String summary = JfrSummary.summarize(jfr, 25);
        Files.writeString(run.o.work.resolve("profile-" + r.endpoint().key() + ".txt"), summary);
        res.profiles.put(r.endpoint().key() + String.format(Locale.ROOT, " (%s req/s while recording)", Report.num(w.rps())), summary);
        run.say("profiled %s: %s", r.endpoint().key(), run.o.root.relativize(jfr));
      } catch (Exception e) {
        run.say("profiling %s failed: %s", r.endpoint().key(), e.getMessage());
        run.notes.add("profiling " + r.endpoint().key() + " failed: " + e.getMessage());
      }
    }
  }

  /** One more start on the initialised database, recorded by JFR from the first instruction on. */
  void startup(Results res) {
    Path jfr = run.o.work.resolve("profile-startup.jfr");
    try {
      Files.deleteIfExists(jfr);
      List<String> jvm = new ArrayList<>(run.o.platformJvm);
      jvm.add("-XX:StartFlightRecording=name=startup,settings=profile,filename=" + jfr);
      Node n = Node.startPlatform("platform-startup-profiled", run.o.jar, jvm, run.env(Node.freePort(), "platform"), run.o.work, true, 180_000);
      try {
        Procs.run(List.of("jcmd", Long.toString(n.pid()), "JFR.dump", "name=startup", "filename=" + jfr), 120);
      } finally {
        n.stop();
      }
      String summary = JfrSummary.summarize(jfr, 25);
      Files.writeString(run.o.work.resolve("profile-startup.txt"), summary);
      res.profiles.put(String.format(Locale.ROOT, "start-up (spawn to first served request %d ms with JFR on, initialised database)",
        n.startupMs), summary);
      run.say("profiled a start-up: %s", run.o.root.relativize(jfr));
    } catch (Exception e) {
      run.notes.add("start-up profile failed: " + abbreviate(e.getMessage(), 300));
    }
  }

  // -------------------------------------------------------------------------------------- cluster

  /** JFR on both cluster nodes during one more single-read run through the gateway node. */
  void cluster(Node[] nodes, Endpoint single, Wrk wrk, Results res) {
    String[] names = {"cluster-modules", "cluster-gateway"};
    try {
      for (int i = 0; i < 2; i++) {
        Procs.run(List.of("jcmd", Long.toString(nodes[i].pid()), "JFR.start", "name=bench-" + names[i], "settings=profile"), 60);
      }
      Wrk.Result w = run.safeRun(wrk, "cluster-profiled", nodes[1].base(), single.wrk(), Math.max(5, run.o.profileSeconds / 2), 0);
      for (int i = 1; i >= 0; i--) {
        Path jfr = run.o.work.resolve("profile-" + names[i] + ".jfr");
        Files.deleteIfExists(jfr);
        Procs.run(List.of("jcmd", Long.toString(nodes[i].pid()), "JFR.stop", "name=bench-" + names[i], "filename=" + jfr), 120);
        String summary = JfrSummary.summarize(jfr, 20);
        Files.writeString(run.o.work.resolve("profile-" + names[i] + ".txt"), summary);
        res.profiles.put(String.format(Locale.ROOT, "%s node, single read through the gateway node (%s req/s while recording)",
          names[i], Report.num(w.rps())), summary);
      }
      run.say("profiled the cluster nodes");
    } catch (Exception e) {
      run.notes.add("cluster profile failed: " + abbreviate(e.getMessage(), 300));
    }
  }
}
