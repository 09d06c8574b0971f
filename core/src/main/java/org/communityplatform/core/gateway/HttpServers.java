package org.communityplatform.core.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves one router from several HTTP server verticles, one per event loop, all on the same port
 * (Vert.x spreads connections over them). With port 0 they share one random port.
 */
public final class HttpServers {

  private final List<String> deployments = new ArrayList<>();
  private volatile int port = -1;

  private final List<HttpVerticle> verticles = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** One HTTP server on the event loop the verticle is deployed on. */
  private static final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final HttpServerOptions options;
    private final JsonObject http;
    private volatile HttpServer server;

    HttpVerticle(Router router, HttpServerOptions options, JsonObject http) {
      this.router = router;
      this.options = options;
      this.http = http;
    }

    @Override
    public Future<?> start() {
      SlowClients slow = new SlowClients(vertx, http);
      return vertx.createHttpServer(options)
        .connectionHandler(slow::opened)
        .requestHandler(req -> {
          slow.headersRead(req);
          router.handle(req);
        })
        .invalidRequestHandler(Replies::invalidRequest)
        .listen().onSuccess(s -> server = s);
    }
  }

  /**
   * Starts {@code instances} servers; completes with the port they listen on. {@code http} is the
   * config section with the slow-client timeouts (see {@link SlowClients}); its
   * {@code idleTimeoutSeconds} also becomes the server's idle timeout.
   */
  public Future<Integer> start(Vertx vertx, Router router, HttpServerOptions options, int instances, JsonObject http) {
    // HTTP/2 over cleartext (h2c) off: with it on, Vert.x creates an HTTP/1.x connection only once the
    // first request's headers are complete (it watches them for an Upgrade: h2c), so the connection
    // handler, and with it the header deadline, would never see a client that trickles its headers
    HttpServerOptions shared = new HttpServerOptions(options)
      .setHttp2ClearTextEnabled(false)
      .setIdleTimeout(Math.max(1, http.getInteger("idleTimeoutSeconds", 60)))
      .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS);
    if (shared.getPort() == 0) {
      // a negative port asks Vert.x for one random port shared by every server using that value
      shared.setPort(-1);
    }
    List<HttpVerticle> created = new java.util.concurrent.CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
      HttpVerticle v = new HttpVerticle(router, shared, http);
      created.add(v);
      return v;
    }, new DeploymentOptions().setInstances(Math.max(1, instances))).map(id -> {
      deployments.add(id);
      verticles.addAll(created);
      port = created.get(0).server.actualPort();
      return port;
    });
  }

  public int port() {
    return port;
  }

  /**
   * Stops gracefully: every server stops accepting connections at once, requests in flight are
   * answered (their connections then close), for at most {@code drainSeconds}; then the server
   * verticles are undeployed.
   */
  public Future<Void> stop(Vertx vertx, long drainSeconds) {
    List<Future<?>> shutdowns = new ArrayList<>();
    for (HttpVerticle v : verticles) {
      if (v.server != null) {
        shutdowns.add(v.server.shutdown(drainSeconds, java.util.concurrent.TimeUnit.SECONDS));
      }
    }
    verticles.clear();
    return Future.join(shutdowns).transform(x -> stop(vertx));
  }

  /** Stops at once: undeploying closes the servers and the connections they hold. */
  public Future<Void> stop(Vertx vertx) {
    List<Future<?>> all = new ArrayList<>();
    for (String id : deployments) {
      all.add(vertx.undeploy(id));
    }
    deployments.clear();
    return Future.join(all).mapEmpty();
  }
}
