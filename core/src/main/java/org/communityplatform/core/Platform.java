package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.config.ConfigException;
import org.communityplatform.core.config.ConfigLoader;
import org.communityplatform.core.db.Database;
import org.communityplatform.core.gateway.Contracts;
import org.communityplatform.core.gateway.Gateway;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.ModuleLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The platform on one node: configuration, Vert.x, database, modules, gateway.
 *
 * <p>Start-up order: config, Vert.x, PostgreSQL (embedded when none is configured), core and module
 * migrations, auth, module verticles, HTTP. Shutdown runs the other way: HTTP, modules, pool,
 * embedded server.
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
  private HttpServer server;
  private volatile boolean stopped;

  private Platform(JsonObject config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  public static void main(String[] args) {
    String file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      } else {
        System.err.println("unknown argument: " + args[i] + "\nusage: java -jar platform.jar [--config FILE]");
        System.exit(2);
      }
    }
    long t0 = System.nanoTime();
    Platform platform;
    try {
      platform = startAsync(file, System.getenv(), System.getProperties(), null, Clock.systemUTC())
        .get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConfigException || cause instanceof IllegalArgumentException) {
        System.err.println("start-up failed: " + cause.getMessage());
      } else {
        LOG.error("start-up failed", cause);
      }
      System.exit(1);
      return;
    }
    LOG.info("platform ready in {} ms", (System.nanoTime() - t0) / 1_000_000);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        platform.stopAsync().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      }
    }, "platform-shutdown"));
  }

  /**
   * Starts a node.
   *
   * @param file      overlay config file, or null
   * @param overrides config values that win over every other source (tests and embedding), or null
   */
  public static Future<Platform> start(String file, java.util.Map<String, String> env, Properties sys,
                                       JsonObject overrides, Clock clock) {
    return Future.fromCompletionStage(startAsync(file, env, sys, overrides, clock));
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
      .thenComposeAsync(c -> new Platform(c, clock).boot());
  }

  private CompletableFuture<Platform> boot() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    CompletableFuture<Platform> result = new CompletableFuture<>();
    Database.start(vertx, config)
      .compose(db -> {
        database = db;
        modules = new ModuleLoader(Platform.class.getClassLoader(), config);
        return db.migrate("platform", "db/platform").compose(n -> modules.migrate(db));
      })
      .compose(v -> PlatformAuth.create(vertx, database.pool(), clock, config))
      .compose(a -> {
        auth = a;
        outbox = new Outbox(vertx, database.pool(), config.getJsonObject("mail"));
        outbox.start();
        return modules.deploy(vertx, name -> new ModuleContext(name, vertx, database.pool(),
          config.getJsonObject("modules").getJsonObject(name, new JsonObject()), config, auth, clock, outbox));
      })
      .compose(v -> config.getJsonObject("gateway").getBoolean("enabled", true) ? startHttp() : Future.succeededFuture())
      .onComplete(ar -> {
        if (ar.succeeded()) {
          result.complete(this);
        } else {
          LOG.debug("start-up failed, stopping", ar.cause());
          stopAsync().whenComplete((x, e) -> result.completeExceptionally(ar.cause()));
        }
      });
    return result;
  }

  private Future<Void> startHttp() {
    JsonObject http = config.getJsonObject("http");
    Contracts contracts = new Contracts(
      Contracts.readYaml(Platform.class.getClassLoader(), "platform/openapi.yaml"), http.getLong("bodyLimit"));
    for (ModuleLoader.ModuleState s : modules.enabled()) {
      contracts.add(s.module.name(), Contracts.readYaml(s.module.getClass().getClassLoader(), s.module.contract()));
    }
    CoreOperations core = new CoreOperations(auth, clock);
    Gateway gateway = new Gateway(vertx, contracts, auth, http.getLong("requestTimeoutMs"), core.handlers());
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("database", 2000, p -> database.pool().query("SELECT 1").execute()
      .onSuccess(r -> p.complete(Status.OK()))
      .onFailure(e -> p.complete(Status.KO(new JsonObject().put("error", e.getMessage())))));
    for (ModuleLoader.ModuleState s : modules.modules().values()) {
      checks.register("modules/" + s.module.name(), p -> {
        JsonObject data = s.toJson();
        p.complete(!s.enabled || s.deploymentId != null ? Status.OK(data) : Status.KO(data));
      });
    }
    return gateway.router(router -> {
      router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks));
      return router;
    }).compose(router -> vertx.createHttpServer(new HttpServerOptions()
        .setHost(http.getString("host")).setPort(http.getInteger("port"))
        .setCompressionSupported(false).setTcpNoDelay(true))
      .requestHandler(router)
      .listen())
      .map(s -> {
        server = s;
        LOG.info("HTTP API listening on {}:{} ({} operations)", http.getString("host"), s.actualPort(),
          contracts.operations().size());
        return null;
      });
  }

  /** Stops the node: HTTP server, modules, pool, embedded PostgreSQL, Vert.x. Safe to call twice. */
  public Future<Void> stop() {
    return Future.fromCompletionStage(stopAsync());
  }

  private synchronized CompletableFuture<Void> stopAsync() {
    if (stopped || vertx == null) {
      return CompletableFuture.completedFuture(null);
    }
    stopped = true;
    if (outbox != null) {
      outbox.stop();
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    Future<Void> f = server == null ? Future.succeededFuture() : server.close();
    f.eventually(() -> modules == null ? Future.succeededFuture() : modules.undeploy(vertx))
      .eventually(() -> database == null ? Future.succeededFuture() : database.close())
      // Vert.x is closed from a thread of its own: listeners bound to an event loop that is
      // shutting down would never run
      .onComplete(x -> CompletableFuture.runAsync(() -> vertx.close().onComplete(c -> {
        LOG.info("platform stopped");
        closed.complete(null);
      })));
    return closed;
  }

  /** The port the HTTP API listens on (useful with {@code http.port: 0}). */
  public int httpPort() {
    return server == null ? -1 : server.actualPort();
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

  public ModuleLoader modules() {
    return modules;
  }
}
