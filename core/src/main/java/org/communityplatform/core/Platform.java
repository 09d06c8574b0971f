package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.LocalJsonCodec;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.throttle.Throttle;
import org.communityplatform.core.cluster.ClusterNode;
import org.communityplatform.core.cluster.ClusterSettings;
import org.communityplatform.core.cluster.ModuleVerticleFactory;
import org.communityplatform.core.config.ConfigLoader;
import org.communityplatform.core.db.Database;
import org.communityplatform.core.gateway.Contracts;
import org.communityplatform.core.gateway.Gateway;
import org.communityplatform.core.gateway.HttpServers;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.ModuleLoader;
import org.communityplatform.core.ops.Logging;
import org.communityplatform.core.ops.Metrics;
import org.communityplatform.core.ops.OpsRoutes;
import org.communityplatform.core.ops.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * The platform on one node: configuration, Vert.x, database, modules, gateway.
 *
 * <p>Start-up order: config, Vert.x (clustered over Hazelcast when {@code cluster.enabled}), PostgreSQL
 * (embedded when none is configured; a cluster requires an external one), core and module
 * migrations, auth, module verticles, HTTP. Shutdown runs the other way: HTTP, modules, pool,
 * embedded server, Vert.x (which leaves the cluster).
 *
 * <p>Placement: {@code gateway.enabled} says whether this node serves HTTP, {@code modules.<name>.enabled}
 * and {@code instances} which modules it runs. On a single node the gateway serves only the routes
 * of the modules it runs (a disabled module's routes are 404). In a cluster it serves the routes of
 * every module on the classpath and sends each request over the clustered bus to whichever nodes
 * run the module; a module running nowhere answers 503.
 */
public final class Platform {

  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final JsonObject config;
  private final Clock clock;
  private Vertx vertx;
  private Database database;
  private ModuleLoader modules;
  private PlatformAuth auth;
  private Outbox outbox;
  private EventLog events;
  private AuditLog audit;
  private Throttle throttle;
  private final HttpServers servers = new HttpServers();
  private ClusterNode cluster;
  private ModuleVerticleFactory moduleFactory;
  private volatile boolean stopped;
  private volatile boolean draining;
  private Metrics metrics;
  private io.vertx.core.http.HttpServer metricsServer;
  private final List<org.communityplatform.core.module.GatewayOperations> gatewayOperations = new ArrayList<>();

  private Platform(JsonObject config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The command line: {@code --config FILE}, {@code --version}, {@code --help} ({@link PlatformCommand}). */
  public static void main(String[] args) {
    PlatformCommand.main(args);
  }

  /**
   * Starts a node.
   *
   * @param file      overlay config file, or null
   * @param overrides config values that win over every other source (tests and embedding), or null
   */
  public static Future<Platform> start(String file, java.util.Map<String, String> env, Properties sys,
                                       JsonObject overrides, Clock clock) {
    io.vertx.core.Promise<Platform> promise = io.vertx.core.Promise.promise();
    startAsync(file, env, sys, overrides, clock).whenComplete((platform, err) -> {
      if (err == null) {
        promise.complete(platform);
      } else {
        // callers see the cause itself (a ConfigException names the key), not the stage's wrapper
        promise.fail(err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err);
      }
    });
    return promise.future();
  }

  /**
   * Start-up as a plain CompletableFuture: callers wait on it from their own thread, and a failed
   * start closes Vert.x, whose event loops could then no longer deliver a Vert.x future's result.
   */
  private static CompletableFuture<Platform> startAsync(String file, java.util.Map<String, String> env,
                                                        Properties sys, JsonObject overrides, Clock clock) {
    Vertx configVertx = Vertx.vertx();
    CompletableFuture<JsonObject> cfg = new CompletableFuture<>();
    ConfigLoader.load(configVertx, file, env, sys, overrides).onComplete(ar -> {
      if (ar.succeeded()) {
        cfg.complete(ar.result());
      } else {
        cfg.completeExceptionally(ar.cause());
      }
    });
    return cfg.whenCompleteAsync((c, e) -> configVertx.close())
      .thenComposeAsync(c -> {
        // the whole configuration is checked: from here on, log as configured
        Logging.configure(c.getJsonObject("log"));
        return new Platform(c, clock).boot();
      });
  }

  private CompletableFuture<Platform> boot() {
    CompletableFuture<Platform> result = new CompletableFuture<>();
    ClusterSettings clusterSettings;
    try {
      clusterSettings = ClusterSettings.from(config);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return result;
    }
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    metrics = Metrics.create(config.getJsonObject("metrics"));
    Future<Vertx> started;
    if (clusterSettings == null) {
      // single node: no cluster manager, no Hazelcast, nothing on the network but HTTP
      started = Future.succeededFuture(Metrics.apply(metrics, Vertx.builder(), options).build());
    } else {
      started = ClusterNode.start(clusterSettings, options, metrics).map(node -> {
        cluster = node;
        return node.vertx();
      });
    }
    started
      .compose(v -> {
        vertx = v;
        LocalJsonCodec.register(vertx);
        return Database.start(vertx, config);
      })
      .compose(db -> {
        database = db;
        modules = new ModuleLoader(Platform.class.getClassLoader(), config);
        return db.migrate("platform", "db/platform").compose(n -> modules.migrate(db));
      })
      .compose(v -> PlatformAuth.create(vertx, database.pool(), clock, config))
      .compose(a -> {
        auth = a;
        outbox = new Outbox(vertx, database.pool(), config.getJsonObject("mail"));
        outbox.usePublicUrl(this::publicUrl);
        outbox.start();
        events = new EventLog(config.getJsonObject("events").getJsonObject("log").getBoolean("enabled", true));
        audit = new AuditLog(clock, config.getJsonObject("audit").getBoolean("enabled", true));
        throttle = new Throttle(database.pool(), clock, config.getJsonObject("throttle"));
        vertx.setPeriodic(3_600_000, id -> throttle.purge().onFailure(e -> LOG.debug("throttle purge: {}", e.toString())));
        return deployModules();
      })
      .compose(v -> config.getJsonObject("gateway").getBoolean("enabled", true) ? startHttp() : Future.succeededFuture())
      .compose(v -> cluster == null ? Future.succeededFuture() : cluster.serveNodeInfo(this::nodeInfo))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          logPlacement();
          result.complete(this);
        } else {
          LOG.debug("start-up failed, stopping", ar.cause());
          stopAsync().whenComplete((x, e) -> result.completeExceptionally(ar.cause()));
        }
      });
    return result;
  }

  private ModuleContext moduleContext(String name) {
    return new ModuleContext(name, vertx, database.pool(),
      config.getJsonObject("modules").getJsonObject(name, new JsonObject()), config, auth, clock, outbox,
      events, audit, throttle);
  }

  /**
   * Deploys this node's modules. With Vert.x HA they are deployed by name through a verticle
   * factory, so that a surviving node of the HA group can deploy them again when this one dies.
   */
  private Future<Void> deployModules() {
    if (cluster == null || !cluster.settings().ha()) {
      return modules.deploy(vertx, this::moduleContext);
    }
    Map<String, org.communityplatform.core.module.PlatformModule> all = new LinkedHashMap<>();
    modules.modules().forEach((name, s) -> all.put(name, s.module));
    moduleFactory = new ModuleVerticleFactory(all, this::moduleContext, m -> {
      ModuleLoader.ModuleState s = modules.modules().get(m.name());
      // a module this node runs was migrated at start-up; one taken over from a dead node is checked now
      return s.enabled || m.migrations() == null ? Future.succeededFuture() : database.migrate(m.name(), m.migrations());
    });
    vertx.registerVerticleFactory(moduleFactory);
    return modules.deployByName(vertx, ModuleVerticleFactory::verticleName, true);
  }

  /**
   * The modules whose routes the gateway serves: on a single node those it runs; in a cluster
   * every module on the classpath, wherever it runs (the bus finds it, or answers 503).
   */
  private Collection<ModuleLoader.ModuleState> routedModules() {
    return cluster == null ? modules.enabled() : modules.modules().values();
  }

  private Future<Void> startHttp() {
    JsonObject http = config.getJsonObject("http");
    Contracts contracts = new Contracts(
      Contracts.readYaml(Platform.class.getClassLoader(), "platform/openapi.yaml"), http.getLong("bodyLimit"));
    for (ModuleLoader.ModuleState s : routedModules()) {
      contracts.add(s.module.name(), Contracts.readYaml(s.module.getClass().getClassLoader(), s.module.contract()));
    }
    CoreOperations core = new CoreOperations(auth.apiTokens(), audit, database.pool(), clock);
    OpsRoutes ops = new OpsRoutes(contracts.document(), http.getJsonObject("cors"), metrics,
      config.getJsonObject("metrics").getInteger("port", 0) == 0);
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, contracts, auth, http, core.handlers());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    for (ModuleLoader.ModuleState s : routedModules()) {
      // streams and other long-lived answers a module serves on this node itself (see GatewayOperations)
      var served = s.module.gatewayOperations(moduleContext(s.module.name()), database.connectOptions());
      if (served != null) {
        gatewayOperations.add(served);
        gateway.raw(served.operations());
      }
    }
    HealthChecks checks = Readiness.checks(vertx, database.pool(), modules, () -> draining, this::clusterView);
    return gateway.router(router -> {
      router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks));
      return ops.apply(router);
    }).compose(router -> servers.start(vertx, router, new HttpServerOptions()
        .setHost(http.getString("host")).setPort(http.getInteger("port"))
        .setMaxInitialLineLength(8192).setCompressionSupported(false).setTcpNoDelay(true),
        http.getInteger("instances") > 0 ? http.getInteger("instances") : Runtime.getRuntime().availableProcessors(), http))
      .compose(port -> {
        LOG.info("HTTP API listening on {}:{} ({} operations); API docs at /docs", http.getString("host"), port,
          contracts.operations().size());
        return OpsRoutes.metricsServer(vertx, metrics, http.getString("host"),
          config.getJsonObject("metrics").getInteger("port", 0)).onSuccess(s -> metricsServer = s).mapEmpty();
      });
  }

  /**
   * The base of links in mail: {@code http.publicUrl}, or http://localhost with the port the API
   * really listens on (known once the server started).
   */
  String publicUrl() {
    String u = config.getJsonObject("http").getString("publicUrl", "");
    if (u.isBlank()) {
      int port = servers.port() > 0 ? servers.port() : config.getJsonObject("http").getInteger("port");
      return "http://localhost:" + port;
    }
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /** What this node runs: its name, whether it serves HTTP, and its modules with their instances. */
  private JsonObject nodeInfo() {
    JsonObject mods = new JsonObject();
    for (ModuleLoader.ModuleState s : modules.modules().values()) {
      String name = s.module.name();
      int own = s.deploymentId != null ? s.instances : 0;
      int takenOver = moduleFactory == null ? 0 : Math.max(0, moduleFactory.instancesCreated(name) - own);
      if (own + takenOver > 0) {
        JsonObject m = new JsonObject().put("instances", own + takenOver);
        if (takenOver > 0) {
          m.put("takenOver", takenOver);
        }
        mods.put(name, m);
      }
    }
    JsonObject http = config.getJsonObject("http");
    int srvPort = servers.port();
    JsonObject info = new JsonObject()
      .put("node", cluster == null ? "single" : cluster.settings().nodeName())
      .put("gateway", srvPort >= 0)
      .put("http", srvPort < 0 ? null : http.getString("host") + ":" + srvPort)
      .put("modules", mods);
    if (cluster != null && cluster.settings().ha()) {
      info.put("ha", true);
    }
    return info;
  }

  private Future<JsonObject> clusterView() {
    if (cluster != null) {
      return cluster.view(modules.modules().keySet(), 2000);
    }
    JsonObject self = nodeInfo();
    JsonObject where = new JsonObject();
    for (String name : modules.modules().keySet()) {
      where.put(name, self.getJsonObject("modules").containsKey(name)
        ? new io.vertx.core.json.JsonArray().add("single") : new io.vertx.core.json.JsonArray());
    }
    return Future.succeededFuture(new JsonObject().put("mode", "single")
      .put("members", new io.vertx.core.json.JsonArray().add(self)).put("modules", where));
  }

  /** One line on what runs here: the operator's first question about a node. */
  private void logPlacement() {
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

  /**
   * Stops the node gracefully: readiness answers 503 at once, the HTTP servers stop accepting
   * connections and wait for the requests in flight (at most {@code shutdown.drainSeconds}), then
   * modules, pool, embedded PostgreSQL and Vert.x stop. Safe to call twice.
   */
  public Future<Void> stop() {
    return Future.fromCompletionStage(stopAsync());
  }

  private synchronized CompletableFuture<Void> stopAsync() {
    if (stopped || vertx == null) {
      return CompletableFuture.completedFuture(null);
    }
    stopped = true;
    draining = true;
    CompletableFuture<Void> closed = new CompletableFuture<>();
    long drainSeconds = config.getJsonObject("shutdown").getLong("drainSeconds", 20L);
    long t0 = System.nanoTime();
    // live streams never end by themselves: they are closed first (clients resume elsewhere with
    // Last-Event-ID), so that the drain waits only for ordinary requests
    Future<Void> f = Future.join(gatewayOperations.stream().map(o -> o.close()).toList()).<Void>mapEmpty()
      .eventually(() -> servers.stop(vertx, drainSeconds))
      .onComplete(x -> LOG.info("HTTP stopped; requests in flight drained in {} ms", (System.nanoTime() - t0) / 1_000_000))
      .eventually(() -> metricsServer == null ? Future.succeededFuture() : metricsServer.close())
      .eventually(() -> {
        if (outbox != null) {
          outbox.stop();
        }
        return Future.succeededFuture();
      });
    f.eventually(() -> cluster == null ? Future.succeededFuture() : cluster.stop())
      .eventually(() -> modules == null ? Future.succeededFuture() : modules.undeploy(vertx))
      // whatever else runs on the pool (modules taken over through HA) stops before it closes
      .eventually(() -> Future.join(vertx.deploymentIDs().stream().map(id -> vertx.undeploy(id)).toList()))
      .eventually(() -> database == null ? Future.succeededFuture() : database.close())
      // Vert.x is closed from a thread of its own: listeners bound to an event loop that is
      // shutting down would never run
      .onComplete(x -> CompletableFuture.runAsync(() -> vertx.close().onComplete(c -> {
        LOG.info("platform stopped");
        closed.complete(null);
      })));
    return closed;
  }

  /** Whether a stop was requested (readiness then answers 503). */
  public boolean draining() {
    return draining;
  }

  /** The metrics registry, or null when {@code metrics.enabled} is false. */
  public Metrics metrics() {
    return metrics;
  }

  /** The port the HTTP API listens on (useful with {@code http.port: 0}). */
  public int httpPort() {
    return servers.port();
  }

  public Vertx vertx() {
    return vertx;
  }

  public JsonObject config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public PlatformAuth auth() {
    return auth;
  }

  public Outbox outbox() {
    return outbox;
  }

  public EventLog events() {
    return events;
  }

  public AuditLog audit() {
    return audit;
  }

  public Throttle throttle() {
    return throttle;
  }

  public ModuleLoader modules() {
    return modules;
  }

  /** This node's cluster membership, or null on a single node. */
  public ClusterNode cluster() {
    return cluster;
  }
}
