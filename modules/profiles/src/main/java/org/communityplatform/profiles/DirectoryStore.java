package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.paging.KeysetCursor;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** SQL of the lists (profile list, people search, paged lists with totals) and of relationships. */
final class DirectoryStore {

  private final Pool pool;

  DirectoryStore(Pool pool) {
    this.pool = pool;
  }

  // ---------------------------------------------------------------- lists

  /** Totals are counted exactly up to this many matches; past it the planner's estimate is answered. */
  static final int EXACT_TOTAL = 10_000;

  /** One page of a list, the number of matches in all, and whether rows follow the page. */
  static final class Page {
    final List<Row> rows;
    final long total;
    final boolean exact;
    final boolean more;

    Page(List<Row> rows, long total, boolean exact, boolean more) {
      this.rows = rows;
      this.total = total;
      this.exact = exact;
      this.more = more;
    }

    /** The last row of the page, or null when it is empty. */
    Row last() {
      return rows.isEmpty() ? null : rows.get(rows.size() - 1);
    }
  }

  /**
   * The profile number after which a keyset cursor of list {@code kind} continues; null without a
   * cursor; 400 {@code invalid_cursor} for one that is not of this list. The profile number (tnId)
   * is assigned once and never changes, so a walk neither repeats nor skips a profile that stays.
   */
  static Long after(String kind, String cursor) {
    List<String> parts = KeysetCursor.decode(kind, cursor, 1);
    if (parts == null) {
      return null;
    }
    try {
      return Long.parseLong(parts.get(0));
    } catch (NumberFormatException e) {
      throw KeysetCursor.invalid();
    }
  }

  /** The cursor of the page after {@code page}, or null when it is the last. */
  static String next(String kind, Page page) {
    return page.more && page.last() != null ? KeysetCursor.encode(kind, page.last().getLong("tn_id")) : null;
  }

  /** An empty page: a search with no words finds nothing (issue 12). */
  static Page empty() {
    return new Page(List.of(), 0, true, false);
  }

  /** A page without a keyset cursor. */
  Future<Page> paged(String select, String fromWhere, Tuple t, String order, int limit, long offset) {
    return paged(select, fromWhere, t, order, limit, offset, null, null);
  }

  /**
   * A page of rows and the total, as two queries run side by side: the page alone can stop at its
   * limit (a window count would visit every match), and the count stops at {@link #EXACT_TOTAL}.
   * With a keyset ({@code keyColumn > after}, the column being the immutable, unique sort key),
   * the page starts after the last row a client saw; the total still counts the whole list.
   * LIMIT and OFFSET are bound parameters; one more row than the limit is read to know whether
   * another page follows.
   */
  Future<Page> paged(String select, String fromWhere, Tuple t, String order, int limit, long offset, String keyColumn,
                     Long after) {
    Tuple page = Tuple.tuple();
    for (int i = 0; i < t.size(); i++) {
      page.addValue(t.getValue(i));
    }
    String keyset = "";
    if (after != null) {
      page.addLong(after);
      keyset = " AND " + keyColumn + " > $" + page.size();
    }
    page.addInteger(limit + 1).addLong(offset);
    Future<List<Row>> rows = pool.preparedQuery(select + fromWhere + keyset + " ORDER BY " + order + " LIMIT $"
        + (page.size() - 1) + " OFFSET $" + page.size()).execute(page)
      .map(rs -> {
        List<Row> list = new ArrayList<>();
        rs.forEach(list::add);
        return list;
      });
    Future<long[]> total = pool.preparedQuery("SELECT count(*) FROM (SELECT 1" + fromWhere + " LIMIT "
        + (EXACT_TOTAL + 1) + ") x").execute(t)
      .compose(c -> {
        long n = c.iterator().next().getLong(0);
        if (n <= EXACT_TOTAL) {
          return Future.succeededFuture(new long[] {n, 1});
        }
        return estimate(fromWhere, t).map(e -> new long[] {Math.max(e, EXACT_TOTAL + 1), 0});
      });
    return Future.all(rows, total).map(x -> {
      List<Row> all = rows.result();
      boolean more = all.size() > limit;
      return new Page(more ? all.subList(0, limit) : all, total.result()[0], total.result()[1] == 1, more);
    });
  }

  /** The planner's estimate of the rows a FROM ... WHERE matches (0 when it cannot say). */
  private Future<Long> estimate(String fromWhere, Tuple t) {
    return pool.preparedQuery("EXPLAIN (FORMAT JSON) SELECT 1" + fromWhere).execute(t)
      .map(rs -> {
        Object v = rs.iterator().next().getValue(0);
        JsonArray plan = v instanceof JsonArray ? (JsonArray) v : new JsonArray(String.valueOf(v));
        return plan.getJsonObject(0).getJsonObject("Plan").getNumber("Plan Rows").longValue();
      })
      .recover(err -> Future.succeededFuture(0L));
  }

  /**
   * The profile list as {@code me} sees it: profiles that block {@code me} are left out; each row
   * carries the relationship (out_* from me to it, in_* from it to me).
   */
  Future<Page> listProfiles(String org, String me, JsonObject f, int limit, long offset, Long afterTn) {
    Tuple t = Tuple.of(org, me);
    StringBuilder w = new StringBuilder(" FROM profiles.users u "
      + "LEFT JOIN profiles.relationships o ON o.org = u.org AND o.src = $2 AND o.dst = u.id "
      + "LEFT JOIN profiles.relationships i ON i.org = u.org AND i.src = u.id AND i.dst = $2 "
      + "LEFT JOIN profiles.users ow ON ow.org = u.org AND ow.id = u.owner_id "
      + "WHERE u.org = $1 AND NOT coalesce(i.blocking, false)");
    t.addArrayOfString(f.getJsonArray("status").stream().map(String::valueOf).toArray(String[]::new));
    w.append(" AND u.status = ANY($").append(t.size()).append(")");
    if (f.getString("type") != null) {
      t.addString(f.getString("type"));
      w.append(" AND u.type = $").append(t.size());
    }
    if (f.getBoolean("following") != null) {
      t.addBoolean(f.getBoolean("following"));
      w.append(" AND coalesce(o.following, false) = $").append(t.size());
    }
    String connected = f.getString("connected");
    if ("connected".equals(connected)) {
      w.append(" AND o.connection = 'connected'");
    } else if ("pending".equals(connected)) {
      w.append(" AND (o.connection = 'requested' OR i.connection = 'requested')");
    } else if ("disconnected".equals(connected)) {
      w.append(" AND coalesce(o.connection, 'none') = 'none' AND coalesce(i.connection, 'none') = 'none'");
    }
    if (f.getString("q") != null) {
      t.addString(f.getString("q"));
      w.append(" AND u.name_search @@ profiles.search_query($").append(t.size()).append(")");
    }
    if (f.getString("idTag") != null) {
      t.addString(f.getString("idTag"));
      w.append(" AND u.id_tag = $").append(t.size());
    }
    String select = "SELECT " + ProfilesStore.PUBLIC + ", ow.id_tag AS owner_tag, coalesce(o.following, false) AS out_following, "
      + "coalesce(o.blocking, false) AS out_blocking, coalesce(o.connection, 'none') AS out_connection, "
      + "coalesce(i.following, false) AS in_following, coalesce(i.connection, 'none') AS in_connection";
    return paged(select, w.toString(), t, "u.tn_id", limit, offset, "u.tn_id", afterTn);
  }

  /**
   * People search: active persons whose words start with every word of q, optionally only among
   * {@code ids}; persons blocking {@code me} are left out when there is a caller. The email is one of
   * the words only when {@code withEmail} (the caller sees every address in the result) or for the
   * caller's own record: matching an address the caller may not see would disclose it (how many
   * people use a domain, say). Otherwise the indexed words without the email ({@code public_search}) are searched.
   */
  Future<Page> searchPeople(String org, String q, List<String> ids, String me, boolean withEmail, int limit, long offset,
                            Long afterTn) {
    Tuple t = Tuple.of(org);
    StringBuilder w = new StringBuilder(" FROM profiles.users u WHERE u.org = $1 AND u.type = 'person' "
      + "AND u.status = 'active'");
    if (q != null) {
      t.addString(q);
      int qi = t.size();
      if (withEmail) {
        w.append(" AND u.search @@ profiles.search_query($").append(qi).append(")");
      } else {
        w.append(" AND (u.public_search @@ profiles.search_query($").append(qi).append(")");
        if (me != null) {
          t.addString(me);
          w.append(" OR (u.id = $").append(t.size()).append(" AND u.search @@ profiles.search_query($").append(qi).append("))");
        }
        w.append(")");
      }
    }
    if (ids != null) {
      t.addArrayOfString(ids.toArray(new String[0]));
      w.append(" AND u.id = ANY($").append(t.size()).append(")");
    }
    if (me != null) {
      t.addString(me);
      w.append(" AND NOT EXISTS (SELECT 1 FROM profiles.relationships b WHERE b.org = u.org AND b.src = u.id "
        + "AND b.dst = $").append(t.size()).append(" AND b.blocking)");
    }
    return paged("SELECT " + ProfilesStore.PUBLIC, w.toString(), t, "u.tn_id", limit, offset, "u.tn_id", afterTn);
  }

  // ---------------------------------------------------------------- relationships

  /** Serialises changes to one pair of profiles (in either direction) and reads both directions. */
  Future<Relationship> lockPair(SqlConnection c, String org, String a, String b) {
    String pair = a.compareTo(b) < 0 ? a + "\n" + b : b + "\n" + a;
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))").execute(Tuple.of(org, pair))
      .compose(x -> readPair(c, org, a, b));
  }

  /** Both directions between a and b: out is a towards b, in is b towards a. */
  Future<Relationship> readPair(SqlConnection c, String org, String a, String b) {
    return c.preparedQuery("SELECT src, following, blocking, connection FROM profiles.relationships "
        + "WHERE org = $1 AND ((src = $2 AND dst = $3) OR (src = $3 AND dst = $2))")
      .execute(Tuple.of(org, a, b))
      .map(rows -> {
        Relationship.Direction out = new Relationship.Direction();
        Relationship.Direction in = new Relationship.Direction();
        for (Row r : rows) {
          Relationship.Direction d = r.getString("src").equals(a) ? out : in;
          d.following = r.getBoolean("following");
          d.blocking = r.getBoolean("blocking");
          d.connection = r.getString("connection");
        }
        return new Relationship(out, in);
      });
  }

  Future<Void> saveDirection(SqlConnection c, String org, String src, String dst, Relationship.Direction d, OffsetDateTime now) {
    if (!d.changed) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("INSERT INTO profiles.relationships (org, src, dst, following, blocking, connection, updated_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org, src, dst) DO UPDATE SET following = EXCLUDED.following, "
        + "blocking = EXCLUDED.blocking, connection = EXCLUDED.connection, updated_at = EXCLUDED.updated_at")
      .execute(Tuple.of(org, src, dst, d.following, d.blocking, d.connection).addOffsetDateTime(now))
      .mapEmpty();
  }

}
