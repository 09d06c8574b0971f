package org.communityplatform.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.communityplatform.bench.Run.abbreviate;

/** What the bench's PostgreSQL says after the runs: the top statements and the plans of bench/explain.sql. */
final class SqlReport {

  private SqlReport() {
  }

  static List<String> topStatements(Pg pg, int n) {
    List<String> out = new ArrayList<>();
    if (!pg.statStatements) {
      return out;
    }
    try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery(
      "SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements "
        + "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        + "AND query NOT ILIKE '%pg_stat_%' AND query NOT ILIKE 'COPY %' AND query NOT ILIKE 'VACUUM%' "
        + "AND query NOT ILIKE 'CREATE %INDEX%' ORDER BY total_exec_time DESC LIMIT " + n)) {
      while (rs.next()) {
        out.add(String.format(Locale.ROOT, "| %,d | %.0f | %.3f | %.1f | `%s` |", rs.getLong(1), rs.getDouble(2),
          rs.getDouble(3), rs.getDouble(4) / Math.max(1, rs.getLong(1)),
          abbreviate(rs.getString(5).replaceAll("\\s+", " "), 260).replace("|", "\\|")));
      }
    } catch (Exception e) {
      out.add("(pg_stat_statements not readable: " + e.getMessage() + ")");
    }
    return out;
  }

  /**
   * EXPLAIN (ANALYZE, BUFFERS) of each statement of bench/explain.sql (blocks separated by
   * "-- next"; a block's comment lines are its title), on the loaded, warm database.
   */
  static List<String[]> explain(Pg pg, Path root) {
    List<String[]> out = new ArrayList<>();
    Path file = root.resolve("bench/explain.sql");
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try (var c = pg.connect(); var s = c.createStatement()) {
      String all = Files.readString(file, StandardCharsets.UTF_8);
      for (String block : all.split("(?m)^-- next\\s*$")) {
        StringBuilder title = new StringBuilder();
        StringBuilder sql = new StringBuilder();
        for (String line : block.split("\n")) {
          if (line.startsWith("--")) {
            if (sql.length() == 0) {
              title.append(line.substring(2).trim()).append(' ');
            }
          } else if (line.isBlank()) {
            if (sql.length() == 0) {
              // a comment paragraph followed by a blank line is not the statement's title
              title.setLength(0);
            }
          } else {
            sql.append(line).append('\n');
          }
        }
        if (sql.length() == 0) {
          continue;
        }
        StringBuilder plan = new StringBuilder();
        try (var rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
          while (rs.next()) {
            plan.append(rs.getString(1)).append('\n');
          }
        } catch (Exception e) {
          plan.append("(failed: ").append(e.getMessage()).append(")\n");
        }
        out.add(new String[] {title.toString().trim(), sql.toString().trim(), plan.toString()});
      }
    } catch (Exception e) {
      out.add(new String[] {"explain.sql", "", "(failed: " + e.getMessage() + ")"});
    }
    return out;
  }
}
