package org.communityplatform.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's PostgreSQL: an external server from {@code db.url} / {@code db.host}, or, with neither,
 * an embedded server with a persistent data directory. Owns the pool and runs per-module migrations.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final EmbeddedPostgres embedded;
  private final PgConnectOptions connectOptions;
  private final Pool pool;

  private Database(Vertx vertx, EmbeddedPostgres embedded, PgConnectOptions connectOptions, Pool pool) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.connectOptions = connectOptions;
    this.pool = pool;
  }

  /** Whether the configuration names an external server. */
  public static boolean isExternal(JsonObject db) {
    return !db.getString("url", "").isBlank() || !db.getString("host", "").isBlank();
  }

  public static Future<Database> start(Vertx vertx, JsonObject config) {
    JsonObject db = config.getJsonObject("db");
    Future<PgConnectOptions> options;
    Future<EmbeddedPostgres> embeddedFuture;
    if (isExternal(db)) {
      String url = db.getString("url", "");
      PgConnectOptions o;
      if (!url.isBlank()) {
        try {
          o = PgConnectOptions.fromUri(url);
        } catch (RuntimeException e) {
          return Future.failedFuture(new IllegalArgumentException("key 'db.url' is not a PostgreSQL URL: " + e.getMessage()));
        }
      } else {
        o = new PgConnectOptions().setHost(db.getString("host")).setPort(db.getInteger("port"))
          .setDatabase(db.getString("database")).setUser(db.getString("user")).setPassword(db.getString("password"));
      }
      options = Future.succeededFuture(o);
      embeddedFuture = Future.succeededFuture(null);
    } else {
      JsonObject emb = db.getJsonObject("embedded");
      Path dir = Path.of(emb.getString("dir")).toAbsolutePath();
      int port = emb.getInteger("port", 0);
      embeddedFuture = vertx.executeBlocking(() -> {
        Files.createDirectories(dir.getParent());
        org.communityplatform.core.ops.EmbeddedDataDir.check(dir);
        long t0 = System.nanoTime();
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setServerConfig("max_connections", "300")
          .start();
        LOG.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)", pg.getPort(), dir,
          (System.nanoTime() - t0) / 1_000_000);
        return pg;
      });
      options = embeddedFuture.map(pg -> new PgConnectOptions().setHost("127.0.0.1").setPort(pg.getPort())
        .setDatabase("postgres").setUser("postgres").setPassword("postgres"));
    }
    return options.compose(o -> {
      o.setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(512)
        .setPipeliningLimit(db.getInteger("pipeliningLimit", 256));
      Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(db.getInteger("poolSize", 16)).setShared(false))
        .connectingTo(o)
        .using(vertx)
        .build();
      return pool.query("SELECT 1").execute()
        .map(rs -> new Database(vertx, embeddedFuture.result(), o, pool))
        .recover(err -> {
          pool.close();
          EmbeddedPostgres pg = embeddedFuture.result();
          Future<Void> stop = pg == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            pg.close();
            return null;
          });
          return stop.transform(x -> Future.failedFuture(new IllegalStateException(
            "cannot reach PostgreSQL at " + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase() + ": " + err.getMessage(), err)));
        });
    });
  }

  public Pool pool() {
    return pool;
  }

  public PgConnectOptions connectOptions() {
    return connectOptions;
  }

  public boolean embedded() {
    return embedded != null;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  /**
   * Runs the Flyway migrations found at {@code classpath:<location>} in schema {@code schema}, on a
   * worker thread. Flyway takes a PostgreSQL advisory lock, so nodes starting together are safe.
   */
  public Future<Integer> migrate(String schema, String location) {
    return vertx.executeBlocking(() -> {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Flyway flyway = Flyway.configure(Database.class.getClassLoader())
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:" + location)
        .table("schema_history")
        .loggers("slf4j")
        .load();
      int applied = flyway.migrate().migrationsExecuted;
      Thread.currentThread().setContextClassLoader(loader);
      return applied;
    }, false);
  }

  /** Closes the pool, then stops the embedded server if there is one. */
  public Future<Void> close() {
    return pool.close().eventually(() -> embedded == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      embedded.close();
      LOG.info("embedded PostgreSQL stopped");
      return null;
    }));
  }
}
