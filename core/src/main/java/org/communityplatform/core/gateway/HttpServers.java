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

  /** One HTTP server on the event loop the verticle is deployed on. */
  private static final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final HttpServerOptions options;
    private final JsonObject http;
    private HttpServer server;

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
    HttpServerOptions shared = new HttpServerOptions(options)
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
      port = created.get(0).server.actualPort();
      return port;
    });
  }

  public int port() {
    return port;
  }

  /** Stops accepting connections (undeploying closes the servers). */
  public Future<Void> stop(Vertx vertx) {
    List<Future<?>> all = new ArrayList<>();
    for (String id : deployments) {
      all.add(vertx.undeploy(id));
    }
    deployments.clear();
    return Future.join(all).mapEmpty();
  }
}
