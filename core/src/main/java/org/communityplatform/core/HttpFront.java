package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import org.communityplatform.core.gateway.Contracts;
import org.communityplatform.core.gateway.Gateway;
import org.communityplatform.core.gateway.HttpServers;
import org.communityplatform.core.module.GatewayOperations;
import org.communityplatform.core.module.ModuleLoader;
import org.communityplatform.core.ops.OpsRoutes;
import org.communityplatform.core.ops.Readiness;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The HTTP side of a node that serves the gateway ({@code gateway.enabled}): the contracts of the routed
 * modules, the gateway with the core operations and the modules' own long-lived operations, the ops
 * routes (readiness, docs, metrics), the API servers and the separate metrics server when
 * {@code metrics.port} is set; and their graceful stop.
 */
final class HttpFront {

  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  private final Platform platform;
  private final HttpServers servers = new HttpServers();
  private final List<GatewayOperations> gatewayOperations = new ArrayList<>();
  private HttpServer metricsServer;

  HttpFront(Platform platform) {
    this.platform = platform;
  }

  /** The merged contracts of the routed modules and the same resolved by vertx-openapi. */
  private record Prepared(Contracts contracts, OpenAPIContract contract) {
  }

  private Future<Prepared> prepared;
  private volatile Gateway gateway;

  /** Completes when the gateway's request validators are all built (at once when no gateway runs here). */
  Future<Void> validatorsBuilt() {
    Gateway g = gateway;
    return g == null ? Future.succeededFuture() : g.validatorsBuilt();
  }

  /**
   * Reads the contracts of {@code routed} (YAML), merges them and resolves the result, on worker
   * threads, while the database starts and the modules deploy: about two seconds of CPU at start-up
   * that no longer wait for those. Call once, before {@link #start}.
   */
  void prepare(Collection<ModuleLoader.ModuleState> routed) {
    var vertx = platform.vertx();
    long bodyLimit = platform.config().getJsonObject("http").getLong("bodyLimit");
    prepared = vertx.executeBlocking(() -> {
      Contracts contracts = new Contracts(Contracts.readYaml(Platform.class.getClassLoader(), "platform/openapi.yaml"), bodyLimit);
      for (ModuleLoader.ModuleState s : routed) {
        contracts.add(s.module.name(), Contracts.readYaml(s.module.getClass().getClassLoader(), s.module.contract()));
      }
      return contracts;
    }, false).compose(contracts -> {
      JsonObject document = contracts.validationDocument();
      return vertx.executeBlocking(() -> OpenAPIContract.from(vertx, document), false)
        .compose(f -> f).map(contract -> new Prepared(contracts, contract));
    });
  }

  /** Builds the routes and starts listening; fails when the contracts or the gateway settings are invalid. */
  Future<Void> start(ModuleDeployment deployment, NodeView view, BooleanSupplier draining) {
    if (prepared == null) {
      prepare(deployment.routed());
    }
    return prepared.compose(p -> start(p, deployment, view, draining));
  }

  private Future<Void> start(Prepared p, ModuleDeployment deployment, NodeView view, BooleanSupplier draining) {
    JsonObject config = platform.config();
    JsonObject http = config.getJsonObject("http");
    var vertx = platform.vertx();
    var pool = platform.database().pool();
    Contracts contracts = p.contracts();
    CoreOperations core = new CoreOperations(platform.auth().apiTokens(), platform.audit(), pool, platform.clock());
    OpsRoutes ops = new OpsRoutes(contracts.document(), http.getJsonObject("cors"), platform.metrics(),
      config.getJsonObject("metrics").getInteger("port", 0) == 0);
    Gateway gateway;
    try {
      gateway = new Gateway(vertx, contracts, platform.auth(), http, core.handlers());
      this.gateway = gateway;
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    for (ModuleLoader.ModuleState s : deployment.routed()) {
      // streams and other long-lived answers a module serves on this node itself (see GatewayOperations)
      var served = s.module.gatewayOperations(deployment.context(s.module.name()), platform.database().connectOptions());
      if (served != null) {
        gatewayOperations.add(served);
        gateway.raw(served.operations());
      }
    }
    HealthChecks checks = Readiness.checks(vertx, pool, platform.modules(), draining::getAsBoolean, view::clusterView);
    return gateway.router(p.contract(), router -> {
      router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(checks));
      return ops.apply(router);
    }).compose(router -> servers.start(vertx, router, new HttpServerOptions()
        .setHost(http.getString("host")).setPort(http.getInteger("port"))
        .setMaxInitialLineLength(8192).setCompressionSupported(false).setTcpNoDelay(true),
        http.getInteger("instances") > 0 ? http.getInteger("instances") : Runtime.getRuntime().availableProcessors(), http))
      .compose(port -> {
        LOG.info("HTTP API listening on {}:{} ({} operations); API docs at /docs", http.getString("host"), port,
          contracts.operations().size());
        return OpsRoutes.metricsServer(vertx, platform.metrics(), http.getString("host"),
          config.getJsonObject("metrics").getInteger("port", 0)).onSuccess(s -> metricsServer = s).mapEmpty();
      });
  }

  /** The port the API listens on, or -1 when no server runs (yet). */
  int port() {
    return servers.port();
  }

  /**
   * The base of links in mail: {@code http.publicUrl}, or http://localhost with the port the API
   * really listens on (known once the server started).
   */
  String publicUrl() {
    JsonObject http = platform.config().getJsonObject("http");
    String u = http.getString("publicUrl", "");
    if (u.isBlank()) {
      int port = servers.port() > 0 ? servers.port() : http.getInteger("port");
      return "http://localhost:" + port;
    }
    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
  }

  /**
   * Stops serving: live streams are closed first (they never end by themselves; clients resume
   * elsewhere with Last-Event-ID), so the drain of at most {@code drainSeconds} waits only for
   * ordinary requests; then the metrics server.
   */
  Future<Void> stop(long drainSeconds) {
    var vertx = platform.vertx();
    long t0 = System.nanoTime();
    Gateway g = gateway;
    if (g != null) {
      g.stopping();
    }
    return Future.join(gatewayOperations.stream().map(GatewayOperations::close).toList()).<Void>mapEmpty()
      .eventually(() -> servers.stop(vertx, drainSeconds))
      .onComplete(x -> LOG.info("HTTP stopped; requests in flight drained in {} ms", (System.nanoTime() - t0) / 1_000_000))
      .eventually(() -> metricsServer == null ? Future.succeededFuture() : metricsServer.close())
      .mapEmpty();
  }
}
