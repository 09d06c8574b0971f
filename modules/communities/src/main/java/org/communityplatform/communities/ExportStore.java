package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of the export of communities' current state (schema {@code communities}): communities in id
 * order, their member ids in user id order, their groups with member ids. Every query is a keyset
 * range on a primary key or index, so a page costs the same deep into a large organisation.
 */
final class ExportStore {

  private final Pool pool;

  ExportStore(Pool pool) {
    this.pool = pool;
  }

  /** Communities of {@code org} after {@code after} (exclusive, null: from the start), id order: id, name, created_by. */
  Future<List<Row>> communities(String org, UUID after, int limit) {
    return rows(pool.preparedQuery("SELECT id, name, created_by FROM communities.communities "
        + "WHERE org = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3")
      .execute(Tuple.of(org, after, limit)));
  }

  /** One community of {@code org} (id, name, created_by); an empty list when there is none. */
  Future<List<Row>> community(String org, UUID id) {
    return rows(pool.preparedQuery("SELECT id, name, created_by FROM communities.communities WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id)));
  }

  /** Member ids of a community after {@code afterUserId} (exclusive), in user id order. */
  Future<List<String>> memberIds(UUID communityId, String afterUserId, int limit) {
    return pool.preparedQuery("SELECT user_id FROM communities.members "
        + "WHERE community_id = $1 AND ($2::text IS NULL OR user_id > $2) ORDER BY user_id LIMIT $3")
      .execute(Tuple.of(communityId, afterUserId, limit))
      .map(rows -> {
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getString(0)));
        return ids;
      });
  }

  /**
   * Groups of some communities, oldest first: id, community_id, name, created_by, member_ids (at most
   * {@code memberLimit} ids in user id order).
   */
  Future<List<Row>> groups(List<UUID> communityIds, int memberLimit) {
    return rows(pool.preparedQuery("SELECT g.id, g.community_id, g.name, g.created_by, "
        + "ARRAY(SELECT gm.user_id FROM communities.group_members gm WHERE gm.group_id = g.id ORDER BY gm.user_id LIMIT $2) "
        + "AS member_ids FROM communities.groups g WHERE g.community_id = ANY($1) ORDER BY g.created_at, g.id")
      .execute(Tuple.of(communityIds.toArray(new UUID[0]), memberLimit)));
  }

  private static Future<List<Row>> rows(Future<io.vertx.sqlclient.RowSet<Row>> f) {
    return f.map(rs -> {
      List<Row> list = new ArrayList<>();
      rs.forEach(list::add);
      return list;
    });
  }
}
