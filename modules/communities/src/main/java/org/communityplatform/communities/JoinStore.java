package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.text.Text;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the ways into a community other than an open join: join requests and invites (schema {@code communities}). */
final class JoinStore {

  private static final String JOIN_REQUEST_COLUMNS =
    "id, org, community_id, user_id, status, responder_id, responded_at, created_at, updated_at";

  private final Pool pool;
  private final Clock clock;

  JoinStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  // ---- join requests ----------------------------------------------------------------------------

  /** Opens a join request, or returns the one already pending. */
  Future<Row> openJoinRequest(SqlClient client, String org, UUID community, String userId) {
    OffsetDateTime now = now();
    return client.preparedQuery("INSERT INTO communities.join_requests (id, org, community_id, user_id, status, created_at, "
        + "updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $5) ON CONFLICT (community_id, user_id) "
        + "WHERE status = 'pending' DO NOTHING RETURNING " + JOIN_REQUEST_COLUMNS + ", true AS created")
      .execute(Tuple.of(UUID.randomUUID(), org, community, userId, now))
      .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows.iterator().next())
        : client.preparedQuery("SELECT " + JOIN_REQUEST_COLUMNS + ", false AS created FROM communities.join_requests "
            + "WHERE community_id = $1 AND user_id = $2 AND status = 'pending'")
          .execute(Tuple.of(community, userId))
          .map(r -> r.size() == 0 ? null : r.iterator().next()));
  }

  /** Decides a pending request: the updated row, or null when it is not pending (or not there). */
  Future<Row> decide(SqlClient client, UUID community, UUID requestId, String status, String responder) {
    OffsetDateTime now = now();
    return client.preparedQuery("UPDATE communities.join_requests SET status = $3, responder_id = $4, responded_at = $5, "
        + "updated_at = $5 WHERE id = $1 AND community_id = $2 AND status = 'pending' RETURNING " + JOIN_REQUEST_COLUMNS)
      .execute(Tuple.of(requestId, community, status, responder, now))
      .map(r -> r.size() == 0 ? null : r.iterator().next());
  }

  /** A join request of a community by id, or null. */
  Future<Row> joinRequest(SqlClient client, UUID community, UUID requestId) {
    return client.preparedQuery("SELECT " + JOIN_REQUEST_COLUMNS + " FROM communities.join_requests "
        + "WHERE id = $1 AND community_id = $2")
      .execute(Tuple.of(requestId, community))
      .map(r -> r.size() == 0 ? null : r.iterator().next());
  }

  /** Join requests of a community in one status after the keyset (created_at, id), oldest first; limit rows at most. */
  Future<RowSet<Row>> joinRequestsAfter(UUID community, String status, OffsetDateTime afterAt, UUID afterId, int limit) {
    return pool.preparedQuery("SELECT " + JOIN_REQUEST_COLUMNS + " FROM communities.join_requests "
        + "WHERE community_id = $1 AND status = $2 AND (created_at, id) > ($3, $4) ORDER BY created_at, id LIMIT $5")
      .execute(Tuple.of(community, status, afterAt, afterId, limit));
  }

  /** The number of join requests of a community in one status. */
  Future<Long> countJoinRequests(UUID community, String status) {
    return pool.preparedQuery("SELECT count(*) FROM communities.join_requests WHERE community_id = $1 AND status = $2")
      .execute(Tuple.of(community, status)).map(c -> c.iterator().next().getLong(0));
  }

  /** Join requests of a community in one status, oldest first. */
  Future<CommunityStore.Page<Row>> joinRequests(UUID community, String status, int page, int limit) {
    return pool.preparedQuery("SELECT " + JOIN_REQUEST_COLUMNS + ", count(*) OVER () AS total FROM communities.join_requests "
        + "WHERE community_id = $1 AND status = $2 ORDER BY created_at, id LIMIT $3 OFFSET $4")
      .execute(Tuple.of(community, status, limit, (long) (page - 1) * limit))
      .compose(rows -> {
        List<Row> data = new ArrayList<>();
        long total = -1;
        for (Row r : rows) {
          data.add(r);
          total = r.getLong("total");
        }
        if (total >= 0 || page == 1) {
          return Future.succeededFuture(new CommunityStore.Page<>(data, Math.max(total, 0)));
        }
        return pool.preparedQuery("SELECT count(*) FROM communities.join_requests WHERE community_id = $1 AND status = $2")
          .execute(Tuple.of(community, status)).map(c -> new CommunityStore.Page<>(data, c.iterator().next().getLong(0)));
      });
  }

  // ---- invites ----------------------------------------------------------------------------------

  Future<Row> insertInvite(SqlClient client, String org, UUID community, String email, String role, String tokenHash,
                           String invitedBy, OffsetDateTime now, OffsetDateTime expiresAt) {
    return client.preparedQuery("INSERT INTO communities.invites (id, org, community_id, email, role, token_hash, invited_by, "
        + "created_at, expires_at, email_folded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        + "RETURNING id, community_id, email, role, invited_by, created_at, expires_at")
      .execute(Tuple.of(UUID.randomUUID(), org, community, email, role, tokenHash, invitedBy, now).addValue(expiresAt)
        .addValue(Text.fold(email)))
      .map(rows -> rows.iterator().next());
  }

  /** Locks an invite by its token's hash, within a community. */
  Future<Row> lockInvite(SqlClient client, String org, UUID community, String tokenHash) {
    return client.preparedQuery("SELECT id, email, email_folded, role, invited_by, created_at, expires_at, accepted_at, "
        + "revoked_at, revoke_reason FROM communities.invites "
        + "WHERE token_hash = $1 AND community_id = $2 AND org = $3 FOR UPDATE")
      .execute(Tuple.of(tokenHash, community, org))
      .map(r -> r.size() == 0 ? null : r.iterator().next());
  }

  Future<Void> markInviteUsed(SqlClient client, UUID inviteId, String userId, OffsetDateTime now) {
    return client.preparedQuery("UPDATE communities.invites SET accepted_at = $2, accepted_by = $3 WHERE id = $1")
      .execute(Tuple.of(inviteId, now, userId)).mapEmpty();
  }
}
