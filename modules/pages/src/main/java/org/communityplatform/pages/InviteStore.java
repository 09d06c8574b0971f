package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of invitations still waiting for an account (membership rows without a user id). */
final class InviteStore {

  private static final String M = PagesStore.MEMBER_COLUMNS;

  /** A waiting invitation; null when one for that email already waits (then see {@link #pending}). */
  Future<JsonObject> insertPending(SqlClient c, String org, UUID pageId, String email, String inviter, OffsetDateTime now) {
    return c.preparedQuery("INSERT INTO pages.members AS m (org, page_id, email, role, source, invited_by, invited_at) "
          + "VALUES ($1, $2, $3, 'member', 'invitation', $4, $5) "
          + "ON CONFLICT (page_id, email) WHERE user_id IS NULL DO NOTHING RETURNING " + M)
      .execute(Tuple.of(org, pageId, email, inviter, now))
      .map(rows -> rows.size() == 0 ? null : Views.member(rows.iterator().next()));
  }

  Future<JsonObject> pending(SqlClient c, UUID pageId, String email) {
    return c.preparedQuery("SELECT " + M + " FROM pages.members m WHERE m.page_id = $1 AND m.email = $2 AND m.user_id IS NULL")
      .execute(Tuple.of(pageId, email))
      .map(rows -> rows.size() == 0 ? null : Views.member(rows.iterator().next()));
  }

  Future<Void> dropPending(SqlClient c, UUID pageId, String email) {
    return c.preparedQuery("DELETE FROM pages.members WHERE page_id = $1 AND email = $2 AND user_id IS NULL")
      .execute(Tuple.of(pageId, email)).mapEmpty();
  }

  Future<Boolean> anyPending(SqlClient c, String org, String email) {
    return c.preparedQuery("SELECT 1 FROM pages.members WHERE org = $1 AND email = $2 AND user_id IS NULL LIMIT 1")
      .execute(Tuple.of(org, email)).map(rows -> rows.size() > 0);
  }

  /** Turns the waiting invitations of an email into memberships of {@code user}; answers the new memberships. */
  Future<List<JsonObject>> attach(SqlClient c, String org, String email, String user, OffsetDateTime now) {
    return c.preparedQuery("SELECT p.id FROM pages.pages p WHERE p.id IN "
          + "(SELECT page_id FROM pages.members WHERE org = $1 AND email = $2 AND user_id IS NULL) ORDER BY p.id FOR NO KEY UPDATE")
      .execute(Tuple.of(org, email))
      .compose(locked -> locked.size() == 0 ? Future.succeededFuture(List.<JsonObject>of())
        : c.preparedQuery("WITH pending AS (DELETE FROM pages.members WHERE org = $1 AND email = $2 "
              + "AND user_id IS NULL RETURNING page_id, email, role, invited_by, invited_at), "
              + "ins AS (INSERT INTO pages.members AS m (org, page_id, user_id, email, role, source, invited_by, invited_at, joined_at) "
              + "SELECT $1, page_id, $3, email, role, 'invitation', invited_by, invited_at, $4 FROM pending "
              + "ON CONFLICT (page_id, user_id) DO NOTHING RETURNING " + M + "), "
              + "cnt AS (UPDATE pages.pages p SET member_count = p.member_count + 1 FROM ins WHERE p.id = ins.page_id) "
              + "SELECT * FROM ins m")
          .execute(Tuple.of(org, email, user, now))
          .map(rows -> {
            List<JsonObject> list = new ArrayList<>();
            rows.forEach(r -> list.add(Views.member(r)));
            return list;
          }));
  }
}
