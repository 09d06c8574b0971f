package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of pages and memberships (schema {@code pages}); no rules, no transactions: the Ops classes
 * run these statements on the connection of their transaction. Every statement filters by
 * organisation or by a page already checked to belong to it. LIMIT and OFFSET are bound parameters.
 */
final class PagesStore {

  static final String PAGE_COLUMNS = "p.id, p.org, p.name, p.type, p.category, p.description, p.image, "
    + "p.visibility, p.owner_id, p.owner_email, p.member_count, p.created_at, p.updated_at";
  static final String MEMBER_COLUMNS = "m.id, m.page_id, m.user_id, m.email, m.role, m.role_rank, m.source, "
    + "m.invited_by, m.invited_at, m.joined_at";

  /** Rows of one list page: the mapped rows (one more than asked when there is a next page) and the total. */
  record Slice(List<JsonObject> rows, long total) {
  }

  /** Listing filters; {@code tsquery} is null when there is no search. */
  record PageFilter(String type, String category, String tsquery) {
  }

  // ---------------------------------------------------------------- pages

  Future<JsonObject> insertPage(SqlClient c, UUID id, String org, JsonObject body, String owner, String ownerEmail,
                                OffsetDateTime now) {
    Tuple t = Tuple.of(id, org, body.getString("name"), body.getString("type"), body.getString("category"))
      .addString(body.getString("description"))
      .addString(body.getString("image"))
      .addString(body.getString("visibility", "public"))
      .addString(owner)
      .addString(ownerEmail)
      .addOffsetDateTime(now);
    return c.preparedQuery("INSERT INTO pages.pages AS p (id, org, name, type, category, description, image, visibility, "
        + "owner_id, owner_email, member_count, created_at, updated_at) "
        + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11) RETURNING " + PAGE_COLUMNS)
      .execute(t)
      .map(rows -> Views.page(rows.iterator().next()));
  }

  /** The page and the caller's role, locking the page row when {@code lock} names a lock; null when absent. */
  Future<Access> access(SqlClient c, String org, UUID id, String user, String lock) {
    return c.preparedQuery("SELECT " + PAGE_COLUMNS + ", m.role AS my_role FROM pages.pages p "
        + "LEFT JOIN pages.members m ON m.page_id = p.id AND m.user_id = $3 "
        + "WHERE p.org = $1 AND p.id = $2" + (lock == null ? "" : " FOR " + lock + " OF p"))
      .execute(Tuple.of(org, id).addString(user))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Access(Views.page(r), r.getString("my_role"));
      });
  }

  /** Pages newest first (created_at, id descending); {@code after} = {created_at, id} of the last row seen. */
  Future<Slice> listPages(SqlClient c, String org, String viewer, PageFilter f, Object[] after, int fetch, long offset) {
    Tuple t = Tuple.of(org);
    StringBuilder from = new StringBuilder(" FROM pages.pages p");
    StringBuilder where = new StringBuilder(" WHERE p.org = $1");
    String roleColumn;
    if (viewer == null) {
      where.append(" AND p.visibility = 'public'");
      roleColumn = "NULL::text AS my_role";
    } else {
      t.addString(viewer);
      from.append(" LEFT JOIN pages.members m ON m.page_id = p.id AND m.user_id = $2");
      where.append(" AND (p.visibility = 'public' OR m.user_id IS NOT NULL)");
      roleColumn = "m.role AS my_role";
    }
    if (f.type() != null) {
      t.addString(f.type());
      where.append(" AND p.type_key = lower($").append(t.size()).append(')');
    }
    if (f.category() != null) {
      t.addString(f.category());
      where.append(" AND p.category_key = lower($").append(t.size()).append(')');
    }
    if (f.tsquery() != null) {
      t.addString(f.tsquery());
      where.append(" AND p.search @@ to_tsquery('simple', $").append(t.size()).append(')');
    }
    Tuple countArgs = copy(t);
    String keyset = "";
    if (after != null) {
      t.addOffsetDateTime((OffsetDateTime) after[0]).addUUID((UUID) after[1]);
      keyset = " AND (p.created_at, p.id) < ($" + (t.size() - 1) + ", $" + t.size() + ")";
    }
    t.addInteger(fetch).addLong(offset);
    String sql = "SELECT " + PAGE_COLUMNS + ", " + roleColumn + from + where + keyset
      + " ORDER BY p.created_at DESC, p.id DESC LIMIT $" + (t.size() - 1) + " OFFSET $" + t.size();
    return Future.all(c.preparedQuery(sql).execute(t), c.preparedQuery("SELECT count(*)" + from + where).execute(countArgs))
      .map(all -> slice(all.resultAt(0), all.resultAt(1), r -> Views.page(r).put("role", r.getString("my_role"))));
  }

  /** The caller's pages, latest joined first. */
  Future<Slice> listMine(SqlClient c, String org, String user, String role, int fetch, long offset) {
    Tuple t = Tuple.of(org, user);
    String where = " FROM pages.members m JOIN pages.pages p ON p.id = m.page_id WHERE m.org = $1 AND m.user_id = $2";
    if (role != null) {
      t.addString(role);
      where += " AND m.role = $3";
    }
    Tuple countArgs = copy(t);
    t.addInteger(fetch).addLong(offset);
    String sql = "SELECT " + PAGE_COLUMNS + ", m.role AS my_role" + where
      + " ORDER BY m.joined_at DESC, m.id DESC LIMIT $" + (t.size() - 1) + " OFFSET $" + t.size();
    return Future.all(c.preparedQuery(sql).execute(t), c.preparedQuery("SELECT count(*)" + where).execute(countArgs))
      .map(all -> slice(all.resultAt(0), all.resultAt(1), r -> Views.page(r).put("role", r.getString("my_role"))));
  }

  /** Sets the given columns ({column: value}, values text or null) and updated_at; answers the page. */
  Future<JsonObject> updatePage(SqlClient c, String org, UUID id, JsonObject columns, OffsetDateTime now) {
    Tuple t = Tuple.of(org, id);
    List<String> sets = new ArrayList<>();
    for (String column : columns.fieldNames()) {
      t.addString(columns.getString(column));
      sets.add(column + " = $" + t.size());
    }
    t.addOffsetDateTime(now);
    sets.add("updated_at = $" + t.size());
    return c.preparedQuery("UPDATE pages.pages AS p SET " + String.join(", ", sets)
        + " WHERE p.org = $1 AND p.id = $2 RETURNING " + PAGE_COLUMNS)
      .execute(t)
      .map(rows -> Views.page(rows.iterator().next()));
  }

  Future<Void> deletePage(SqlClient c, String org, UUID id) {
    return c.preparedQuery("DELETE FROM pages.pages WHERE org = $1 AND id = $2").execute(Tuple.of(org, id)).mapEmpty();
  }

  Future<JsonObject> setOwner(SqlClient c, String org, UUID id, String owner, String ownerEmail, OffsetDateTime now) {
    return c.preparedQuery("UPDATE pages.pages AS p SET owner_id = $3, owner_email = $4, updated_at = $5 "
        + "WHERE p.org = $1 AND p.id = $2 RETURNING " + PAGE_COLUMNS)
      .execute(Tuple.of(org, id, owner, ownerEmail, now))
      .map(rows -> Views.page(rows.iterator().next()));
  }

  // ---------------------------------------------------------------- members

  /** Adds a membership and counts it; null when the user already belongs (nothing changes then). */
  Future<JsonObject> insertMember(SqlClient c, String org, UUID pageId, String user, String email, String role,
                                  String source, String invitedBy, OffsetDateTime invitedAt, OffsetDateTime now) {
    return c.preparedQuery("INSERT INTO pages.members AS m (org, page_id, user_id, email, role, source, invited_by, "
          + "invited_at, joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          + "ON CONFLICT (page_id, user_id) DO NOTHING RETURNING " + MEMBER_COLUMNS)
      .execute(Tuple.of(org, pageId, user, email, role, source).addString(invitedBy).addOffsetDateTime(invitedAt)
        .addOffsetDateTime(now))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
        : count(c, pageId, 1).map(x -> Views.member(rows.iterator().next())));
  }

  /** A membership, locked FOR UPDATE when {@code lock}; null when none. */
  Future<JsonObject> member(SqlClient c, UUID pageId, String user, boolean lock) {
    return c.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM pages.members m WHERE m.page_id = $1 AND m.user_id = $2"
        + (lock ? " FOR UPDATE" : ""))
      .execute(Tuple.of(pageId, user))
      .map(rows -> rows.size() == 0 ? null : Views.member(rows.iterator().next()));
  }

  /** Removes a membership and uncounts it; null when there was none. */
  Future<JsonObject> deleteMember(SqlClient c, UUID pageId, String user) {
    return c.preparedQuery("DELETE FROM pages.members AS m WHERE m.page_id = $1 AND m.user_id = $2 RETURNING " + MEMBER_COLUMNS)
      .execute(Tuple.of(pageId, user))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
        : count(c, pageId, -1).map(x -> Views.member(rows.iterator().next())));
  }

  Future<JsonObject> setRole(SqlClient c, UUID pageId, String user, String role) {
    return c.preparedQuery("UPDATE pages.members AS m SET role = $3 WHERE m.page_id = $1 AND m.user_id = $2 RETURNING "
        + MEMBER_COLUMNS)
      .execute(Tuple.of(pageId, user, role))
      .map(rows -> rows.size() == 0 ? null : Views.member(rows.iterator().next()));
  }

  /**
   * Members in joining order, on the key (joined_at, id) that never changes while a member stays
   * (issue 12: a role change or someone leaving never moves another row across a cursor);
   * {@code after} = that key of the last row seen.
   */
  Future<Slice> listMembers(SqlClient c, String org, UUID id, String role, Object[] after, int fetch, long offset) {
    Tuple t = Tuple.of(org, id);
    String where = " FROM pages.members m WHERE m.org = $1 AND m.page_id = $2 AND m.user_id IS NOT NULL";
    if (role != null) {
      t.addString(role);
      where += " AND m.role = $3";
    }
    Tuple countArgs = copy(t);
    String keyset = "";
    if (after != null) {
      t.addOffsetDateTime((OffsetDateTime) after[0]).addLong((Long) after[1]);
      keyset = " AND (m.joined_at, m.id) > ($" + (t.size() - 1) + ", $" + t.size() + ")";
    }
    t.addInteger(fetch).addLong(offset);
    String sql = "SELECT " + MEMBER_COLUMNS + where + keyset + " ORDER BY m.joined_at, m.id LIMIT $"
      + (t.size() - 1) + " OFFSET $" + t.size();
    return Future.all(c.preparedQuery(sql).execute(t), c.preparedQuery("SELECT count(*)" + where).execute(countArgs))
      .map(all -> slice(all.resultAt(0), all.resultAt(1), Views::member));
  }

  /** Member ids of a page in the list's order (at most {@code limit}). */
  Future<List<String>> memberIds(SqlClient c, String org, UUID id, int limit) {
    return c.preparedQuery("SELECT m.user_id FROM pages.members m WHERE m.org = $1 AND m.page_id = $2 AND m.user_id IS NOT NULL "
        + "ORDER BY m.joined_at, m.id LIMIT $3")
      .execute(Tuple.of(org, id, limit))
      .map(rows -> {
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getString(0)));
        return ids;
      });
  }

  private static Future<Void> count(SqlClient c, UUID pageId, int delta) {
    return c.preparedQuery("UPDATE pages.pages SET member_count = member_count + $2 WHERE id = $1")
      .execute(Tuple.of(pageId, delta)).mapEmpty();
  }

  // ---------------------------------------------------------------- helpers

  static Slice slice(RowSet<Row> rows, RowSet<Row> count, java.util.function.Function<Row, JsonObject> map) {
    List<JsonObject> list = new ArrayList<>();
    rows.forEach(r -> list.add(map.apply(r)));
    return new Slice(list, count.iterator().next().getLong(0));
  }

  static Tuple copy(Tuple t) {
    Tuple c = Tuple.tuple();
    for (int i = 0; i < t.size(); i++) {
      c.addValue(t.getValue(i));
    }
    return c;
  }
}
