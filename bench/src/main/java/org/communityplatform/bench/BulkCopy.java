package org.communityplatform.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The COPY mechanics of the {@link Loader}: checks that a table and its columns exist, streams rows in
 * COPY text format through PgJDBC's CopyManager, and gives large tables the bulk treatment (secondary
 * indexes dropped before and recreated after; {@code session_replication_role = replica} when the
 * table has no triggers of its own, so no per-row foreign key checks).
 */
final class BulkCopy {

  private BulkCopy() {
  }

  static boolean exists(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static Set<String> columns(Connection c, String table) throws SQLException {
    String[] parts = table.split("\\.");
    Set<String> cols = new TreeSet<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = '" + parts[0] + "' AND table_name = '" + parts[1] + "'")) {
      while (rs.next()) {
        cols.add(rs.getString(1));
      }
    }
    return cols;
  }

  /** Secondary indexes (not backing a constraint) of a table: their definitions, to drop and recreate. */
  private static List<String[]> secondaryIndexes(Connection c, String table) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
      "SELECT n.nspname || '.' || quote_ident(ci.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i "
        + "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ci.relnamespace "
        + "WHERE i.indrelid = '" + table + "'::regclass "
        + "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)")) {
      while (rs.next()) {
        out.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return out;
  }

  private static boolean hasOwnTriggers(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
      "SELECT count(*) FROM pg_trigger WHERE tgrelid = '" + table + "'::regclass AND NOT tgisinternal")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /**
   * COPY into {@code table} ({@code cols}), rows written by {@code rows}. Checks the columns exist
   * first; drops and recreates secondary indexes when {@code bulk}.
   */
  static void copy(Connection c, String table, String cols, boolean bulk, Consumer<Rows> rows) throws Exception {
    if (!exists(c, table)) {
      throw new IllegalStateException("table " + table + " does not exist (module not migrated yet?)");
    }
    Set<String> have = columns(c, table);
    for (String col : cols.split(",")) {
      if (!have.contains(col.trim())) {
        throw new IllegalStateException("table " + table + " has no column " + col.trim() + " (schema changed?)");
      }
    }
    List<String[]> indexes = bulk ? secondaryIndexes(c, table) : List.of();
    boolean replica = !hasOwnTriggers(c, table);
    try (Statement s = c.createStatement()) {
      for (String[] ix : indexes) {
        s.execute("DROP INDEX " + ix[0]);
      }
      if (replica) {
        s.execute("SET session_replication_role = replica");
      }
      CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + cols + ") FROM STDIN");
      Rows out = new Rows(in);
      try {
        rows.accept(out);
        out.flush();
        in.endCopy();
      } finally {
        if (in.isActive()) {
          in.cancelCopy();
        }
      }
      if (replica) {
        s.execute("SET session_replication_role = DEFAULT");
      }
      if (!indexes.isEmpty()) {
        s.execute("SET maintenance_work_mem = '512MB'");
      }
      for (String[] ix : indexes) {
        s.execute(ix[1]);
      }
    }
  }

  /** Rows in COPY text format, sent in 1 MB chunks. */
  static final class Rows {
    private final CopyIn in;
    private final StringBuilder sb = new StringBuilder(1 << 21);
    private boolean first = true;
    long count;

    Rows(CopyIn in) {
      this.in = in;
    }

    Rows v(Object value) {
      if (!first) {
        sb.append('\t');
      }
      first = false;
      if (value == null) {
        sb.append("\\N");
      } else {
        String s = value.toString();
        for (int i = 0; i < s.length(); i++) {
          char ch = s.charAt(i);
          switch (ch) {
            case '\\' -> sb.append("\\\\");
            case '\t' -> sb.append("\\t");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            default -> sb.append(ch);
          }
        }
      }
      return this;
    }

    void end() {
      sb.append('\n');
      first = true;
      count++;
      if (sb.length() >= (1 << 20)) {
        try {
          flush();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    }

    void flush() throws SQLException {
      if (sb.length() > 0) {
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        sb.setLength(0);
      }
    }
  }
}
