package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of bans, mutes, removals and the invite lifecycle (schema {@code communities}). A ban or mute is
 * in force while its {@code expires_at} is null or after the time passed in (the platform clock), so
 * expiry takes effect to the second without a job.
 */
final class ModerationStore {

  static final String INVITE_COLUMNS = "id, community_id, email, role, invited_by, created_at, expires_at";

  private final Pool pool;

  ModerationStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /** "bans" or "mutes": the two tables share one shape. */
  private static String table(boolean ban) {
    return ban ? "communities.bans" : "communities.mutes";
  }

  private static String by(boolean ban) {
    return ban ? "banned_by" : "muted_by";
  }

  /** The ban or mute in force for a user, or null. */
  Future<Row> active(SqlClient client, boolean ban, UUID community, String userId, OffsetDateTime now) {
    // by_role: the placer's role when placed; for older rows, the placer's role now
    return client.preparedQuery("SELECT s.user_id, s.reason, s." + by(ban) + " AS by_user, s.created_at, s.expires_at, "
        + "s.target_role, COALESCE(s.by_role, (SELECT m.role FROM communities.members m WHERE m.community_id = s.community_id "
        + "AND m.user_id = s." + by(ban) + ")) AS by_role FROM "
        + table(ban) + " s WHERE s.community_id = $1 AND s.user_id = $2 AND (s.expires_at IS NULL OR s.expires_at > $3)")
      .execute(Tuple.of(community, userId, now))
      .map(ModerationStore::first);
  }

  /**
   * Records (or replaces) a ban or mute with the ranks it was placed with: {@code targetRole} the
   * target's role before it (null for a non-member), {@code byRole} the placer's role.
   */
  Future<Void> put(SqlClient client, boolean ban, String org, UUID community, String userId, String reason, String actor,
                   OffsetDateTime now, OffsetDateTime expiresAt, String targetRole, String byRole) {
    return client.preparedQuery("INSERT INTO "
          + table(ban) + " (community_id, user_id, org, reason, " + by(ban) + ", created_at, expires_at, target_role, by_role) "
          + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (community_id, user_id) DO UPDATE SET reason = EXCLUDED.reason, "
          + by(ban) + " = EXCLUDED." + by(ban) + ", created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, "
          + "target_role = EXCLUDED.target_role, by_role = EXCLUDED.by_role")
        .execute(Tuple.of(community, userId, org, reason, actor, now).addValue(expiresAt).addString(targetRole).addString(byRole))
        .mapEmpty();
  }

  /** Lifts a ban or mute in force: the lifted row, or null when none was in force. */
  Future<Row> lift(SqlClient client, boolean ban, UUID community, String userId, OffsetDateTime now) {
    return client.preparedQuery("DELETE FROM " + table(ban) + " WHERE community_id = $1 AND user_id = $2 "
        + "AND (expires_at IS NULL OR expires_at > $3) RETURNING user_id, reason, " + by(ban) + " AS by_user, created_at, expires_at")
      .execute(Tuple.of(community, userId, now))
      .map(ModerationStore::first);
  }

  /** Bans or mutes in force, newest first, with the total. */
  Future<CommunityStore.Page<Row>> list(boolean ban, UUID community, OffsetDateTime now, int limit, long offset) {
    String where = " FROM " + table(ban) + " WHERE community_id = $1 AND (expires_at IS NULL OR expires_at > $2)";
    return pool.preparedQuery("SELECT user_id, reason, " + by(ban) + " AS by_user, created_at, expires_at" + where
        + " ORDER BY created_at DESC, user_id LIMIT $3 OFFSET $4")
      .execute(Tuple.of(community, now, limit, offset))
      .compose(rows -> pool.preparedQuery("SELECT count(*)" + where).execute(Tuple.of(community, now))
        .map(c -> new CommunityStore.Page<>(list(rows), c.iterator().next().getLong(0))));
  }

  /**
   * After a removal or a ban: remembers when (older invites no longer admit the user), retires the open
   * invites sent to the addresses the user accepted invites with, and (for a ban) rejects a pending join request.
   */
  Future<Void> afterRemoval(SqlClient client, String org, UUID community, String userId, String actor, String reason,
                            OffsetDateTime now) {
    return client.preparedQuery("INSERT INTO communities.removed_members (community_id, user_id, org, removed_at) "
        + "VALUES ($1, $2, $3, $4) ON CONFLICT (community_id, user_id) DO UPDATE SET removed_at = EXCLUDED.removed_at")
      .execute(Tuple.of(community, userId, org, now))
      .compose(x -> client.preparedQuery("UPDATE communities.invites SET revoked_at = $3, revoked_by = $4, revoke_reason = $5 "
          + "WHERE community_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND email_folded IN "
          + "(SELECT i.email_folded FROM communities.invites i WHERE i.community_id = $1 AND i.accepted_by = $2)")
        .execute(Tuple.of(community, userId, now, actor, reason)))
      .compose(x -> !"banned".equals(reason) ? Future.succeededFuture()
        : client.preparedQuery("UPDATE communities.join_requests SET status = 'rejected', responder_id = $3, "
            + "responded_at = $4, updated_at = $4 WHERE community_id = $1 AND user_id = $2 AND status = 'pending'")
          .execute(Tuple.of(community, userId, actor, now)))
      .mapEmpty();
  }

  /** When the user was last removed or banned from the community, or null. */
  Future<OffsetDateTime> removedAt(SqlClient client, UUID community, String userId) {
    return client.preparedQuery("SELECT removed_at FROM communities.removed_members WHERE community_id = $1 AND user_id = $2")
      .execute(Tuple.of(community, userId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0));
  }

  // ---- invites ----------------------------------------------------------------------------------

  /** Open invites of a community (all of them, or those sent by {@code invitedBy}), newest first, with the total. */
  Future<CommunityStore.Page<Row>> openInvites(UUID community, String invitedBy, OffsetDateTime now, int limit, long offset) {
    String where = " FROM communities.invites WHERE community_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL "
      + "AND expires_at > $2 AND ($3::text IS NULL OR invited_by = $3)";
    return pool.preparedQuery("SELECT " + INVITE_COLUMNS + where + " ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5")
      .execute(Tuple.of(community, now, invitedBy, limit, offset))
      .compose(rows -> pool.preparedQuery("SELECT count(*)" + where).execute(Tuple.of(community, now, invitedBy))
        .map(c -> new CommunityStore.Page<>(list(rows), c.iterator().next().getLong(0))));
  }

  /** Locks an invite by id within a community (with accepted/revoked state), or null. */
  Future<Row> lockInviteById(SqlClient client, UUID community, UUID inviteId) {
    return client.preparedQuery("SELECT " + INVITE_COLUMNS + ", accepted_at, revoked_at FROM communities.invites "
        + "WHERE id = $1 AND community_id = $2 FOR UPDATE")
      .execute(Tuple.of(inviteId, community))
      .map(ModerationStore::first);
  }

  Future<Void> revokeInvite(SqlClient client, UUID inviteId, String by, String reason, OffsetDateTime now) {
    return client.preparedQuery("UPDATE communities.invites SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 "
        + "WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL")
      .execute(Tuple.of(inviteId, now, by, reason)).mapEmpty();
  }

  /** Retires the other open invites of one address to a community (an accept supersedes them); gives their ids. */
  Future<List<UUID>> supersede(SqlClient client, UUID community, String emailFolded, UUID accepted, String userId,
                               OffsetDateTime now) {
    return client.preparedQuery("UPDATE communities.invites SET revoked_at = $4, revoked_by = $5, revoke_reason = 'superseded' "
        + "WHERE community_id = $1 AND email_folded = $2 AND id <> $3 AND accepted_at IS NULL AND revoked_at IS NULL "
        + "RETURNING id")
      .execute(Tuple.of(community, emailFolded, accepted, now, userId))
      .map(rows -> {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID(0)));
        return ids;
      });
  }

  // ---- posts ------------------------------------------------------------------------------------

  /** A post's place and author: id, community_id, group_id, author_id; null when the organisation has no such post. */
  Future<Row> postInfo(SqlClient client, String org, UUID postId) {
    return client.preparedQuery("SELECT id, community_id, group_id, author_id FROM communities.posts WHERE id = $1 AND org = $2")
      .execute(Tuple.of(postId, org))
      .map(ModerationStore::first);
  }

  private static List<Row> list(RowSet<Row> rows) {
    List<Row> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  private static Row first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : rows.iterator().next();
  }
}
