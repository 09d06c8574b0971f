package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL of the pages module, schema {@code pages}. Every statement filters by organisation; every
 * write that checks a permission does so inside the transaction that makes the change, with the
 * page row locked first (one lock order for every membership change).
 */
final class PagesStore {

  private static final String PAGE_COLUMNS = "p.id, p.org, p.name, p.type, p.category, p.description, p.image, "
    + "p.visibility, p.owner_id, p.owner_email, p.member_count, p.created_at, p.updated_at";
  private static final String MEMBER_COLUMNS = "m.id, m.page_id, m.user_id, m.email, m.role, m.role_rank, m.source, "
    + "m.invited_by, m.invited_at, m.joined_at";
  private static final String POST_COLUMNS = "t.id, t.page_id, t.author_id, t.announcement, t.title, t.body, "
    + "t.created_at, t.updated_at";
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
  private static final int MAX_SEARCH_WORDS = 8;

  /** A page as one caller sees it: the page and the caller's role on it (null when not a member). */
  record Access(JsonObject page, String role) {
    boolean visible() {
      return "public".equals(page.getString("visibility")) || role != null;
    }

    boolean manager() {
      return "owner".equals(role) || "admin".equals(role);
    }

    JsonObject pageWithRole() {
      return page.copy().put("role", role);
    }
  }

  /** The outcome of a write: the row it answers with, and whether something changed. */
  record Outcome(JsonObject body, boolean changed) {
  }

  /** Listing filters. */
  record PageFilter(String type, String category, String q) {
  }

  private final Pool pool;
  private final Clock clock;

  PagesStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  static String normEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  // ---------------------------------------------------------------- pages

  Future<JsonObject> createPage(String org, String owner, String ownerEmail, JsonObject body) {
    UUID id = UUID.randomUUID();
    OffsetDateTime now = now();
    Tuple t = Tuple.of(id, org, body.getString("name"), body.getString("type"), body.getString("category"))
      .addString(body.getString("description"))
      .addString(body.getString("image"))
      .addString(body.getString("visibility", "public"))
      .addString(owner)
      .addString(ownerEmail)
      .addOffsetDateTime(now);
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO pages.pages AS p (id, org, name, type, category, "
          + "description, image, visibility, owner_id, owner_email, member_count, created_at, updated_at) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) RETURNING " + PAGE_COLUMNS)
        .execute(t)
        .compose(rows -> conn.preparedQuery("INSERT INTO pages.members (org, page_id, user_id, email, role, source, joined_at) "
            + "VALUES ($1, $2, $3, $4, 'owner', 'auto', $5)")
          .execute(Tuple.of(org, id, owner, normEmail(ownerEmail), now))
          .map(x -> page(rows.iterator().next()).put("role", "owner"))));
  }

  /** The page and the caller's role; null when the organisation has no such page. */
  Future<Access> access(SqlClient client, String org, UUID id, String user, String lock) {
    Tuple t = Tuple.of(org, id).addString(user);
    return client.preparedQuery("SELECT " + PAGE_COLUMNS + ", m.role AS my_role FROM pages.pages p "
        + "LEFT JOIN pages.members m ON m.page_id = p.id AND m.user_id = $3 "
        + "WHERE p.org = $1 AND p.id = $2" + (lock == null ? "" : " FOR " + lock + " OF p"))
      .execute(t)
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Access(page(r), r.getString("my_role"));
      });
  }

  Future<Access> access(String org, UUID id, String user) {
    return access(pool, org, id, user, null);
  }

  /** The page if the caller may see it; 404 otherwise (a private page is invisible to outsiders). */
  private static Access visible(Access a) {
    if (a == null || !a.visible()) {
      throw ApiError.notFound("page not found");
    }
    return a;
  }

  Future<Access> visibleAccess(String org, UUID id, String user) {
    return access(org, id, user).map(PagesStore::visible);
  }

  Future<JsonObject> listPages(String org, String viewer, PageFilter f, int limit, int page, Cursor.Key cursor) {
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
    String tsquery = tsquery(f.q());
    if (tsquery != null) {
      t.addString(tsquery);
      where.append(" AND p.search @@ to_tsquery('simple', $").append(t.size()).append(')');
    }
    String countSql = "SELECT count(*)" + from + where;
    Tuple countArgs = copy(t);
    StringBuilder keyset = new StringBuilder();
    if (cursor != null) {
      t.addOffsetDateTime(cursor.at()).addUUID(cursor.uuid());
      keyset.append(" AND (p.created_at, p.id) < ($").append(t.size() - 1).append(", $").append(t.size()).append(')');
    }
    String sql = "SELECT " + PAGE_COLUMNS + ", " + roleColumn + from + where + keyset
      + " ORDER BY p.created_at DESC, p.id DESC LIMIT " + (limit + 1) + offset(cursor, page, limit);
    return Future.all(pool.preparedQuery(sql).execute(t), pool.preparedQuery(countSql).execute(countArgs))
      .map(all -> {
        RowSet<Row> rows = all.resultAt(0);
        RowSet<Row> count = all.resultAt(1);
        JsonArray data = new JsonArray();
        Row last = null;
        int n = 0;
        for (Row r : rows) {
          if (n++ == limit) {
            break;
          }
          data.add(page(r).put("role", r.getString("my_role")));
          last = r;
        }
        String next = rows.size() > limit && last != null
          ? Cursor.encode(Cursor.PAGES, 0, last.getOffsetDateTime("created_at"), last.getUUID("id")) : null;
        return listBody(data, count.iterator().next().getLong(0), cursor == null ? page : null, limit, next);
      });
  }

  Future<JsonObject> listMine(String org, String user, String role, int limit, int page) {
    Tuple t = Tuple.of(org, user);
    String where = " FROM pages.members m JOIN pages.pages p ON p.id = m.page_id "
      + "WHERE m.org = $1 AND m.user_id = $2";
    if (role != null) {
      t.addString(role);
      where += " AND m.role = $3";
    }
    String sql = "SELECT " + PAGE_COLUMNS + ", m.role AS my_role" + where
      + " ORDER BY m.joined_at DESC, m.id DESC LIMIT " + limit + " OFFSET " + (long) (page - 1) * limit;
    return Future.all(pool.preparedQuery(sql).execute(t), pool.preparedQuery("SELECT count(*)" + where).execute(t))
      .map(all -> {
        RowSet<Row> rows = all.resultAt(0);
        RowSet<Row> count = all.resultAt(1);
        JsonArray data = new JsonArray();
        rows.forEach(r -> data.add(page(r).put("role", r.getString("my_role"))));
        return listBody(data, count.iterator().next().getLong(0), page, limit, null);
      });
  }

  /**
   * Changes a page (owner or admin). {@code replace}: description and image not sent are cleared;
   * otherwise only the fields sent change. Visibility changes only when sent.
   */
  Future<Outcome> updatePage(String org, UUID id, String user, JsonObject body, boolean replace) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (!a.manager()) {
        throw ApiError.forbidden("only the page's owner or an admin may change it");
      }
      Tuple t = Tuple.of(org, id);
      List<String> sets = new ArrayList<>();
      for (String field : new String[] {"name", "type", "category", "description", "image", "visibility"}) {
        boolean clearable = field.equals("description") || field.equals("image");
        if (body.containsKey(field) || (replace && clearable)) {
          String v = body.getString(field);
          if (v == null && !clearable) {
            continue;
          }
          t.addString(v);
          sets.add(field + " = $" + t.size());
        }
      }
      if (sets.isEmpty()) {
        return Future.succeededFuture(new Outcome(a.pageWithRole(), false));
      }
      t.addOffsetDateTime(now());
      sets.add("updated_at = $" + t.size());
      return conn.preparedQuery("UPDATE pages.pages AS p SET " + String.join(", ", sets)
          + " WHERE p.org = $1 AND p.id = $2 RETURNING " + PAGE_COLUMNS)
        .execute(t)
        .map(rows -> new Outcome(page(rows.iterator().next()).put("role", a.role()), true));
    }));
  }

  Future<JsonObject> deletePage(String org, UUID id, String user) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "UPDATE").compose(a -> {
      visible(a);
      if (!"owner".equals(a.role())) {
        throw ApiError.forbidden("only the page's owner may delete it");
      }
      return conn.preparedQuery("DELETE FROM pages.pages WHERE org = $1 AND id = $2").execute(Tuple.of(org, id))
        .map(x -> a.page());
    }));
  }

  // ---------------------------------------------------------------- membership

  /** Joins a page; body is the membership, changed is false when the caller already belonged. */
  Future<Outcome> join(String org, UUID id, String user, String email) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      if (a == null) {
        throw ApiError.notFound("page not found");
      }
      if (a.role() != null) {
        return membership(conn, id, user).map(m -> new Outcome(m, false));
      }
      if (!a.visible()) {
        throw new ApiError(403, "invitation_required", "this page is private: only invited people may join it");
      }
      return conn.preparedQuery("INSERT INTO pages.members AS m (org, page_id, user_id, email, role, source, joined_at) "
          + "VALUES ($1, $2, $3, $4, 'member', 'request', $5) ON CONFLICT (page_id, user_id) DO NOTHING RETURNING "
          + MEMBER_COLUMNS)
        .execute(Tuple.of(org, id, user, normEmail(email), now()))
        .compose(rows -> rows.size() == 0
          ? membership(conn, id, user).map(m -> new Outcome(m, false))
          : count(conn, id, 1).map(x -> new Outcome(member(rows.iterator().next()), true)));
    }));
  }

  /** Leaves a page; changed is false when the caller was not a member. */
  Future<Outcome> leave(String org, UUID id, String user) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (a.role() == null) {
        return Future.succeededFuture(new Outcome(null, false));
      }
      if ("owner".equals(a.role())) {
        throw new ApiError(409, "owner_must_transfer",
          "the owner cannot leave; hand the page over first (POST /client/community/pages/{pageId}/transfer)");
      }
      return deleteMember(conn, id, user).map(m -> new Outcome(m, m != null));
    }));
  }

  /**
   * Invites an email. With {@code inviteeId} (the person has an account) the membership is active at
   * once; otherwise it waits for an account with that email. Outbox mail is queued in the same
   * transaction for a new waiting invitation. Body: the invitation; changed: it is new.
   */
  Future<Outcome> invite(String org, UUID id, String inviter, String email, String inviteeId,
                         java.util.function.BiFunction<SqlConnection, JsonObject, Future<?>> onNewPending) {
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> access(conn, org, id, inviter, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members of the page may invite");
      }
      if (inviteeId != null) {
        return conn.preparedQuery("INSERT INTO pages.members AS m (org, page_id, user_id, email, role, source, invited_by, "
            + "invited_at, joined_at) VALUES ($1, $2, $3, $4, 'member', 'invitation', $5, $6, $6) "
            + "ON CONFLICT (page_id, user_id) DO NOTHING RETURNING " + MEMBER_COLUMNS)
          .execute(Tuple.of(org, id, inviteeId, email, inviter, now))
          .compose(rows -> {
            if (rows.size() == 0) {
              return membership(conn, id, inviteeId).map(m -> new Outcome(invitation(m, email), false));
            }
            return count(conn, id, 1)
              .compose(x -> conn.preparedQuery("DELETE FROM pages.members WHERE page_id = $1 AND email = $2 AND user_id IS NULL")
                .execute(Tuple.of(id, email)))
              .map(x -> new Outcome(invitation(member(rows.iterator().next()), email), true));
          });
      }
      return conn.preparedQuery("INSERT INTO pages.members AS m (org, page_id, email, role, source, invited_by, invited_at) "
          + "VALUES ($1, $2, $3, 'member', 'invitation', $4, $5) "
          + "ON CONFLICT (page_id, email) WHERE user_id IS NULL DO NOTHING RETURNING " + MEMBER_COLUMNS)
        .execute(Tuple.of(org, id, email, inviter, now))
        .compose(rows -> {
          if (rows.size() == 0) {
            return conn.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM pages.members m "
                + "WHERE m.page_id = $1 AND m.email = $2 AND m.user_id IS NULL")
              .execute(Tuple.of(id, email))
              .map(r -> new Outcome(invitation(member(r.iterator().next()), email), false));
          }
          JsonObject inv = invitation(member(rows.iterator().next()), email);
          return onNewPending.apply(conn, a.page()).map(x -> new Outcome(inv, true));
        });
    }));
  }

  /** Hands the page to another member; the former owner becomes an admin. */
  Future<JsonObject> transfer(String org, UUID id, String user, String target) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (!"owner".equals(a.role())) {
        throw ApiError.forbidden("only the owner may hand the page over");
      }
      if (target.equals(user)) {
        throw ApiError.conflict("you already own this page");
      }
      return lockedMember(conn, id, target).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("the new owner must already be a member of the page");
        }
        OffsetDateTime now = now();
        return conn.preparedQuery("UPDATE pages.members SET role = 'admin' WHERE page_id = $1 AND user_id = $2")
          .execute(Tuple.of(id, user))
          .compose(x -> conn.preparedQuery("UPDATE pages.members SET role = 'owner' WHERE page_id = $1 AND user_id = $2")
            .execute(Tuple.of(id, target)))
          .compose(x -> conn.preparedQuery("UPDATE pages.pages AS p SET owner_id = $3, owner_email = $4, updated_at = $5 "
              + "WHERE p.org = $1 AND p.id = $2 RETURNING " + PAGE_COLUMNS)
            .execute(Tuple.of(org, id, target, m.getString("email"), now)))
          .map(rows -> page(rows.iterator().next()).put("role", "admin"));
      });
    }));
  }

  /** Sets a member's role to admin or member (owner only). */
  Future<Outcome> setRole(String org, UUID id, String user, String target, String role) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (!"owner".equals(a.role())) {
        throw ApiError.forbidden("only the owner may change roles");
      }
      return lockedMember(conn, id, target).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("member not found");
        }
        if ("owner".equals(m.getString("role"))) {
          throw ApiError.conflict("the owner's role changes only by handing the page over");
        }
        if (role.equals(m.getString("role"))) {
          return Future.succeededFuture(new Outcome(m, false));
        }
        return conn.preparedQuery("UPDATE pages.members AS m SET role = $3 WHERE m.page_id = $1 AND m.user_id = $2 RETURNING "
            + MEMBER_COLUMNS)
          .execute(Tuple.of(id, target, role))
          .map(rows -> new Outcome(member(rows.iterator().next()), true));
      });
    }));
  }

  /** Removes a member: the owner removes anyone but themselves, an admin removes plain members, anyone removes themselves. */
  Future<JsonObject> removeMember(String org, UUID id, String user, String target) {
    return pool.withTransaction(conn -> access(conn, org, id, user, "NO KEY UPDATE").compose(a -> {
      visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only the page's owner or an admin may remove members");
      }
      return lockedMember(conn, id, target).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("member not found");
        }
        String targetRole = m.getString("role");
        if ("owner".equals(targetRole)) {
          throw new ApiError(409, "owner_must_transfer", "the owner cannot be removed; hand the page over first");
        }
        boolean allowed = target.equals(user) || "owner".equals(a.role())
          || ("admin".equals(a.role()) && "member".equals(targetRole));
        if (!allowed) {
          throw ApiError.forbidden("you may not remove this member");
        }
        return deleteMember(conn, id, target);
      });
    }));
  }

  /** Member ids of a page the viewer may see (for the profiles module's people search). */
  Future<JsonObject> memberIds(String org, UUID id, int limit, String viewer) {
    return access(org, id, viewer).compose(a -> {
      if (a == null || !a.visible()) {
        return Future.succeededFuture(new JsonObject().put("userIds", new JsonArray()).put("exists", false));
      }
      return pool.preparedQuery("SELECT m.user_id FROM pages.members m WHERE m.org = $1 AND m.page_id = $2 "
          + "AND m.user_id IS NOT NULL ORDER BY m.role_rank, m.joined_at, m.id LIMIT " + limit)
        .execute(Tuple.of(org, id))
        .map(rows -> {
          JsonArray ids = new JsonArray();
          rows.forEach(r -> ids.add(r.getString(0)));
          return new JsonObject().put("userIds", ids).put("exists", true);
        });
    });
  }

  Future<JsonObject> listMembers(Access a, String org, String role, int limit, int page, Cursor.Key cursor) {
    UUID id = UUID.fromString(a.page().getString("id"));
    Tuple t = Tuple.of(org, id);
    String where = " FROM pages.members m WHERE m.org = $1 AND m.page_id = $2 AND m.user_id IS NOT NULL";
    if (role != null) {
      // the rank stands for the role and is part of the list's index
      t.addShort(rank(role));
      where += " AND m.role_rank = $3";
    }
    Tuple countArgs = copy(t);
    String keyset = "";
    if (cursor != null) {
      t.addShort((short) cursor.rank()).addOffsetDateTime(cursor.at()).addLong(cursor.longId());
      keyset = " AND (m.role_rank, m.joined_at, m.id) > ($" + (t.size() - 2) + ", $" + (t.size() - 1) + ", $" + t.size() + ")";
    }
    String sql = "SELECT " + MEMBER_COLUMNS + where + keyset + " ORDER BY m.role_rank, m.joined_at, m.id LIMIT "
      + (limit + 1) + offset(cursor, page, limit);
    Future<Long> total = role == null
      ? Future.succeededFuture(a.page().getLong("memberCount"))
      : pool.preparedQuery("SELECT count(*)" + where).execute(countArgs).map(r -> r.iterator().next().getLong(0));
    return Future.all(pool.preparedQuery(sql).execute(t), total).map(all -> {
      RowSet<Row> rows = all.resultAt(0);
      JsonArray data = new JsonArray();
      Row last = null;
      int n = 0;
      for (Row r : rows) {
        if (n++ == limit) {
          break;
        }
        data.add(member(r));
        last = r;
      }
      String next = rows.size() > limit && last != null
        ? Cursor.encode(Cursor.MEMBERS, last.getShort("role_rank"), last.getOffsetDateTime("joined_at"), last.getLong("id"))
        : null;
      return listBody(data, all.<Long>resultAt(1), cursor == null ? page : null, limit, next);
    });
  }

  /**
   * Turns the waiting invitations of an email into memberships of {@code user}. Where the user
   * already belongs to the page, the invitation is simply dropped. Answers the new memberships.
   */
  Future<List<JsonObject>> attachInvitations(String org, String email, String user) {
    // the common case (nothing waits for this email) costs one indexed lookup and no transaction
    return pool.preparedQuery("SELECT 1 FROM pages.members WHERE org = $1 AND email = $2 AND user_id IS NULL LIMIT 1")
      .execute(Tuple.of(org, email))
      .compose(found -> found.size() == 0 ? Future.succeededFuture(List.<JsonObject>of())
        : attachLocked(org, email, user));
  }

  private Future<List<JsonObject>> attachLocked(String org, String email, String user) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT p.id FROM pages.pages p WHERE p.id IN "
          + "(SELECT page_id FROM pages.members WHERE org = $1 AND email = $2 AND user_id IS NULL) "
          + "ORDER BY p.id FOR NO KEY UPDATE")
        .execute(Tuple.of(org, email))
        .compose(locked -> {
          if (locked.size() == 0) {
            return Future.succeededFuture(List.<JsonObject>of());
          }
          return conn.preparedQuery("WITH pending AS (DELETE FROM pages.members WHERE org = $1 AND email = $2 "
                + "AND user_id IS NULL RETURNING page_id, email, role, invited_by, invited_at), "
                + "ins AS (INSERT INTO pages.members AS m (org, page_id, user_id, email, role, source, invited_by, invited_at, joined_at) "
                + "SELECT $1, page_id, $3, email, role, 'invitation', invited_by, invited_at, $4 FROM pending "
                + "ON CONFLICT (page_id, user_id) DO NOTHING RETURNING " + MEMBER_COLUMNS + "), "
                + "cnt AS (UPDATE pages.pages p SET member_count = p.member_count + 1 FROM ins WHERE p.id = ins.page_id) "
                + "SELECT * FROM ins m")
            .execute(Tuple.of(org, email, user, now()))
            .map(rows -> {
              List<JsonObject> list = new ArrayList<>();
              rows.forEach(r -> list.add(member(r)));
              return list;
            });
        }));
  }

  // ---------------------------------------------------------------- posts

  Future<JsonObject> createPost(String org, UUID pageId, String user, String title, String body, boolean announcement) {
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> access(conn, org, pageId, user, "KEY SHARE").compose(a -> {
      visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members may post on this page");
      }
      if (announcement && !a.manager()) {
        throw ApiError.forbidden("only the page's owner or an admin may publish announcements");
      }
      return conn.preparedQuery("INSERT INTO pages.posts AS t (id, org, page_id, author_id, announcement, title, body, "
          + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING " + POST_COLUMNS)
        .execute(Tuple.of(UUID.randomUUID(), org, pageId, user, announcement, title).addString(body).addOffsetDateTime(now))
        .map(rows -> post(rows.iterator().next()));
    }));
  }

  Future<JsonObject> listPosts(String org, UUID pageId, Boolean announcement, int limit, int page, Cursor.Key cursor) {
    Tuple t = Tuple.of(org, pageId);
    String where = " FROM pages.posts t WHERE t.org = $1 AND t.page_id = $2";
    if (announcement != null) {
      t.addBoolean(announcement);
      where += " AND t.announcement = $3";
    }
    Tuple countArgs = copy(t);
    String keyset = "";
    if (cursor != null) {
      t.addBoolean(cursor.rank() == 1).addOffsetDateTime(cursor.at()).addUUID(cursor.uuid());
      keyset = " AND (t.announcement, t.created_at, t.id) < ($" + (t.size() - 2) + ", $" + (t.size() - 1) + ", $" + t.size() + ")";
    }
    String sql = "SELECT " + POST_COLUMNS + where + keyset
      + " ORDER BY t.announcement DESC, t.created_at DESC, t.id DESC LIMIT " + (limit + 1) + offset(cursor, page, limit);
    return Future.all(pool.preparedQuery(sql).execute(t), pool.preparedQuery("SELECT count(*)" + where).execute(countArgs))
      .map(all -> {
        RowSet<Row> rows = all.resultAt(0);
        RowSet<Row> count = all.resultAt(1);
        JsonArray data = new JsonArray();
        Row last = null;
        int n = 0;
        for (Row r : rows) {
          if (n++ == limit) {
            break;
          }
          data.add(post(r));
          last = r;
        }
        String next = rows.size() > limit && last != null
          ? Cursor.encode(Cursor.POSTS, last.getBoolean("announcement") ? 1 : 0, last.getOffsetDateTime("created_at"),
          last.getUUID("id"))
          : null;
        return listBody(data, count.iterator().next().getLong(0), cursor == null ? page : null, limit, next);
      });
  }

  Future<JsonObject> deletePost(String org, UUID pageId, UUID postId, String user) {
    return pool.withTransaction(conn -> access(conn, org, pageId, user, "KEY SHARE").compose(a -> {
      visible(a);
      return conn.preparedQuery("SELECT " + POST_COLUMNS + " FROM pages.posts t WHERE t.org = $1 AND t.page_id = $2 "
          + "AND t.id = $3 FOR UPDATE")
        .execute(Tuple.of(org, pageId, postId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ApiError.notFound("post not found");
          }
          JsonObject post = post(rows.iterator().next());
          if (!user.equals(post.getString("authorId")) && !a.manager()) {
            throw ApiError.forbidden("only the author, the page's owner or an admin may delete this post");
          }
          return conn.preparedQuery("DELETE FROM pages.posts WHERE id = $1").execute(Tuple.of(postId)).map(x -> post);
        });
    }));
  }

  // ---------------------------------------------------------------- helpers

  private Future<JsonObject> membership(SqlClient c, UUID pageId, String user) {
    return c.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM pages.members m WHERE m.page_id = $1 AND m.user_id = $2")
      .execute(Tuple.of(pageId, user))
      .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  private Future<JsonObject> lockedMember(SqlClient c, UUID pageId, String user) {
    return c.preparedQuery("SELECT " + MEMBER_COLUMNS + " FROM pages.members m WHERE m.page_id = $1 AND m.user_id = $2 FOR UPDATE")
      .execute(Tuple.of(pageId, user))
      .map(rows -> rows.size() == 0 ? null : member(rows.iterator().next()));
  }

  private Future<JsonObject> deleteMember(SqlClient c, UUID pageId, String user) {
    return c.preparedQuery("DELETE FROM pages.members AS m WHERE m.page_id = $1 AND m.user_id = $2 RETURNING " + MEMBER_COLUMNS)
      .execute(Tuple.of(pageId, user))
      .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
        : count(c, pageId, -1).map(x -> member(rows.iterator().next())));
  }

  private static Future<Void> count(SqlClient c, UUID pageId, int delta) {
    return c.preparedQuery("UPDATE pages.pages SET member_count = member_count + $2 WHERE id = $1")
      .execute(Tuple.of(pageId, delta)).mapEmpty();
  }

  private static short rank(String role) {
    switch (role) {
      case "owner":
        return 0;
      case "admin":
        return 1;
      case "member":
        return 2;
      default:
        throw ApiError.badRequest("role must be owner, admin or member");
    }
  }

  private static String offset(Cursor.Key cursor, int page, int limit) {
    return cursor != null ? "" : " OFFSET " + (long) (page - 1) * limit;
  }

  private static Tuple copy(Tuple t) {
    Tuple c = Tuple.tuple();
    for (int i = 0; i < t.size(); i++) {
      c.addValue(t.getValue(i));
    }
    return c;
  }

  private static JsonObject listBody(JsonArray data, long total, Integer page, int limit, String next) {
    return new JsonObject().put("data", data).put("total", total).put("page", page).put("limit", limit)
      .put("nextCursor", next);
  }

  /**
   * The {@code q} search as a tsquery: each word of letters and digits, lower-cased, as a prefix,
   * all required. Only such words reach the query, so no input can make it invalid. Null when
   * {@code q} has no word.
   */
  static String tsquery(String q) {
    if (q == null) {
      return null;
    }
    Matcher m = WORD.matcher(q.toLowerCase(Locale.ROOT));
    List<String> terms = new ArrayList<>();
    while (m.find() && terms.size() < MAX_SEARCH_WORDS) {
      String w = m.group();
      terms.add((w.length() > 100 ? w.substring(0, 100) : w) + ":*");
    }
    return terms.isEmpty() ? null : String.join(" & ", terms);
  }

  static JsonObject page(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("org", r.getString("org"))
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("category", r.getString("category"))
      .put("description", r.getString("description"))
      .put("image", r.getString("image"))
      .put("visibility", r.getString("visibility"))
      .put("owner", r.getString("owner_id"))
      .put("ownerEmail", r.getString("owner_email"))
      .put("memberCount", r.getInteger("member_count"))
      .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  /** A membership row; the stored email stays inside (it is never part of a public answer). */
  static JsonObject member(Row r) {
    OffsetDateTime joined = r.getOffsetDateTime("joined_at");
    OffsetDateTime invited = r.getOffsetDateTime("invited_at");
    return new JsonObject()
      .put("pageId", r.getUUID("page_id").toString())
      .put("userId", r.getString("user_id"))
      .put("role", r.getString("role"))
      .put("source", r.getString("source"))
      .put("invitedBy", r.getString("invited_by"))
      .put("joinedAt", joined == null ? null : joined.toInstant().toString())
      .put("invitedAt", invited == null ? null : invited.toInstant().toString())
      .put("email", r.getString("email"));
  }

  /** The public form of a membership. */
  static JsonObject publicMember(JsonObject m) {
    return new JsonObject().put("pageId", m.getString("pageId")).put("userId", m.getString("userId"))
      .put("role", m.getString("role")).put("source", m.getString("source")).put("invitedBy", m.getString("invitedBy"))
      .put("joinedAt", m.getString("joinedAt"));
  }

  private static JsonObject invitation(JsonObject m, String email) {
    return new JsonObject().put("pageId", m.getString("pageId")).put("email", email)
      .put("userId", m.getString("userId")).put("role", m.getString("role")).put("source", m.getString("source"))
      .put("invitedBy", m.getString("invitedBy")).put("invitedAt", m.getString("invitedAt"))
      .put("status", m.getString("userId") == null ? "pending" : "member");
  }

  static JsonObject post(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("pageId", r.getUUID("page_id").toString())
      .put("authorId", r.getString("author_id"))
      .put("announcement", r.getBoolean("announcement"))
      .put("title", r.getString("title"))
      .put("body", r.getString("body"))
      .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
