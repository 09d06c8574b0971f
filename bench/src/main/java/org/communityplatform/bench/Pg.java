package org.communityplatform.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The bench's PostgreSQL: zonky's embedded server (the same binaries the platform embeds), in a
 * fresh data directory, with pg_stat_statements preloaded when the binaries have it, so that the
 * statements one request runs can be counted.
 */
final class Pg implements AutoCloseable {

  final EmbeddedPostgres server;
  boolean statStatements;
  final int port;

  private Pg(EmbeddedPostgres server, boolean statStatements) {
    this.server = server;
    this.statStatements = statStatements;
    this.port = server.getPort();
  }

  static Pg start(Path dir) throws IOException, SQLException {
    deleteTree(dir);
    Files.createDirectories(dir.getParent());
    EmbeddedPostgres pg;
    boolean stat = true;
    try {
      pg = builder(dir).setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setServerConfig("pg_stat_statements.track", "top")
        .setServerConfig("pg_stat_statements.max", "5000")
        .setServerConfig("track_io_timing", "off")
        .start();
    } catch (IOException | RuntimeException e) {
      System.out.println("  pg_stat_statements could not be preloaded (" + e.getMessage() + "); counting transactions instead");
      deleteTree(dir);
      pg = builder(dir).start();
      stat = false;
    }
    Pg result = new Pg(pg, stat);
    Cpu.pgDataDir = dir.toAbsolutePath().toString();
    // stopped also when the bench is interrupted (Ctrl-C, SIGTERM)
    Pg hooked = result;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        hooked.close();
      } catch (IOException ignored) {
        // exiting anyway
      }
    }, "bench-pg-stop"));
    if (stat) {
      try (Connection c = result.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      } catch (SQLException e) {
        System.out.println("  CREATE EXTENSION pg_stat_statements failed (" + e.getMessage() + "); counting transactions instead");
        result.statStatements = false;
      }
    }
    return result;
  }

  private static EmbeddedPostgres.Builder builder(Path dir) {
    // zonky's defaults (synchronous_commit off, UTC) are the platform's embedded defaults too
    return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).setPort(0)
      .setServerConfig("max_connections", "300")
      .setServerConfig("shared_buffers", "256MB")
      .setServerConfig("max_wal_size", "2GB")
      .setServerConfig("checkpoint_timeout", "30min")
      .setPGStartupWait(java.time.Duration.ofSeconds(60));
  }

  /** The URL the platform and the baseline get (vertx-pg-client syntax). */
  String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
  }

  /**
   * A snapshot of the statement counters: queryid -> (query, calls, total ms), without the bench's
   * own statistics queries. With no pg_stat_statements: one pseudo row with committed + rolled back
   * transactions of the database.
   */
  Map<String, long[]> statements(Map<String, String> texts) throws SQLException {
    Map<String, long[]> out = new LinkedHashMap<>();
    // one connection for every snapshot: a new one would add the driver's own SET statements to the counts
    if (statsConnection == null || statsConnection.isClosed()) {
      statsConnection = connect();
    }
    Connection c = statsConnection;
    try (Statement s = c.createStatement()) {
      if (statStatements) {
        try (ResultSet rs = s.executeQuery("SELECT queryid::text, query, calls, (total_exec_time * 1000)::bigint "
          + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
          + "AND query NOT ILIKE '%pg_stat_%' AND query NOT ILIKE '%pg_database%'")) {
          while (rs.next()) {
            out.put(rs.getString(1), new long[] {rs.getLong(3), rs.getLong(4)});
            texts.putIfAbsent(rs.getString(1), rs.getString(2));
          }
        }
      } else {
        try (ResultSet rs = s.executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")) {
          rs.next();
          // this query is a transaction of its own: the caller subtracts it
          out.put("xact", new long[] {rs.getLong(1), 0});
          texts.put("xact", "transactions (pg_stat_statements unavailable)");
        }
      }
    }
    return out;
  }

  private Connection statsConnection;

  private boolean closed;

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (statsConnection != null) {
        statsConnection.close();
      }
    } catch (SQLException ignored) {
      // closing anyway
    }
    server.close();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
  }
}
