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

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of groups and posts (schema {@code communities}). */
final class ContentStore {

  private static final String GROUP_COLUMNS = "g.id, g.community_id, g.name, g.description, g.is_private, g.created_by, "
    + "g.created_at, g.updated_at, (SELECT count(*) FROM communities.group_members x WHERE x.group_id = g.id) AS member_count";
  private static final String POST_COLUMNS = "p.id, p.community_id, p.group_id, p.author_id, p.title, p.content, "
    + "p.attachments, p.is_pinned, p.created_at, p.updated_at";

  private final Pool pool;
  private final Clock clock;

  ContentStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  // ---- access -------------------------------------------------------------------------------------

  /**
   * The caller's standing in a community and, when {@code groupId} is given, in that group of it:
   * community_private, caller_role, group_id (null: no such group in the community), group_private,
   * caller_group_role. Null when the community does not exist.
   */
  Future<Row> scope(String org, UUID communityId, UUID groupId, String userId) {
    return pool.preparedQuery("SELECT c.is_private AS community_private, m.role AS caller_role, g.id AS group_id, "
        + "g.is_private AS group_private, gm.role AS caller_group_role FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 "
        + "LEFT JOIN communities.groups g ON g.id = $4 AND g.community_id = c.id "
        + "LEFT JOIN communities.group_members gm ON gm.group_id = g.id AND gm.user_id = $3 "
        + "WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(communityId, org, userId, groupId))
      .map(ContentStore::first);
  }

  /** A group with the caller's standing (community_private, caller_role, caller_group_role); null when none. */
  Future<Row> group(SqlClient client, String org, UUID groupId, String userId, boolean lock) {
    return client.preparedQuery("SELECT " + GROUP_COLUMNS + ", c.is_private AS community_private, m.role AS caller_role, "
        + "gm.role AS caller_group_role FROM communities.groups g JOIN communities.communities c ON c.id = g.community_id "
        + "LEFT JOIN communities.members m ON m.community_id = g.community_id AND m.user_id = $3 "
        + "LEFT JOIN communities.group_members gm ON gm.group_id = g.id AND gm.user_id = $3 "
        + "WHERE g.id = $1 AND g.org = $2" + (lock ? " FOR UPDATE OF g" : ""))
      .execute(Tuple.of(groupId, org, userId))
      .map(ContentStore::first);
  }

  /** A post with the caller's standing (community_private, caller_role, group_private, caller_group_role). */
  Future<Row> post(SqlClient client, String org, UUID postId, String userId, boolean lock) {
    return client.preparedQuery("SELECT " + POST_COLUMNS + ", c.is_private AS community_private, m.role AS caller_role, "
        + "g.is_private AS group_private, gm.role AS caller_group_role FROM communities.posts p "
        + "JOIN communities.communities c ON c.id = p.community_id "
        + "LEFT JOIN communities.groups g ON g.id = p.group_id "
        + "LEFT JOIN communities.members m ON m.community_id = p.community_id AND m.user_id = $3 "
        + "LEFT JOIN communities.group_members gm ON gm.group_id = p.group_id AND gm.user_id = $3 "
        + "WHERE p.id = $1 AND p.org = $2" + (lock ? " FOR UPDATE OF p" : ""))
      .execute(Tuple.of(postId, org, userId))
      .map(ContentStore::first);
  }

  // ---- groups -------------------------------------------------------------------------------------

  /** Groups of a community the caller may see, oldest first. */
  Future<CommunityStore.Page<Row>> groups(UUID communityId, String userId, boolean seesPrivate, int page, int limit) {
    return pool.preparedQuery("SELECT " + GROUP_COLUMNS + ", gm.role AS caller_group_role, count(*) OVER () AS total "
        + "FROM communities.groups g LEFT JOIN communities.group_members gm ON gm.group_id = g.id AND gm.user_id = $2 "
        + "WHERE g.community_id = $1 AND (NOT g.is_private OR gm.role IS NOT NULL OR $3) "
        + "ORDER BY g.created_at, g.id LIMIT $4 OFFSET $5")
      .execute(Tuple.of(communityId, userId, seesPrivate, limit, (long) (page - 1) * limit))
      .compose(rows -> page(rows, page, () -> pool.preparedQuery("SELECT count(*) FROM communities.groups g "
          + "LEFT JOIN communities.group_members gm ON gm.group_id = g.id AND gm.user_id = $2 "
          + "WHERE g.community_id = $1 AND (NOT g.is_private OR gm.role IS NOT NULL OR $3)")
        .execute(Tuple.of(communityId, userId, seesPrivate))));
  }

  /** Creates a group and makes its creator the group's admin. */
  Future<Row> createGroup(SqlClient client, String org, UUID communityId, JsonObject body, String creator) {
    OffsetDateTime now = now();
    UUID id = UUID.randomUUID();
    return client.preparedQuery("INSERT INTO communities.groups (id, org, community_id, name, description, is_private, "
        + "created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
      .execute(Tuple.of(id, org, communityId, body.getString("name").strip(), body.getString("description"),
        body.getBoolean("isPrivate", false), creator, now))
      .compose(x -> client.preparedQuery("INSERT INTO communities.group_members (group_id, community_id, user_id, role, "
          + "added_by, joined_at, org) VALUES ($1, $2, $3, 'admin', $3, $4, $5)")
        .execute(Tuple.of(id, communityId, creator, now, org)))
      .compose(x -> group(client, org, id, creator, false));
  }

  Future<Row> updateGroup(SqlClient client, String org, UUID groupId, JsonObject body, String userId) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.of(groupId, org);
    if (body.containsKey("name")) {
      t.addValue(body.getString("name").strip());
      sets.add("name = $" + t.size());
    }
    if (body.containsKey("description")) {
      t.addValue(body.getString("description"));
      sets.add("description = $" + t.size());
    }
    if (body.containsKey("isPrivate")) {
      t.addValue(body.getBoolean("isPrivate"));
      sets.add("is_private = $" + t.size());
    }
    t.addValue(now());
    sets.add("updated_at = $" + t.size());
    return client.preparedQuery("UPDATE communities.groups SET " + String.join(", ", sets) + " WHERE id = $1 AND org = $2")
      .execute(t)
      .compose(x -> group(client, org, groupId, userId, false));
  }

  Future<Boolean> deleteGroup(SqlClient client, String org, UUID groupId) {
    return client.preparedQuery("DELETE FROM communities.groups WHERE id = $1 AND org = $2")
      .execute(Tuple.of(groupId, org)).map(r -> r.rowCount() > 0);
  }

  /**
   * Adds a community member to a group: the row (with {@code created}) or, when the target is not a
   * member of the community, a 400.
   */
  Future<Row> addGroupMember(SqlClient client, String org, UUID groupId, UUID communityId, String userId, String role,
                             String by) {
    return client.preparedQuery("INSERT INTO communities.group_members (group_id, community_id, user_id, role, added_by, "
        + "joined_at, org) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (group_id, user_id) DO NOTHING "
        + "RETURNING user_id, role, joined_at, true AS created")
      .execute(Tuple.of(groupId, communityId, userId, role, by, now(), org))
      .recover(err -> Future.failedFuture(err instanceof PgException && "23503".equals(((PgException) err).getSqlState())
        ? new ApiError(400, "not_a_member", "only members of the community can be added to one of its groups",
            new JsonArray().add(new JsonObject().put("path", "/targetUserId").put("message", "not a community member")))
        : err))
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows.iterator().next())
        : client.preparedQuery("SELECT user_id, role, joined_at, false AS created FROM communities.group_members "
            + "WHERE group_id = $1 AND user_id = $2").execute(Tuple.of(groupId, userId)).map(ContentStore::first));
  }

  // ---- posts --------------------------------------------------------------------------------------

  /** A feed: the community-wide posts (groupId null) or a group's, pinned first, then newest. */
  Future<CommunityStore.Page<Row>> posts(UUID communityId, UUID groupId, int page, int limit) {
    String where = groupId == null ? "p.community_id = $1 AND p.group_id IS NULL" : "p.group_id = $1";
    UUID key = groupId == null ? communityId : groupId;
    return pool.preparedQuery("SELECT " + POST_COLUMNS + ", count(*) OVER () AS total FROM communities.posts p WHERE "
        + where + " ORDER BY p.is_pinned DESC, p.created_at DESC, p.id DESC LIMIT $2 OFFSET $3")
      .execute(Tuple.of(key, limit, (long) (page - 1) * limit))
      .compose(rows -> page(rows, page, () -> pool.preparedQuery("SELECT count(*) FROM communities.posts p WHERE " + where)
        .execute(Tuple.of(key))));
  }

  Future<Row> createPost(SqlClient client, String org, UUID communityId, UUID groupId, String author, JsonObject body) {
    OffsetDateTime now = now();
    JsonArray attachments = body.getJsonArray("attachments", new JsonArray());
    return client.preparedQuery("INSERT INTO communities.posts AS p (id, org, community_id, group_id, author_id, title, content, "
        + "attachments, is_pinned, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $10) "
        + "RETURNING " + POST_COLUMNS)
      .execute(Tuple.of(UUID.randomUUID(), org, communityId, groupId, author, body.getString("title"),
        body.getString("content"), attachments, body.getBoolean("isPinned", false), now))
      .map(ContentStore::first);
  }

  Future<Row> updatePost(SqlClient client, UUID postId, JsonObject body) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.of(postId);
    if (body.containsKey("title")) {
      t.addValue(body.getString("title"));
      sets.add("title = $" + t.size());
    }
    if (body.containsKey("content")) {
      t.addValue(body.getString("content"));
      sets.add("content = $" + t.size());
    }
    if (body.containsKey("attachments")) {
      t.addValue(body.getJsonArray("attachments"));
      sets.add("attachments = $" + t.size() + "::jsonb");
    }
    if (body.containsKey("isPinned")) {
      t.addValue(body.getBoolean("isPinned"));
      sets.add("is_pinned = $" + t.size());
    }
    t.addValue(now());
    sets.add("updated_at = $" + t.size());
    return client.preparedQuery("UPDATE communities.posts AS p SET " + String.join(", ", sets) + " WHERE p.id = $1 RETURNING "
        + POST_COLUMNS)
      .execute(t)
      .map(ContentStore::first);
  }

  /**
   * The head of a feed's cursor walk: the ids of its pinned posts, newest first, at most {@code max}.
   */
  Future<List<UUID>> pinnedHead(UUID communityId, UUID groupId, int max) {
    String where = groupId == null ? "p.community_id = $1 AND p.group_id IS NULL" : "p.group_id = $1";
    return pool.preparedQuery("SELECT p.id FROM communities.posts p WHERE " + where + " AND p.is_pinned "
        + "ORDER BY p.created_at DESC, p.id DESC LIMIT $2")
      .execute(Tuple.of(groupId == null ? communityId : groupId, max))
      .map(rows -> {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID(0)));
        return ids;
      });
  }

  /** Posts of the head still in the feed, from head position {@code fromOrd} (1-based) on; each row has {@code ord}. */
  Future<RowSet<Row>> headPosts(UUID communityId, UUID groupId, UUID[] head, long fromOrd, int limit) {
    String where = groupId == null ? "p.community_id = $1 AND p.group_id IS NULL" : "p.group_id = $1";
    return pool.preparedQuery("SELECT " + POST_COLUMNS + ", u.ord FROM unnest($2::uuid[]) WITH ORDINALITY AS u(id, ord) "
        + "JOIN communities.posts p ON p.id = u.id WHERE " + where + " AND u.ord >= $3 ORDER BY u.ord LIMIT $4")
      .execute(Tuple.of(groupId == null ? communityId : groupId, head, fromOrd, limit));
  }

  /**
   * Posts of a feed after the keyset (created_at, id), newest first, leaving out the head's ids
   * (whatever their pin state is now); {@code afterAt} null starts at the newest post.
   */
  Future<RowSet<Row>> postsAfter(UUID communityId, UUID groupId, UUID[] head, OffsetDateTime afterAt, UUID afterId, int limit) {
    String where = groupId == null ? "p.community_id = $1 AND p.group_id IS NULL" : "p.group_id = $1";
    UUID key = groupId == null ? communityId : groupId;
    if (afterAt == null) {
      return pool.preparedQuery("SELECT " + POST_COLUMNS + " FROM communities.posts p WHERE " + where
          + " AND NOT (p.id = ANY($2::uuid[])) ORDER BY p.created_at DESC, p.id DESC LIMIT $3")
        .execute(Tuple.of(key, head, limit));
    }
    return pool.preparedQuery("SELECT " + POST_COLUMNS + " FROM communities.posts p WHERE " + where
        + " AND NOT (p.id = ANY($2::uuid[])) AND (p.created_at, p.id) < ($3, $4) "
        + "ORDER BY p.created_at DESC, p.id DESC LIMIT $5")
      .execute(Tuple.of(key, head, afterAt, afterId, limit));
  }

  /** The number of posts of a feed. */
  Future<Long> countPosts(UUID communityId, UUID groupId) {
    String where = groupId == null ? "p.community_id = $1 AND p.group_id IS NULL" : "p.group_id = $1";
    return pool.preparedQuery("SELECT count(*) FROM communities.posts p WHERE " + where)
      .execute(Tuple.of(groupId == null ? communityId : groupId)).map(r -> r.iterator().next().getLong(0));
  }

  Future<Boolean> deletePost(SqlClient client, UUID postId) {
    return client.preparedQuery("DELETE FROM communities.posts WHERE id = $1").execute(Tuple.of(postId))
      .map(r -> r.rowCount() > 0);
  }

  private static Future<CommunityStore.Page<Row>> page(RowSet<Row> rows, int page,
                                                       java.util.function.Supplier<Future<RowSet<Row>>> count) {
    List<Row> data = new ArrayList<>();
    long total = -1;
    for (Row r : rows) {
      data.add(r);
      total = r.getLong("total");
    }
    if (total >= 0 || page == 1) {
      return Future.succeededFuture(new CommunityStore.Page<>(data, Math.max(total, 0)));
    }
    return count.get().map(c -> new CommunityStore.Page<>(data, c.iterator().next().getLong(0)));
  }

  private static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }
}
