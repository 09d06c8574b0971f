package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.LocalJsonCodec;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.throttle.Throttle;
import org.communityplatform.core.cluster.ClusterNode;
import org.communityplatform.core.cluster.ClusterSettings;
import org.communityplatform.core.config.ConfigLoader;
import org.communityplatform.core.db.Database;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleLoader;
import org.communityplatform.core.ops.Logging;
import org.communityplatform.core.ops.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
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
 *
 * <p>This class holds the start-up and shutdown sequences and the node's services; the parts live
 * beside it: {@link ModuleDeployment} (module contexts and deployment, HA included), {@link HttpFront}
 * (gateway, ops routes and HTTP servers, and their drain) and {@link NodeView} (what this node runs).
 */
public final class Platform {

  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final JsonObject config;
  private final Clock clock;
  private Vertx vertx;
  private Database database;
  private ModuleLoader modules;
  private ModuleDeployment deployment;
  private NodeView view;
  private final HttpFront http = new HttpFront(this);
  private PlatformAuth auth;
  private Outbox outbox;
  private EventLog events;
  private AuditLog audit;
  private Throttle throttle;
  private ClusterNode cluster;
  private volatile boolean stopped;
  private volatile boolean draining;
  private Metrics metrics;

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

  /** Start-up phases and their durations in milliseconds, in order (for the "ready" log line). */
  private final java.util.Map<String, Long> phases = new java.util.LinkedHashMap<>();
  private long phaseStart = System.nanoTime();

  /** Ends the phase running now under {@code name}; the next one starts. */
  private void phase(String name) {
    long now = System.nanoTime();
    phases.put(name, (now - phaseStart) / 1_000_000);
    phaseStart = now;
  }

  /** How long each start-up phase took, e.g. {@code "vertx 120 ms, database 900 ms, ..."}. */
  public String startupPhases() {
    StringBuilder b = new StringBuilder();
    phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v).append(" ms"));
    return b.toString();
  }

  private CompletableFuture<Platform> boot() {
    CompletableFuture<Platform> result = new CompletableFuture<>();
    phaseStart = System.nanoTime();
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
        phase("vertx");
        LocalJsonCodec.register(vertx);
        modules = new ModuleLoader(Platform.class.getClassLoader(), config);
        deployment = new ModuleDeployment(this, modules);
        view = new NodeView(this, modules, deployment);
        if (config.getJsonObject("gateway").getBoolean("enabled", true)) {
          // contracts are read and resolved on workers meanwhile (CPU), the database starts (mostly waiting)
          http.prepare(deployment.routed());
        }
        return Database.start(vertx, config);
      })
      .compose(db -> {
        database = db;
        phase("database");
        return db.migrate("platform", "db/platform").compose(n -> modules.migrate(db));
      })
      .compose(v -> {
        phase("migrations");
        return PlatformAuth.create(vertx, database.pool(), clock, config);
      })
      .compose(a -> {
        auth = a;
        outbox = new Outbox(vertx, database.pool(), config.getJsonObject("mail"));
        outbox.usePublicUrl(http::publicUrl);
        outbox.start();
        events = new EventLog(config.getJsonObject("events").getJsonObject("log").getBoolean("enabled", true));
        audit = new AuditLog(clock, config.getJsonObject("audit").getBoolean("enabled", true));
        throttle = new Throttle(database.pool(), clock, config.getJsonObject("throttle"));
        vertx.setPeriodic(3_600_000, id -> throttle.purge().onFailure(e -> LOG.debug("throttle purge: {}", e.toString())));
        return deployment.deploy();
      })
      .compose(v -> {
        phase("modules");
        return config.getJsonObject("gateway").getBoolean("enabled", true)
          ? http.start(deployment, view, () -> draining) : Future.succeededFuture();
      })
      .compose(v -> cluster == null ? Future.succeededFuture() : cluster.serveNodeInfo(view::nodeInfo))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          phase("http");
          view.logPlacement();
          result.complete(this);
        } else {
          LOG.debug("start-up failed, stopping", ar.cause());
          stopAsync().whenComplete((x, e) -> result.completeExceptionally(ar.cause()));
        }
      });
    return result;
  }

  /**
   * Stops the node gracefully: readiness answers 503 at once, the HTTP servers keep serving for
   * {@code shutdown.readinessDelaySeconds} (default 0) so that load balancers notice, then stop accepting
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
    long readinessDelay = config.getJsonObject("shutdown").getLong("readinessDelaySeconds", 0L);
    // readiness already answers 503; a load balancer needs a moment to see it and send no new
    // clients, so the server keeps serving for readinessDelaySeconds before it stops accepting
    Promise<Void> noticed = Promise.promise();
    if (readinessDelay > 0) {
      LOG.info("stopping: not ready; still serving for {} s so that load balancers notice", readinessDelay);
      vertx.setTimer(readinessDelay * 1000, id -> noticed.complete());
    } else {
      noticed.complete();
    }
    Future<Void> f = noticed.future().compose(v -> http.stop(drainSeconds))
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

  /**
   * Completes once the request validators of every operation are built (they are built in the
   * background after the port opens; a request that comes first builds its own).
   */
  public Future<Void> validatorsBuilt() {
    return http.validatorsBuilt();
  }

  /** The port the HTTP API listens on (useful with {@code http.port: 0}). */
  public int httpPort() {
    return http.port();
  }

  /** The platform clock (tests advance it). */
  Clock clock() {
    return clock;
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