package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.cluster.ClusterNode;
import org.communityplatform.core.module.ModuleLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a node runs, as the readiness check, the cluster's node directory and the start-up log show it:
 * its name, whether it serves HTTP, and its modules with their instances (own and taken over).
 */
final class NodeView {

  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final Platform platform;
  private final ModuleLoader modules;
  private final ModuleDeployment deployment;

  NodeView(Platform platform, ModuleLoader modules, ModuleDeployment deployment) {
    this.platform = platform;
    this.modules = modules;
    this.deployment = deployment;
  }

  /** This node: {@code {node, gateway, http, modules: {name: {instances, takenOver?}}, ha?}}. */
  JsonObject nodeInfo() {
    JsonObject mods = new JsonObject();
    for (ModuleLoader.ModuleState s : modules.modules().values()) {
      int own = deployment.ownInstances(s);
      int takenOver = deployment.takenOver(s);
      if (own + takenOver > 0) {
        JsonObject m = new JsonObject().put("instances", own + takenOver);
        if (takenOver > 0) {
          m.put("takenOver", takenOver);
        }
        mods.put(s.module.name(), m);
      }
    }
    ClusterNode cluster = platform.cluster();
    int srvPort = platform.httpPort();
    JsonObject info = new JsonObject()
      .put("node", cluster == null ? "single" : cluster.settings().nodeName())
      .put("gateway", srvPort >= 0)
      .put("http", srvPort < 0 ? null : platform.config().getJsonObject("http").getString("host") + ":" + srvPort)
      .put("modules", mods);
    if (cluster != null && cluster.settings().ha()) {
      info.put("ha", true);
    }
    return info;
  }

  /** Every node and where each module runs: the cluster's directory, or this node alone. */
  Future<JsonObject> clusterView() {
    ClusterNode cluster = platform.cluster();
    if (cluster != null) {
      return cluster.view(modules.modules().keySet(), 2000);
    }
    JsonObject self = nodeInfo();
    JsonObject where = new JsonObject();
    for (String name : modules.modules().keySet()) {
      where.put(name, self.getJsonObject("modules").containsKey(name) ? new JsonArray().add("single") : new JsonArray());
    }
    return Future.succeededFuture(new JsonObject().put("mode", "single")
      .put("members", new JsonArray().add(self)).put("modules", where));
  }

  /** One line on what runs here: the operator's first question about a node. */
  void logPlacement() {
    JsonObject info = nodeInfo();
    List<String> runs = new ArrayList<>();
    info.getJsonObject("modules").forEach(e -> runs.add(e.getKey() + " x" + ((JsonObject) e.getValue()).getInteger("instances")));
    List<String> off = new ArrayList<>();
    modules.modules().values().forEach(s -> {
      if (!s.enabled) {
        off.add(s.module.name());
      }
    });
    String http = info.getBoolean("gateway") ? "gateway on " + info.getString("http") : "no gateway (no HTTP port)";
    ClusterNode cluster = platform.cluster();
    if (cluster == null) {
      LOG.info("single node: {}; modules {}{}", http, runs.isEmpty() ? "none" : runs,
        off.isEmpty() ? "" : "; disabled (no routes): " + off);
    } else {
      LOG.info("cluster node {} ({}): {}; modules {}{}; {} member(s) in cluster '{}'", cluster.settings().nodeName(),
        cluster.nodeId(), http, runs.isEmpty() ? "none" : runs, off.isEmpty() ? "" : "; not here: " + off,
        cluster.members().size(), cluster.settings().name());
      if (info.getBoolean("gateway")) {
        LOG.info("cluster node {}: the gateway routes every module on the classpath ({}); requests go over the bus "
          + "to the nodes running each, and answer 503 while none does", cluster.settings().nodeName(),
          modules.modules().keySet());
      }
    }
  }
}
