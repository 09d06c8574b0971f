package org.communityplatform.core.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves one router from several HTTP server verticles, one per event loop, all on the same port
 * (Vert.x spreads connections over them). With port 0 the first instance picks the port and the
 * others join it.
 */
public final class HttpServers {

  private final List<String> deployments = new ArrayList<>();
  private volatile int port = -1;

  /** One HTTP server on the event loop the verticle is deployed on. */
  private static final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final HttpServerOptions options;
    private HttpServer server;

    HttpVerticle(Router router, HttpServerOptions options) {
      this.router = router;
      this.options = options;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options).requestHandler(router).invalidRequestHandler(Gateway::invalidRequest)
        .listen().onSuccess(s -> server = s);
    }
  }

  /** Starts {@code instances} servers; completes with the port they listen on. */
  public Future<Integer> start(Vertx vertx, Router router, HttpServerOptions options, int instances) {
    HttpServerOptions first = new HttpServerOptions(options);
    HttpVerticle probe = new HttpVerticle(router, first);
    return vertx.deployVerticle(probe).compose(id -> {
      deployments.add(id);
      port = probe.server.actualPort();
      if (instances <= 1) {
        return Future.succeededFuture(port);
      }
      HttpServerOptions rest = new HttpServerOptions(options).setPort(port);
      return vertx.deployVerticle(() -> new HttpVerticle(router, rest), new DeploymentOptions().setInstances(instances - 1))
        .map(id2 -> {
          deployments.add(id2);
          return port;
        });
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
