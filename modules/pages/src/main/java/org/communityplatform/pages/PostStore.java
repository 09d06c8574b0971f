package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL of page posts ({@code pages.posts}); rules and transactions live in {@link PostOps}. */
final class PostStore {

  static final String POST_COLUMNS = "t.id, t.page_id, t.author_id, t.announcement, t.title, t.body, "
    + "t.created_at, t.updated_at";

  Future<JsonObject> insert(SqlClient c, String org, UUID pageId, String author, boolean announcement, String title,
                            String body, OffsetDateTime now) {
    return c.preparedQuery("INSERT INTO pages.posts AS t (id, org, page_id, author_id, announcement, title, body, "
        + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING " + POST_COLUMNS)
      .execute(Tuple.of(UUID.randomUUID(), org, pageId, author, announcement, title).addString(body).addOffsetDateTime(now))
      .map(rows -> Views.post(rows.iterator().next()));
  }

  /**
   * Posts of a page: announcements first, then newest first, on the key (announcement, created_at, id),
   * all three fixed when the post is written; {@code after} = that key of the last row seen.
   */
  Future<PagesStore.Slice> list(SqlClient c, String org, UUID pageId, Boolean announcement, Object[] after, int fetch,
                                long offset) {
    Tuple t = Tuple.of(org, pageId);
    String where = " FROM pages.posts t WHERE t.org = $1 AND t.page_id = $2";
    if (announcement != null) {
      t.addBoolean(announcement);
      where += " AND t.announcement = $3";
    }
    Tuple countArgs = PagesStore.copy(t);
    String keyset = "";
    if (after != null) {
      t.addBoolean((Boolean) after[0]).addOffsetDateTime((OffsetDateTime) after[1]).addUUID((UUID) after[2]);
      keyset = " AND (t.announcement, t.created_at, t.id) < ($" + (t.size() - 2) + ", $" + (t.size() - 1) + ", $"
        + t.size() + ")";
    }
    t.addInteger(fetch).addLong(offset);
    String sql = "SELECT " + POST_COLUMNS + where + keyset
      + " ORDER BY t.announcement DESC, t.created_at DESC, t.id DESC LIMIT $" + (t.size() - 1) + " OFFSET $" + t.size();
    return Future.all(c.preparedQuery(sql).execute(t), c.preparedQuery("SELECT count(*)" + where).execute(countArgs))
      .map(all -> PagesStore.slice(all.resultAt(0), all.resultAt(1), Views::post));
  }

  /** A post of the page, locked FOR UPDATE; null when none. */
  Future<JsonObject> lockedPost(SqlClient c, String org, UUID pageId, UUID postId) {
    return c.preparedQuery("SELECT " + POST_COLUMNS + " FROM pages.posts t WHERE t.org = $1 AND t.page_id = $2 "
        + "AND t.id = $3 FOR UPDATE")
      .execute(Tuple.of(org, pageId, postId))
      .map(rows -> rows.size() == 0 ? null : Views.post(rows.iterator().next()));
  }

  /** The page and author of a post of the organisation; null when none. */
  Future<JsonObject> info(SqlClient c, String org, UUID postId) {
    return c.preparedQuery("SELECT " + POST_COLUMNS + " FROM pages.posts t WHERE t.org = $1 AND t.id = $2")
      .execute(Tuple.of(org, postId))
      .map(rows -> rows.size() == 0 ? null : Views.post(rows.iterator().next()));
  }

  Future<Void> delete(SqlClient c, UUID postId) {
    return c.preparedQuery("DELETE FROM pages.posts WHERE id = $1").execute(Tuple.of(postId)).mapEmpty();
  }
}
