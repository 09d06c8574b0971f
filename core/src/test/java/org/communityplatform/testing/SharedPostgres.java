package org.communityplatform.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM; every platform a test starts gets a fresh database in it,
 * so tests never see each other's rows.
 */
public final class SharedPostgres {

  private static EmbeddedPostgres pg;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private SharedPostgres() {
  }

  public static synchronized EmbeddedPostgres server() {
    if (pg == null) {
      try {
        pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "500").start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start embedded PostgreSQL", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
    }
    return pg;
  }

  /** Creates an empty database and returns its {@code postgresql://} URL. */
  public static String newDatabaseUrl() {
    EmbeddedPostgres server = server();
    String name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create test database", e);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + server.getPort() + "/" + name;
  }
}
