package org.communityplatform.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import static org.communityplatform.bench.Run.abbreviate;

/**
 * The cluster phase: one node with every module and no gateway, one gateway-only node, Hazelcast on
 * loopback; the single read through the gateway node, against the baseline and the single node.
 */
final class ClusterPhase {

  private final Run run;

  ClusterPhase(Run run) {
    this.run = run;
  }

  private Map<String, String> clusterEnv(String nodeName, int httpPort, int hzPort, String members, String clusterName) {
    Map<String, String> env = run.env(httpPort, nodeName);
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
    Node m = Node.startPlatform("cluster-modules", run.o.jar, run.o.platformJvm, envM, run.o.work, false, 180_000);
    Map<String, String> envG = clusterEnv("bench-gateway", Node.freePort(), hzGateway, members, clusterName);
    for (String mod : modules) {
      envG.put("PLATFORM_MODULES_" + mod.toUpperCase(Locale.ROOT) + "_ENABLED", "false");
    }
    Node g;
    try {
      g = Node.startPlatform("cluster-gateway", run.o.jar, run.o.platformJvm, envG, run.o.work, true, 180_000);
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

  void measure(List<String> modules, Endpoint single, Wrk wrk, Node baseline, Wrk.Request baselineReq, Results res) {
    Node[] nodes = null;
    try {
      run.say("cluster: one node with the modules (no gateway), one gateway-only node; Hazelcast on loopback");
      nodes = startCluster(modules);
      res.clusterStartup = nodes[1].startupMs;
      if (!waitRouted(nodes[1], single)) {
        Http.Res r = Http.send("GET", nodes[1].base() + single.wrk().paths().get(0), single.checkHeaders(), null, 10);
        res.clusterNote = "the gateway node never answered the single read with 2xx (last: " + r.status() + " "
          + abbreviate(r.body(), 200) + ")";
        run.say("  %s", res.clusterNote);
        return;
      }
      wrk.run("cluster-warmup", nodes[1].base(), single.wrk(), run.o.warmup, 0);
      res.clusterSeq = new Checks(run).sequential(nodes[1], List.of(single), 200).get(single.key());
      run.say("  single read through the gateway node, one request at a time: p50 %s ms, p99 %s ms",
        Report.ms(res.clusterSeq[0]), Report.ms(res.clusterSeq[1]));
      res.clusterPlatform = run.safeRun(wrk, "cluster-single-read", nodes[1].base(), single.wrk(), run.o.duration, 0);
      res.clusterBaseline = run.safeRun(wrk, "baseline", baseline.base(), baselineReq, run.o.duration, 0);
      res.clusterRss = nodes[1].peakRssMb() + " MB gateway node, " + nodes[0].peakRssMb() + " MB modules node (peak)";
      if (run.o.profile) {
        new Profiler(run).cluster(nodes, single, wrk, res);
      }
      run.say("  single read through the gateway node: %s req/s p50 %s p99 %s ms (baseline %s req/s, load %s)",
        Report.num(res.clusterPlatform.rps()), Report.ms(res.clusterPlatform.p50()), Report.ms(res.clusterPlatform.p99()),
        Report.num(res.clusterBaseline.rps()), res.clusterPlatform.load());
    } catch (Exception e) {
      res.clusterNote = "cluster mode could not be measured: " + abbreviate(e.getMessage(), 600);
      run.say("  %s", res.clusterNote);
    } finally {
      if (nodes != null) {
        nodes[1].stop();
        nodes[0].stop();
      }
    }
  }

  /** Smoke mode: the single read through a gateway-only node answers 2xx. */
  boolean smoke(List<String> modules, Endpoint single) {
    Node[] nodes = null;
    try {
      nodes = startCluster(modules);
      boolean ok = waitRouted(nodes[1], single);
      run.say("  %-24s %s (gateway-only node -> modules node)", "cluster-single-read", ok ? "2xx" : "FAILED");
      return ok;
    } catch (Exception e) {
      run.say("  cluster-single-read FAILED: %s", abbreviate(e.getMessage(), 400));
      return false;
    } finally {
      if (nodes != null) {
        nodes[1].stop();
        nodes[0].stop();
      }
    }
  }

}
