package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of page invitations ({@code pages.invitations}); rules and transactions live in {@link InvitationOps}. */
final class InviteStore {

  static final String COLUMNS = "i.id, i.org, i.page_id, i.email, i.role, i.invited_by, i.invited_at, i.invitee_id, "
    + "i.status, i.closed_at, i.closed_by";

  /** A new open invitation; null when one is already open for that page and address. */
  Future<JsonObject> insert(SqlClient c, String org, UUID pageId, String email, String role, String inviter,
                            OffsetDateTime now) {
    return c.preparedQuery("INSERT INTO pages.invitations AS i (id, org, page_id, email, role, invited_by, invited_at) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (page_id, email) WHERE status = 'open' DO NOTHING RETURNING "
          + COLUMNS)
      .execute(Tuple.of(UUID.randomUUID(), org, pageId, email, role, inviter).addOffsetDateTime(now))
      .map(rows -> rows.size() == 0 ? null : Views.invitation(rows.iterator().next()));
  }

  /** The open invitation of a page for an address; null when none. */
  Future<JsonObject> open(SqlClient c, UUID pageId, String email) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM pages.invitations i WHERE i.page_id = $1 AND i.email = $2 "
        + "AND i.status = 'open'")
      .execute(Tuple.of(pageId, email))
      .map(rows -> rows.size() == 0 ? null : Views.invitation(rows.iterator().next()));
  }

  /** An invitation of the page (any status), locked FOR UPDATE when {@code lock}; null when none. */
  Future<JsonObject> get(SqlClient c, String org, UUID pageId, UUID id, boolean lock) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM pages.invitations i WHERE i.org = $1 AND i.page_id = $2 "
        + "AND i.id = $3" + (lock ? " FOR UPDATE" : ""))
      .execute(Tuple.of(org, pageId, id))
      .map(rows -> rows.size() == 0 ? null : Views.invitation(rows.iterator().next()));
  }

  /** Open invitations of a page, oldest first; {@code inviter} non-null keeps only theirs. */
  Future<PagesStore.Slice> listOpen(SqlClient c, String org, UUID pageId, String inviter, int fetch, long offset) {
    Tuple t = Tuple.of(org, pageId).addString(inviter);
    String where = " FROM pages.invitations i WHERE i.org = $1 AND i.page_id = $2 AND i.status = 'open' "
      + "AND ($3::text IS NULL OR i.invited_by = $3)";
    Tuple countArgs = PagesStore.copy(t);
    t.addInteger(fetch).addLong(offset);
    return Future.all(
        c.preparedQuery("SELECT " + COLUMNS + where + " ORDER BY i.invited_at, i.id LIMIT $4 OFFSET $5").execute(t),
        c.preparedQuery("SELECT count(*)" + where).execute(countArgs))
      .map(all -> PagesStore.slice(all.resultAt(0), all.resultAt(1), Views::invitation));
  }

  /**
   * Open invitations addressed to an account: to its verified address ({@code email}, folded; null
   * when unknown) or attached to it when it verified the address.
   */
  Future<List<JsonObject>> mine(SqlClient c, String org, String email, String userId, int limit) {
    return c.preparedQuery("SELECT " + COLUMNS + ", p.name AS page_name FROM pages.invitations i "
        + "JOIN pages.pages p ON p.id = i.page_id WHERE i.org = $1 AND i.status = 'open' "
        + "AND (i.email = $2 OR i.invitee_id = $3) ORDER BY i.invited_at DESC, i.id DESC LIMIT $4")
      .execute(Tuple.of(org).addString(email).addString(userId).addInteger(limit))
      .map(rows -> {
        List<JsonObject> list = new ArrayList<>();
        rows.forEach(r -> list.add(Views.invitation(r).put("pageName", r.getString("page_name"))));
        return list;
      });
  }

  /** Closes one invitation with {@code status} (accepted, declined, revoked, retired). */
  Future<JsonObject> close(SqlClient c, UUID id, String status, String by, String invitee, OffsetDateTime now) {
    return c.preparedQuery("UPDATE pages.invitations AS i SET status = $2, closed_by = $3, closed_at = $4, "
        + "invitee_id = coalesce($5, i.invitee_id) WHERE i.id = $1 RETURNING " + COLUMNS)
      .execute(Tuple.of(id, status, by, now).addString(invitee))
      .map(rows -> Views.invitation(rows.iterator().next()));
  }

  /**
   * Retires the page's open invitations addressed to {@code email} (folded; may be null) or attached
   * to {@code userId}; answers the ids retired.
   */
  Future<List<String>> retire(SqlClient c, UUID pageId, String email, String userId, String by, OffsetDateTime now) {
    return c.preparedQuery("UPDATE pages.invitations AS i SET status = 'retired', closed_by = $4, closed_at = $5 "
        + "WHERE i.page_id = $1 AND i.status = 'open' AND (i.email = $2 OR i.invitee_id = $3) RETURNING i.id")
      .execute(Tuple.of(pageId).addString(email).addString(userId).addString(by).addOffsetDateTime(now))
      .map(rows -> {
        List<String> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID(0).toString()));
        return ids;
      });
  }

  /** Records that {@code userId} verified {@code email}: its open invitations are theirs to accept. */
  Future<Integer> attach(SqlClient c, String org, String email, String userId) {
    return c.preparedQuery("UPDATE pages.invitations SET invitee_id = $3 WHERE org = $1 AND email = $2 AND status = 'open'")
      .execute(Tuple.of(org, email, userId))
      .map(rows -> rows.rowCount());
  }
}
