package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * SQL of page bans and mutes ({@code pages.sanctions}). A row is in force while {@code expires_at}
 * is null or later than the {@code now} the caller passes (the platform clock): expiry needs no job.
 */
final class SanctionStore {

  static final String COLUMNS = "s.page_id, s.user_id, s.kind, s.reason, s.expires_at, s.created_by, s.created_at";
  private static final String IN_FORCE = "(s.expires_at IS NULL OR s.expires_at > $%d)";

  /**
   * Records (or replaces) a ban or mute with the ranks it was placed with ({@code targetRole}: the
   * target's page role before it, null for a non-member; {@code byRole}: the placer's); answers it and
   * whether one was already in force.
   */
  Future<JsonObject> put(SqlClient c, String org, UUID pageId, String user, String kind, String reason,
                         OffsetDateTime expiresAt, String by, OffsetDateTime now, String targetRole, String byRole) {
    return c.preparedQuery("WITH old AS (SELECT 1 FROM pages.sanctions s WHERE s.page_id = $1 AND s.kind = $3 "
          + "AND s.user_id = $2 AND " + String.format(IN_FORCE, 8) + ") "
          + "INSERT INTO pages.sanctions AS s (org, page_id, user_id, kind, reason, expires_at, created_by, created_at, "
          + "target_role, by_role) VALUES ($4, $1, $2, $3, $5, $6, $7, $8, $9, $10) ON CONFLICT (page_id, kind, user_id) "
          + "DO UPDATE SET reason = EXCLUDED.reason, expires_at = EXCLUDED.expires_at, created_by = EXCLUDED.created_by, "
          + "created_at = EXCLUDED.created_at, target_role = EXCLUDED.target_role, by_role = EXCLUDED.by_role "
          + "RETURNING " + COLUMNS + ", EXISTS (SELECT 1 FROM old) AS was_in_force")
      .execute(Tuple.of(pageId, user, kind, org, reason).addOffsetDateTime(expiresAt).addString(by).addOffsetDateTime(now)
        .addString(targetRole).addString(byRole))
      .map(rows -> {
        var r = rows.iterator().next();
        return Views.sanction(r).put("replaced", r.getBoolean("was_in_force"));
      });
  }

  /** The ban or mute of a user in force at {@code now}; null when none. */
  Future<JsonObject> inForce(SqlClient c, UUID pageId, String user, String kind, OffsetDateTime now) {
    return c.preparedQuery("SELECT " + COLUMNS + " FROM pages.sanctions s WHERE s.page_id = $1 AND s.kind = $3 "
        + "AND s.user_id = $2 AND " + String.format(IN_FORCE, 4))
      .execute(Tuple.of(pageId, user, kind).addOffsetDateTime(now))
      .map(rows -> rows.size() == 0 ? null : Views.sanction(rows.iterator().next()));
  }

  /**
   * The ranks of the ban or mute in force at {@code now}: {@code {targetRole, byRole}} (byRole: the
   * placer's role when placed, or for older rows the placer's role now); null when none is in force.
   */
  Future<JsonObject> ranks(SqlClient c, UUID pageId, String user, String kind, OffsetDateTime now) {
    return c.preparedQuery("SELECT s.target_role, COALESCE(s.by_role, (SELECT m.role FROM pages.members m "
        + "WHERE m.page_id = s.page_id AND m.user_id = s.created_by)) AS by_role FROM pages.sanctions s "
        + "WHERE s.page_id = $1 AND s.kind = $3 AND s.user_id = $2 AND " + String.format(IN_FORCE, 4))
      .execute(Tuple.of(pageId, user, kind).addOffsetDateTime(now))
      .map(rows -> rows.size() == 0 ? null : new JsonObject().put("targetRole", rows.iterator().next().getString(0))
        .put("byRole", rows.iterator().next().getString(1)));
  }

  /** Bans or mutes in force, latest first. */
  Future<PagesStore.Slice> list(SqlClient c, UUID pageId, String kind, OffsetDateTime now, int fetch, long offset) {
    String where = " FROM pages.sanctions s WHERE s.page_id = $1 AND s.kind = $2 AND " + String.format(IN_FORCE, 3);
    return Future.all(
        c.preparedQuery("SELECT " + COLUMNS + where + " ORDER BY s.created_at DESC, s.user_id LIMIT $4 OFFSET $5")
          .execute(Tuple.of(pageId, kind).addOffsetDateTime(now).addInteger(fetch).addLong(offset)),
        c.preparedQuery("SELECT count(*)" + where).execute(Tuple.of(pageId, kind).addOffsetDateTime(now)))
      .map(all -> PagesStore.slice(all.resultAt(0), all.resultAt(1), Views::sanction));
  }

  /** Lifts a ban or mute; answers the row lifted when it was in force, else null. */
  Future<JsonObject> lift(SqlClient c, UUID pageId, String user, String kind, OffsetDateTime now) {
    return c.preparedQuery("DELETE FROM pages.sanctions s WHERE s.page_id = $1 AND s.kind = $3 AND s.user_id = $2 "
        + "RETURNING " + COLUMNS + ", " + String.format(IN_FORCE, 4) + " AS in_force")
      .execute(Tuple.of(pageId, user, kind).addOffsetDateTime(now))
      .map(rows -> rows.size() == 0 || !rows.iterator().next().getBoolean("in_force") ? null
        : Views.sanction(rows.iterator().next()));
  }
}
