package org.communityplatform.core.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The node's PostgreSQL: an external server from {@code db.url} / {@code db.host}, or, with neither,
 * an embedded server with a persistent data directory ({@link EmbeddedServer}: fsync and synchronous
 * commit on, password authentication, a stale postmaster stopped at start). Owns the pool and runs
 * per-module migrations.
 *
 * <p>A dead embedded postmaster is restarted by this node: every {@code db.embedded.watchdogSeconds}
 * the postmaster process is looked at, and when it is gone a new one is started on the same port and
 * data directory (the pool reconnects by itself). Meanwhile database requests answer 503 and
 * {@code /health/ready} reports the database down.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private volatile EmbeddedServer embedded;
  private final PgConnectOptions connectOptions;
  private final Pool pool;
  private long watchdog = -1;
  private volatile boolean restarting;
  private volatile boolean closed;

  private Database(Vertx vertx, EmbeddedServer embedded, PgConnectOptions connectOptions, Pool pool) {
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
    Future<EmbeddedServer> embeddedFuture;
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
      // empty: <data.dir>/postgres, so that moving data.dir moves everything the node keeps
      String configured = emb.getString("dir", "");
      Path dir = (configured.isBlank() ? Path.of(config.getJsonObject("data").getString("dir")).resolve("postgres")
        : Path.of(configured)).toAbsolutePath();
      int port = emb.getInteger("port", 0);
      embeddedFuture = vertx.executeBlocking(() -> {
        org.communityplatform.core.ops.EmbeddedDataDir.check(dir);
        long t0 = System.nanoTime();
        EmbeddedServer pg = EmbeddedServer.start(dir, port);
        LOG.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)", pg.port(), dir,
          (System.nanoTime() - t0) / 1_000_000);
        return pg;
      });
      options = embeddedFuture.map(pg -> new PgConnectOptions().setHost("127.0.0.1").setPort(pg.port())
        .setDatabase("postgres").setUser("postgres").setPassword(pg.password()));
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
        .map(rs -> new Database(vertx, embeddedFuture.result(), o, pool).watch(db))
        .recover(err -> {
          pool.close();
          EmbeddedServer pg = embeddedFuture.result();
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

  /** The embedded server's data directory, or null with an external server. */
  public Path embeddedDir() {
    EmbeddedServer e = embedded;
    return e == null ? null : e.dir();
  }

  /** Starts the watchdog of an embedded postmaster ({@code db.embedded.watchdogSeconds}, 0: none). */
  private Database watch(JsonObject db) {
    int seconds = db.getJsonObject("embedded", new JsonObject()).getInteger("watchdogSeconds", 5);
    if (embedded != null && seconds > 0) {
      watchdog = vertx.setPeriodic(seconds * 1000L, id -> {
        EmbeddedServer e = embedded;
        if (!closed && !restarting && e != null && !e.alive()) {
          restartEmbedded(e);
        }
      });
    }
    return this;
  }

  private void restartEmbedded(EmbeddedServer dead) {
    restarting = true;
    LOG.error("the embedded PostgreSQL postmaster is gone; starting it again on port {}", dead.port());
    vertx.executeBlocking(() -> {
      try {
        dead.close();
      } catch (Exception e) {
        LOG.debug("closing the dead postmaster: {}", e.toString());
      }
      return EmbeddedServer.start(dead.dir(), dead.port());
    }, false).onComplete(ar -> {
      restarting = false;
      if (ar.succeeded()) {
        embedded = ar.result();
        LOG.info("embedded PostgreSQL started again on port {}", ar.result().port());
        if (closed) {
          vertx.executeBlocking(() -> {
            ar.result().close();
            return null;
          });
        }
      } else {
        LOG.error("the embedded PostgreSQL could not be started again; next try in a moment", ar.cause());
      }
    });
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  /**
   * Runs the Flyway migrations found at {@code classpath:<location>} in schema {@code schema}, on a
   * worker thread. Flyway takes a PostgreSQL advisory lock, so nodes starting together are safe.
   * When the schema's history already records every packaged version as applied (the usual
   * restart), Flyway is not started at all: its class-path scan and validation are most of the
   * start-up time of an initialised database. Answers the number of migrations applied.
   */
  public Future<Integer> migrate(String schema, String location) {
    return vertx.executeBlocking(() -> PackagedMigrations.versions(Database.class.getClassLoader(), location), false)
      .compose(packaged -> packaged == null ? Future.succeededFuture(false) : applied(schema).map(packaged::equals))
      .compose(current -> current ? Future.succeededFuture(0) : flyway(schema, location));
  }

  /** The versions applied successfully in {@code schema}, or an empty set when that cannot be read or one failed. */
  private Future<java.util.Set<String>> applied(String schema) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      return Future.succeededFuture(java.util.Set.of());
    }
    return pool.query("SELECT version, success FROM \"" + schema + "\".schema_history WHERE version IS NOT NULL").execute()
      .map(rows -> {
        java.util.Set<String> versions = new java.util.TreeSet<>();
        for (io.vertx.sqlclient.Row r : rows) {
          if (!Boolean.TRUE.equals(r.getBoolean("success"))) {
            return java.util.Set.<String>of();
          }
          versions.add(r.getString("version"));
        }
        return (java.util.Set<String>) versions;
      })
      // no schema or no history yet: Flyway creates them
      .otherwise(java.util.Set.of());
  }

  private Future<Integer> flyway(String schema, String location) {
    return vertx.executeBlocking(() -> {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Flyway flyway = Flyway.configure(Database.class.getClassLoader())
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:" + location)
        .table("schema_history")
        .loggers("slf4j")
        // a migration's SELECT (e.g. the profiles e-mail folding report) would be printed to standard
        // output as a table, outside the log format (and breaking JSON logs)
        .outputQueryResults(false)
        .load();
      int applied = flyway.migrate().migrationsExecuted;
      Thread.currentThread().setContextClassLoader(loader);
      return applied;
    }, false);
  }

  /** Closes the pool, then stops the embedded server if there is one. */
  public Future<Void> close() {
    closed = true;
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
    }
    EmbeddedServer e = embedded;
    return pool.close().eventually(() -> e == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      e.close();
      LOG.info("embedded PostgreSQL stopped");
      return null;
    }));
  }
}
