package org.communityplatform.core.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.config.ConfigException;
import org.communityplatform.core.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} section of the configuration, checked, and what it turns into: the Hazelcast
 * configuration (built here, programmatically, unless {@code cluster.hazelcastConfig} names an XML
 * file) and the event bus and HA options of Vert.x.
 */
public final class ClusterSettings {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterSettings.class);

  /** Hazelcast structures vertx-hazelcast uses; each keeps one synchronous backup, as Vert.x requires. */
  static final String SUBS_MULTIMAP = "__vertx.subs";
  static final String[] VERTX_MAPS = {"__vertx.haInfo", "__vertx.nodeInfo"};

  final String name;
  final String nodeName;
  final String host;
  final int port;
  final List<String> members;
  final boolean multicast;
  final String publicHost;
  final int publicPort;
  final String busHost;
  final int busPort;
  final String busPublicHost;
  final int busPublicPort;
  final int heartbeatSeconds;
  final int maxNoHeartbeatSeconds;
  final boolean ha;
  final String haGroup;
  final int haQuorum;
  final String hazelcastConfig;

  private ClusterSettings(JsonObject c) {
    List<String> problems = new ArrayList<>();
    name = c.getString("name", "").trim();
    if (name.isEmpty()) {
      problems.add("key 'cluster.name' must not be empty");
    }
    host = c.getString("host", "").trim();
    if (host.isEmpty()) {
      problems.add("key 'cluster.host' must name an address of this machine (or 0.0.0.0)");
    }
    port = c.getInteger("port", 5701);
    checkPort("cluster.port", port, false, problems);
    members = new ArrayList<>();
    JsonArray list = c.getJsonArray("members", new JsonArray());
    for (Object m : list) {
      String s = String.valueOf(m).trim();
      if (s.isEmpty()) {
        continue;
      }
      int colon = s.lastIndexOf(':');
      if (colon >= 0) {
        try {
          checkPort("cluster.members (" + s + ")", Integer.parseInt(s.substring(colon + 1)), false, problems);
        } catch (NumberFormatException e) {
          problems.add("key 'cluster.members' has '" + s + "', which is not host:port");
        }
      }
      members.add(s);
    }
    multicast = c.getBoolean("multicast", false);
    publicHost = c.getString("publicHost", "").trim();
    publicPort = c.getInteger("publicPort", 0);
    checkPort("cluster.publicPort", publicPort, true, problems);
    if (host.equals("0.0.0.0") && publicHost.isEmpty()) {
      problems.add("key 'cluster.publicHost' must be set when cluster.host is 0.0.0.0: "
        + "the other nodes need an address they can reach this node at");
    }
    busHost = blankTo(c.getString("busHost", ""), host);
    busPort = c.getInteger("busPort", 0);
    checkPort("cluster.busPort", busPort, true, problems);
    busPublicHost = blankTo(c.getString("busPublicHost", ""), publicHost);
    busPublicPort = c.getInteger("busPublicPort", 0);
    checkPort("cluster.busPublicPort", busPublicPort, true, problems);
    if (busHost.equals("0.0.0.0") && busPublicHost.isEmpty()) {
      problems.add("key 'cluster.busPublicHost' (or cluster.publicHost) must be set when the event bus "
        + "listens on 0.0.0.0");
    }
    heartbeatSeconds = c.getInteger("heartbeatSeconds", 1);
    maxNoHeartbeatSeconds = c.getInteger("maxNoHeartbeatSeconds", 10);
    if (heartbeatSeconds < 1 || heartbeatSeconds > 60) {
      problems.add("key 'cluster.heartbeatSeconds' must be between 1 and 60");
    }
    if (maxNoHeartbeatSeconds < 2 * heartbeatSeconds || maxNoHeartbeatSeconds > 600) {
      problems.add("key 'cluster.maxNoHeartbeatSeconds' must be at least twice cluster.heartbeatSeconds "
        + "and at most 600");
    }
    nodeName = blankTo(c.getString("nodeName", ""), (publicHost.isEmpty() ? host : publicHost) + ":" + port);
    ha = c.getBoolean("ha", false);
    haGroup = c.getString("haGroup", "default").trim();
    haQuorum = c.getInteger("haQuorum", 1);
    if (ha && haGroup.isEmpty()) {
      problems.add("key 'cluster.haGroup' must not be empty when cluster.ha is true");
    }
    if (haQuorum < 1 || haQuorum > 100) {
      problems.add("key 'cluster.haQuorum' must be between 1 and 100");
    }
    hazelcastConfig = c.getString("hazelcastConfig", "").trim();
    if (!hazelcastConfig.isEmpty() && !new File(hazelcastConfig).isFile()) {
      problems.add("key 'cluster.hazelcastConfig' names a file that does not exist: " + hazelcastConfig);
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("invalid cluster configuration: " + String.join("; ", problems));
    }
  }

  private static String blankTo(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static void checkPort(String key, int port, boolean zeroAllowed, List<String> problems) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      problems.add("key '" + key + "' must be a port between " + (zeroAllowed ? 0 : 1) + " and 65535");
    }
  }

  /** The settings when {@code cluster.enabled} is true, else null. Throws {@link ConfigException}. */
  public static ClusterSettings from(JsonObject config) {
    JsonObject c = config.getJsonObject("cluster", new JsonObject());
    if (!c.getBoolean("enabled", false)) {
      return null;
    }
    ClusterSettings s = new ClusterSettings(c);
    s.checkPrerequisites(config);
    return s;
  }

  /**
   * What a cluster needs besides its own section: one PostgreSQL every node reaches (an embedded
   * server would give each node a database of its own), and one token signing key.
   */
  private void checkPrerequisites(JsonObject config) {
    if (!Database.isExternal(config.getJsonObject("db", new JsonObject()))) {
      throw new ConfigException("cluster mode needs one PostgreSQL shared by every node: set db.url "
        + "(PLATFORM_DB_URL=postgresql://user:password@host:5432/database) or db.host; "
        + "the embedded database would give each node data of its own");
    }
    JsonObject jwt = config.getJsonObject("auth", new JsonObject()).getJsonObject("jwt", new JsonObject());
    if (jwt.getString("secret", "").isBlank()) {
      throw new ConfigException("cluster mode needs auth.jwt.secret (PLATFORM_AUTH_JWT_SECRET), the same on "
        + "every node: a token issued by one node must verify on the others");
    }
  }

  public String name() {
    return name;
  }

  public String nodeName() {
    return nodeName;
  }

  public boolean ha() {
    return ha;
  }

  public int maxNoHeartbeatSeconds() {
    return maxNoHeartbeatSeconds;
  }

  /** Vert.x options for a clustered node: event bus address and HA, on top of {@code base}. */
  public VertxOptions vertxOptions(VertxOptions base) {
    VertxOptions o = new VertxOptions(base);
    EventBusOptions bus = o.getEventBusOptions();
    bus.setHost(busHost).setPort(busPort);
    if (!busPublicHost.isEmpty()) {
      bus.setClusterPublicHost(busPublicHost);
    }
    if (busPublicPort > 0) {
      bus.setClusterPublicPort(busPublicPort);
    }
    if (ha) {
      o.setHAEnabled(true).setHAGroup(haGroup).setQuorumSize(haQuorum);
    }
    return o;
  }

  /** The Hazelcast member configuration of this node. */
  public Config hazelcastConfig() {
    Config hz;
    if (!hazelcastConfig.isEmpty()) {
      try {
        hz = Config.loadFromFile(new File(hazelcastConfig));
      } catch (Exception e) {
        throw new ConfigException("cannot read cluster.hazelcastConfig " + hazelcastConfig + ": " + e.getMessage());
      }
      setDefault(hz, "hazelcast.phone.home.enabled", "false");
      setDefault(hz, "hazelcast.logging.type", "slf4j");
    } else {
      hz = new Config();
      hz.setClusterName(name);
      NetworkConfig net = hz.getNetworkConfig();
      // a fixed port: nodes list each other by it, and a node must not quietly take another's
      net.setPort(port).setPortAutoIncrement(false).setReuseAddress(true);
      if (!publicHost.isEmpty()) {
        net.setPublicAddress(publicHost + ":" + (publicPort > 0 ? publicPort : port));
      }
      if (!host.equals("0.0.0.0")) {
        // bind the member socket to this address only, and announce it
        hz.setProperty("hazelcast.local.localAddress", host);
        hz.setProperty("hazelcast.socket.bind.any", "false");
      }
      JoinConfig join = net.getJoin();
      join.getAutoDetectionConfig().setEnabled(false);
      join.getMulticastConfig().setEnabled(multicast);
      List<String> tcpMembers = new ArrayList<>(members);
      if (tcpMembers.isEmpty()) {
        tcpMembers.add((publicHost.isEmpty() ? host : publicHost) + ":" + port);
      }
      join.getTcpIpConfig().setEnabled(!multicast).setMembers(tcpMembers).setConnectionTimeoutSeconds(2);

      // failure detection: a heartbeat every heartbeatSeconds, dead after maxNoHeartbeatSeconds of silence
      hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(heartbeatSeconds));
      hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(maxNoHeartbeatSeconds));
      // the member list is re-sent this often, so that a member that missed a change catches up
      hz.setProperty("hazelcast.member.list.publish.interval.seconds", "10");
      // nodes started together join one cluster quickly
      hz.setProperty("hazelcast.wait.seconds.before.join", "1");
      hz.setProperty("hazelcast.max.wait.seconds.before.join", "5");
      // should nodes still form two clusters (started apart, or a network split), they merge soon
      hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
      hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
      // leaving cleanly hands partitions over; do not let it hold the shutdown for long
      hz.setProperty("hazelcast.graceful.shutdown.max.wait", "5");
      // no usage statistics sent to hazelcast.com; log through SLF4J like the rest
      hz.setProperty("hazelcast.phone.home.enabled", "false");
      hz.setProperty("hazelcast.logging.type", "slf4j");
    }
    ensureVertxStructures(hz);
    return hz;
  }

  private static void setDefault(Config hz, String key, String value) {
    if (hz.getProperty(key) == null) {
      hz.setProperty(key, value);
    }
  }

  /**
   * The structures vertx-hazelcast relies on. {@code __vertx.subs} (who consumes which address) must
   * keep a backup, or the death of one node loses other nodes' registrations with it.
   */
  static void ensureVertxStructures(Config hz) {
    Map<String, MultiMapConfig> multiMaps = hz.getMultiMapConfigs();
    MultiMapConfig subs = multiMaps.get(SUBS_MULTIMAP);
    if (subs == null) {
      hz.addMultiMapConfig(new MultiMapConfig(SUBS_MULTIMAP).setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    } else if (subs.getBackupCount() < 1) {
      LOG.warn("cluster: {} had no backup; keeping one, as Vert.x requires", SUBS_MULTIMAP);
      subs.setBackupCount(1);
    }
    for (String name : VERTX_MAPS) {
      MapConfig m = hz.getMapConfigs().get(name);
      if (m == null) {
        hz.addMapConfig(new MapConfig(name).setBackupCount(1));
      } else if (m.getBackupCount() < 1) {
        m.setBackupCount(1);
      }
    }
  }

  /** A short description for the start-up log. */
  String describe() {
    if (!hazelcastConfig.isEmpty()) {
      return "Hazelcast configuration from " + hazelcastConfig;
    }
    return "cluster '" + name + "', member " + host + ":" + port
      + (publicHost.isEmpty() ? "" : " (announced as " + publicHost + ":" + (publicPort > 0 ? publicPort : port) + ")")
      + (multicast ? ", multicast discovery" : ", members " + (members.isEmpty() ? "[none yet]" : members))
      + ", dead after " + maxNoHeartbeatSeconds + " s without heartbeat"
      + (ha ? ", HA group '" + haGroup + "' (quorum " + haQuorum + ")" : "");
  }
}
