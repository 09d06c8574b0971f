package org.communityplatform.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The baseline: the least a Vert.x + PostgreSQL server does to answer a single read. One route,
 * {@code GET /baseline/communities/{id}}, one prepared {@code SELECT} by primary key on the same
 * table the platform reads, the row as JSON. No router, no validation, no auth, no bus. Run in a
 * process of its own by the bench: {@code BaselineServer <port> <pgUrl> <poolSize> <instances>}.
 */
public final class BaselineServer extends AbstractVerticle {

  static final String PREFIX = "/baseline/communities/";
  static final String SQL = "SELECT id, org, name, slug, description, is_private, member_count, created_at, updated_at "
    + "FROM communities.communities WHERE id = $1";

  private final Pool pool;
  private final int port;

  private BaselineServer(Pool pool, int port) {
    this.pool = pool;
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String url = args[1];
    int poolSize = Integer.parseInt(args[2]);
    int instances = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    PgConnectOptions connect = PgConnectOptions.fromUri(url).setCachePreparedStatements(true)
      .setPreparedStatementCacheMaxSize(64).setPipeliningLimit(256);
    // one pool for the process, like the platform's node pool
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize)).connectingTo(connect).using(vertx).build();
    vertx.deployVerticle(() -> new BaselineServer(pool, port), new DeploymentOptions().setInstances(instances))
      .onSuccess(id -> System.out.println("baseline listening on 127.0.0.1:" + port + " (" + instances
        + " instances, pool " + poolSize + ")"))
      .onFailure(e -> {
        e.printStackTrace();
        System.exit(1);
      });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }

  @Override
  public void start(Promise<Void> started) {
    PreparedQuery<RowSet<Row>> byId = pool.preparedQuery(SQL);
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
      .requestHandler(req -> {
        String path = req.path();
        if (path.equals("/health")) {
          req.response().end("ok");
          return;
        }
        if (!path.startsWith(PREFIX)) {
          req.response().setStatusCode(404).end();
          return;
        }
        UUID id;
        try {
          id = UUID.fromString(path.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
          req.response().setStatusCode(400).end();
          return;
        }
        byId.execute(Tuple.of(id)).onComplete(ar -> {
          if (ar.failed()) {
            req.response().setStatusCode(500).end(String.valueOf(ar.cause().getMessage()));
            return;
          }
          if (ar.result().size() == 0) {
            req.response().setStatusCode(404).end();
            return;
          }
          Row r = ar.result().iterator().next();
          JsonObject body = new JsonObject()
            .put("id", r.getUUID(0).toString()).put("org", r.getString(1)).put("name", r.getString(2))
            .put("slug", r.getString(3)).put("description", r.getString(4)).put("isPrivate", r.getBoolean(5))
            .put("memberCount", r.getInteger(6)).put("createdAt", r.getOffsetDateTime(7).toString())
            .put("updatedAt", r.getOffsetDateTime(8).toString());
          req.response().putHeader("content-type", "application/json").end(body.toBuffer());
        });
      })
      .listen()
      .<Void>mapEmpty()
      .onComplete(started);
  }
}
