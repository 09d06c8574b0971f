package org.communityplatform.core.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * This node's membership of the cluster: the clustered Vert.x, who the other members are, and what
 * each of them runs.
 *
 * <p>Nothing authoritative is kept in Hazelcast. What a node runs is asked of the node itself, over
 * the bus, at {@code platform.node.<nodeId>}; the member list is Hazelcast's live view.
 */
public final class ClusterNode {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  /** Every node answers at {@code platform.node.<its node id>} with what it runs. */
  public static final String NODE_ADDRESS_PREFIX = "platform.node.";
  private static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastClusterManager manager;
  private final ClusterSettings settings;
  private UUID membershipListener;
  private MessageConsumer<Object> infoConsumer;

  private ClusterNode(Vertx vertx, HazelcastClusterManager manager, ClusterSettings settings) {
    this.vertx = vertx;
    this.manager = manager;
    this.settings = settings;
  }

  /** Starts Hazelcast and a clustered Vert.x on it. */
  public static Future<ClusterNode> start(ClusterSettings settings, VertxOptions base) {
    return start(settings, base, null);
  }

  /** Starts Hazelcast and a clustered Vert.x on it, reporting into {@code metrics} (null: none). */
  public static Future<ClusterNode> start(ClusterSettings settings, VertxOptions base,
                                          org.communityplatform.core.ops.Metrics metrics) {
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(settings.hazelcastConfig());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    LOG.info("cluster: joining, {}", settings.describe());
    long t0 = System.nanoTime();
    return org.communityplatform.core.ops.Metrics.apply(metrics, Vertx.builder(), settings.vertxOptions(base))
      .withClusterManager(manager)
      .buildClustered()
      .map(vertx -> {
        ClusterNode node = new ClusterNode(vertx, manager, settings);
        node.watchMembers();
        List<JsonObject> members = node.members();
        LOG.info("cluster: joined '{}' as node {} ({}) in {} ms; {} member(s): {}", settings.name,
          settings.nodeName, node.nodeId(), (System.nanoTime() - t0) / 1_000_000, members.size(), members);
        return node;
      });
  }

  public Vertx vertx() {
    return vertx;
  }

  public ClusterSettings settings() {
    return settings;
  }

  /** Vert.x node id of this node (new at each start). */
  public String nodeId() {
    return manager.getNodeId();
  }

  public HazelcastInstance hazelcast() {
    return manager.getHazelcastInstance();
  }

  /** The live members: node id, Hazelcast address, and whether it is this node. */
  public List<JsonObject> members() {
    List<JsonObject> list = new ArrayList<>();
    HazelcastInstance hz = manager.getHazelcastInstance();
    if (hz == null || !hz.getLifecycleService().isRunning()) {
      return list;
    }
    for (Member m : hz.getCluster().getMembers()) {
      list.add(describe(m));
    }
    return list;
  }

  private static JsonObject describe(Member m) {
    return new JsonObject()
      .put("nodeId", m.getAttribute(NODE_ID_ATTRIBUTE))
      .put("address", m.getAddress().getHost() + ":" + m.getAddress().getPort())
      .put("self", m.localMember());
  }

  private void watchMembers() {
    membershipListener = manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.info("cluster: member joined: {} ({} member(s) now)", describe(event.getMember()).encode(),
          event.getMembers().size());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        LOG.warn("cluster: member left or was declared dead: {} ({} member(s) now); its consumers are dropped",
          describe(event.getMember()).encode(), event.getMembers().size());
      }
    });
  }

  /** Answers {@code platform.node.<nodeId>} with {@code info} (what this node runs), from now on. */
  public Future<Void> serveNodeInfo(Supplier<JsonObject> info) {
    infoConsumer = vertx.eventBus().consumer(NODE_ADDRESS_PREFIX + nodeId(),
      msg -> msg.reply(info.get().copy().put("nodeId", nodeId())));
    return infoConsumer.completion();
  }

  /**
   * What runs where: every live member, asked what it runs (members that do not answer within
   * {@code timeoutMs} are listed as such), and for each module the nodes that run it.
   */
  public Future<JsonObject> view(Collection<String> moduleNames, long timeoutMs) {
    List<JsonObject> members = members();
    List<Future<JsonObject>> answers = new ArrayList<>();
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(timeoutMs);
    for (JsonObject m : members) {
      String id = m.getString("nodeId");
      answers.add(vertx.eventBus().<JsonObject>request(NODE_ADDRESS_PREFIX + id, null, opts)
        .map(reply -> m.copy().mergeIn(reply.body()))
        .otherwise(err -> m.copy().put("state", "no answer: " + err.getMessage())));
    }
    return Future.join(answers).map(x -> {
      JsonArray list = new JsonArray();
      JsonObject modules = new JsonObject();
      moduleNames.forEach(n -> modules.put(n, new JsonArray()));
      for (Future<JsonObject> f : answers) {
        JsonObject node = f.result();
        list.add(node);
        JsonObject runs = node.getJsonObject("modules", new JsonObject());
        for (String name : runs.fieldNames()) {
          JsonArray where = modules.getJsonArray(name);
          if (where == null) {
            where = new JsonArray();
            modules.put(name, where);
          }
          where.add(node.getString("node", node.getString("nodeId")));
        }
      }
      return new JsonObject()
        .put("mode", "cluster")
        .put("name", settings.name)
        .put("self", settings.nodeName)
        .put("failureDetectionSeconds", settings.maxNoHeartbeatSeconds)
        .put("members", list)
        .put("modules", modules);
    });
  }

  /** Stops answering node-info requests and watching members (Vert.x close leaves the cluster). */
  public Future<Void> stop() {
    HazelcastInstance hz = manager.getHazelcastInstance();
    if (membershipListener != null && hz != null && hz.getLifecycleService().isRunning()) {
      try {
        hz.getCluster().removeMembershipListener(membershipListener);
      } catch (RuntimeException ignored) {
        // leaving anyway
      }
    }
    return infoConsumer == null ? Future.succeededFuture() : infoConsumer.unregister();
  }
}
