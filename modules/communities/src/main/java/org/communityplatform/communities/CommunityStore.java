package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.text.Text;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of communities and their members (schema {@code communities}); join requests and invites are in {@link JoinStore}. */
final class CommunityStore {

  private static final String WAITING = "ARRAY(SELECT jr.user_id FROM communities.join_requests jr "
    + "WHERE jr.community_id = c.id AND jr.status = 'pending' ORDER BY jr.created_at, jr.id LIMIT 500) AS users_waiting";

  private final Pool pool;
  private final Clock clock;

  CommunityStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  Pool pool() {
    return pool;
  }

  OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  /** A page of a list: its rows and the number of rows of the whole list. */
  static final class Page<T> {
    final List<T> data;
    final long total;

    Page(List<T> data, long total) {
      this.data = data;
      this.total = total;
    }
  }

  // ---- communities ------------------------------------------------------------------------------

  /** The community with the caller's role (null for anonymous or non-members); null when there is none. */
  Future<Community> find(String org, UUID id, String userId) {
    return pool.preparedQuery("SELECT " + Community.PLAIN_COLUMNS + ", m.role AS caller_role FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(id, org, userId))
      .map(CommunityStore::firstCommunity);
  }

  /** The community with the users waiting for approval; null when there is none. */
  Future<Community> findAdmin(SqlClient client, String org, UUID id) {
    return client.preparedQuery("SELECT " + Community.COLUMNS + ", " + WAITING
        + " FROM communities.communities c WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(id, org))
      .map(CommunityStore::firstCommunity);
  }

  /** Locks the community row for a change, with its password hash and the caller's role. */
  Future<Community> lock(SqlClient client, String org, UUID id, String userId) {
    return client.preparedQuery("SELECT " + Community.COLUMNS + ", c.password_hash, m.role AS caller_role "
        + "FROM communities.communities c LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 "
        + "WHERE c.id = $1 AND c.org = $2 FOR UPDATE OF c")
      .execute(Tuple.of(id, org, userId))
      .map(CommunityStore::firstCommunity);
  }

  /**
   * Takes the community row's lock in a statement of its own (inside a write's transaction), so the
   * statements after it read what the previous holder committed: bans and every way in (join, join
   * request, invite accept) serialise on this lock, and a ban cannot miss a member nor a join a ban.
   */
  Future<Void> lockRow(SqlClient client, String org, UUID id) {
    return client.preparedQuery("SELECT 1 FROM communities.communities WHERE id = $1 AND org = $2 FOR UPDATE")
      .execute(Tuple.of(id, org)).mapEmpty();
  }

  /** Inserts a new community; a slug made from the name gets a random suffix when it is taken. */
  Future<Community> insert(SqlClient client, Community c) {
    return insert(client, c, 0);
  }

  private Future<Community> insert(SqlClient client, Community c, int attempt) {
    Tuple t = Tuple.of(c.id, c.org, c.name, c.slug, c.description, c.logoUrl, c.coverImageUrl, c.isPrivate,
        c.communityType, c.access, c.status, c.featured)
      .addValue(c.verified).addValue(c.startsAt).addValue(c.expiresAt).addValue(c.passwordHash)
      .addValue(c.details).addValue(c.translations).addValue(c.createdBy).addValue(c.createdAt).addValue(c.updatedAt);
    return client.preparedQuery("INSERT INTO communities.communities AS c (id, org, name, slug, description, logo_url, "
        + "cover_image_url, is_private, community_type, access, status, featured, verified, starts_at, expires_at, "
        + "password_hash, details, translations, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        + "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18::jsonb, $19, $20, $21) "
        + "ON CONFLICT (org, (lower(slug))) DO NOTHING RETURNING " + Community.COLUMNS)
      .execute(t)
      .compose(rows -> {
        if (rows.size() > 0) {
          return Future.succeededFuture(Community.from(rows.iterator().next()));
        }
        if (!c.slugDerived || attempt >= 8) {
          return Future.failedFuture(slugTaken(c.slug));
        }
        String base = Community.slugOf(c.name);
        c.slug = (base.length() > 50 ? base.substring(0, 50).replaceAll("-+$", "") : base) + "-"
          + Secrets.randomLetters(attempt < 3 ? 4 : 8);
        return insert(client, c, attempt + 1);
      });
  }

  /** Writes every field of a changed community back. */
  Future<Community> update(SqlClient client, Community c) {
    Tuple t = Tuple.of(c.id, c.org, c.name, c.slug, c.description, c.logoUrl, c.coverImageUrl, c.isPrivate,
        c.communityType, c.access, c.status, c.featured)
      .addValue(c.verified).addValue(c.startsAt).addValue(c.expiresAt).addValue(c.passwordHash)
      .addValue(c.details).addValue(c.translations).addValue(c.updatedAt);
    return client.preparedQuery("UPDATE communities.communities AS c SET name = $3, slug = $4, description = $5, "
        + "logo_url = $6, cover_image_url = $7, is_private = $8, community_type = $9, access = $10, status = $11, "
        + "featured = $12, verified = $13, starts_at = $14, expires_at = $15, password_hash = $16, details = $17::jsonb, "
        + "translations = $18::jsonb, updated_at = $19 WHERE c.id = $1 AND c.org = $2 RETURNING " + Community.COLUMNS)
      .execute(t)
      .recover(err -> Future.failedFuture(isSlugConflict(err) ? slugTaken(c.slug) : err))
      .map(CommunityStore::firstCommunity);
  }

  private static boolean isSlugConflict(Throwable err) {
    return err instanceof PgException && "23505".equals(((PgException) err).getSqlState())
      && "communities_slug".equals(((PgException) err).getConstraint());
  }

  private static ApiError slugTaken(String slug) {
    return new ApiError(409, "slug_taken", "another community of this organisation already uses the slug '" + slug + "'",
      new JsonArray().add(new JsonObject().put("path", "/slug").put("message", "already used")));
  }

  /** Deletes a community; its members, requests, invites, groups and posts go with it. */
  Future<Boolean> delete(SqlClient client, String org, UUID id) {
    return client.preparedQuery("DELETE FROM communities.communities WHERE id = $1 AND org = $2")
      .execute(Tuple.of(id, org))
      .map(r -> r.rowCount() > 0);
  }

  /** The communities a user belongs to, most recently joined first. */
  Future<Page<Community>> listMine(String org, String userId, int page, int limit) {
    return pool.preparedQuery("SELECT " + Community.PLAIN_COLUMNS + ", m.role AS caller_role, count(*) OVER () AS total "
        + "FROM communities.members m JOIN communities.communities c ON c.id = m.community_id "
        + "WHERE m.org = $1 AND m.user_id = $2 ORDER BY m.joined_at DESC, m.community_id "
        + "LIMIT $3 OFFSET $4")
      .execute(Tuple.of(org, userId, limit, (long) (page - 1) * limit))
      .compose(rows -> page(rows, page, () -> pool.preparedQuery(
          "SELECT count(*) FROM communities.members WHERE org = $1 AND user_id = $2").execute(Tuple.of(org, userId))));
  }

  /** The organisation's communities for the administrative API, newest first, with optional filters. */
  Future<Page<Community>> listAdmin(String org, JsonObject query, int page, int limit) {
    StringBuilder where = new StringBuilder(" WHERE c.org = $1");
    Tuple t = Tuple.of(org);
    for (String[] f : new String[][] {{"access", "c.access"}, {"communityType", "c.community_type"}, {"slug", "lower(c.slug)"}}) {
      Object v = query.getValue(f[0]);
      if (v != null) {
        t.addValue(f[0].equals("slug") ? Text.fold(v.toString()) : v.toString());
        where.append(" AND ").append(f[1]).append(" = $").append(t.size());
      }
    }
    for (String[] f : new String[][] {{"featured", "c.featured"}, {"verified", "c.verified"}, {"isPrivate", "c.is_private"}}) {
      Object v = query.getValue(f[0]);
      if (v instanceof Boolean) {
        t.addValue(v);
        where.append(" AND ").append(f[1]).append(" = $").append(t.size());
      }
    }
    if (query.getValue("status") != null) {
      t.addValue(now());
      String nowParam = "$" + t.size() + "::timestamptz";
      t.addValue(query.getValue("status").toString());
      where.append(" AND ").append(Views.statusSql(nowParam)).append(" = $").append(t.size());
    }
    Tuple paged = Tuple.tuple();
    for (int i = 0; i < t.size(); i++) {
      paged.addValue(t.getValue(i));
    }
    paged.addValue(limit).addValue((long) (page - 1) * limit);
    String sql = "SELECT " + Community.COLUMNS + ", " + WAITING + ", count(*) OVER () AS total "
      + "FROM communities.communities c" + where + " ORDER BY c.created_at DESC, c.id DESC LIMIT $" + (t.size() + 1)
      + " OFFSET $" + (t.size() + 2);
    return pool.preparedQuery(sql).execute(paged)
      .compose(rows -> page(rows, page, () -> pool.preparedQuery("SELECT count(*) FROM communities.communities c" + where)
        .execute(t)));
  }

  private static Future<Page<Community>> page(RowSet<Row> rows, int page,
                                              java.util.function.Supplier<Future<RowSet<Row>>> count) {
    List<Community> data = new ArrayList<>();
    long total = -1;
    for (Row r : rows) {
      data.add(Community.from(r));
      total = r.getLong("total");
    }
    if (total >= 0 || page == 1) {
      return Future.succeededFuture(new Page<>(data, Math.max(total, 0)));
    }
    // a page past the end: count on its own so that the total stays right
    return count.get().map(c -> new Page<>(data, c.iterator().next().getLong(0)));
  }

  private static Community firstCommunity(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Community.from(rows.iterator().next());
  }

  // ---- members --------------------------------------------------------------------------------

  /** Result of a membership change made by one of the SQL functions. */
  static final class Change {
    final String status;
    final String role;
    final OffsetDateTime joinedAt;
    final boolean created;

    Change(String status, String role, OffsetDateTime joinedAt, boolean created) {
      this.status = status;
      this.role = role;
      this.joinedAt = joinedAt;
      this.created = created;
    }
  }

  /** Adds a member unless already one; null when the community does not exist. */
  Future<Change> addMember(SqlClient client, String org, UUID community, String userId, String role) {
    return client.preparedQuery("SELECT out_role, out_joined_at, out_created FROM communities.add_member($1, $2, $3, $4, $5)")
      .execute(Tuple.of(community, org, userId, role, now()))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Change(r.getBoolean(2) ? "added" : "existing", r.getString(0), r.getOffsetDateTime(1), r.getBoolean(2));
      });
  }

  /**
   * A join in one statement ({@code communities.join_member}, V5): takes the community row's lock, refuses
   * when a ban is in force (403 {@code banned}, as {@link JoinOps#notBanned}), else adds the member as
   * {@link #addMember} does. Null when the community does not exist in {@code org}.
   */
  Future<Change> joinMember(SqlClient client, String org, UUID community, String userId, String role) {
    return client.preparedQuery("SELECT out_role, out_joined_at, out_created, out_banned, out_banned_until"
        + " FROM communities.join_member($1, $2, $3, $4, $5)")
      .execute(Tuple.of(community, org, userId, role, now()))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        if (r.getBoolean(3)) {
          throw JoinOps.banned(r.getOffsetDateTime(4));
        }
        return new Change(r.getBoolean(2) ? "added" : "existing", r.getString(0), r.getOffsetDateTime(1), r.getBoolean(2));
      });
  }

  /** Removes a member whose role is still {@code expectedRole}; null when the community does not exist. */
  Future<Change> removeMember(SqlClient client, String org, UUID community, String userId, String expectedRole) {
    return client.preparedQuery("SELECT out_status, out_role FROM communities.remove_member($1, $2, $3, $4)")
      .execute(Tuple.of(community, org, userId, expectedRole))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Change(r.getString(0), r.getString(1), null, false);
      });
  }

  /** Changes the role of a member whose role is still {@code expectedRole}; null when the community does not exist. */
  Future<Change> setRole(SqlClient client, String org, UUID community, String userId, String expectedRole, String role) {
    return client.preparedQuery("SELECT out_status, out_old_role, out_joined_at FROM communities.set_member_role($1, $2, $3, $4, $5)")
      .execute(Tuple.of(community, org, userId, expectedRole, role))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Change(r.getString(0), r.getString(1), r.getOffsetDateTime(2), false);
      });
  }

  /** The role of a user in a community, or null. */
  Future<String> roleOf(SqlClient client, UUID community, String userId) {
    return client.preparedQuery("SELECT role FROM communities.members WHERE community_id = $1 AND user_id = $2")
      .execute(Tuple.of(community, userId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** What the directory needs to know first: visibility, the caller's role and the kept counts. */
  Future<Row> directoryHead(String org, UUID community, String userId) {
    return pool.preparedQuery("SELECT c.is_private, c.member_count, c.count_owner, c.count_admin, c.count_moderator, "
        + "c.count_member, m.role AS caller_role FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(community, org, userId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /**
   * Members at directory positions {@code (after, after + limit]}: by overall position, or by position
   * within a role. One index range scan, whatever the depth.
   */
  Future<RowSet<Row>> directoryPage(UUID community, String role, long after, int limit) {
    if (role == null) {
      return pool.preparedQuery("SELECT user_id, role, status, joined_at, pos FROM communities.members "
          + "WHERE community_id = $1 AND pos > $2 AND pos <= $3 ORDER BY pos LIMIT $4")
        .execute(Tuple.of(community, after, after + limit, limit));
    }
    return pool.preparedQuery("SELECT user_id, role, status, joined_at, role_pos AS pos FROM communities.members "
        + "WHERE community_id = $1 AND role = $2 AND role_pos > $3 AND role_pos <= $4 ORDER BY role_pos LIMIT $5")
      .execute(Tuple.of(community, role, after, after + limit, limit));
  }

  /**
   * Up to {@code limit} members after join number {@code afterSeq}, in join order (all members, or one
   * role): the keyset walk of the directory. One index range, whatever the depth of the cursor.
   */
  Future<RowSet<Row>> directoryAfter(UUID community, String role, long afterSeq, int limit) {
    if (role == null) {
      return pool.preparedQuery("SELECT user_id, role, status, joined_at, seq FROM communities.members "
          + "WHERE community_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
        .execute(Tuple.of(community, afterSeq, limit));
    }
    return pool.preparedQuery("SELECT user_id, role, status, joined_at, seq FROM communities.members "
        + "WHERE community_id = $1 AND role = $2 AND seq > $3 ORDER BY seq LIMIT $4")
      .execute(Tuple.of(community, role, afterSeq, limit));
  }

  /**
   * A user's place in a community for the {@code communities.membership} address: null when the community
   * does not exist in the organisation, else its privacy and the user's role (null for a non-member);
   * with {@code group} (may be null) also that group's id (null when it is not in this community),
   * privacy and the user's role in it.
   */
  Future<Row> membership(String org, UUID community, String userId, UUID group) {
    return pool.preparedQuery("SELECT c.is_private, m.role, g.id, g.is_private, gm.role FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 "
        + "LEFT JOIN communities.groups g ON g.id = $4 AND g.community_id = c.id "
        + "LEFT JOIN communities.group_members gm ON gm.group_id = g.id AND gm.user_id = $3 "
        + "WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(community, org, userId, group))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }
}
