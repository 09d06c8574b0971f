package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** SQL of the sync (schema {@code chatsync}) and its reading of the event log ({@code platform.events}). */
final class SyncStore {

  /** Serialises planning (event ingestion and backfills) across nodes: one transaction-level lock. */
  private static final String PLAN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('chatsync.plan'))";
  private static final String STEP_COLUMNS = "id, org, queue, channel_type, kind, payload, status, attempts, "
    + "next_attempt_at, last_error, last_status, event_id, created_at, updated_at, done_at";

  private final Pool pool;

  SyncStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  // ---- the event log and the cursor ---------------------------------------------------------------

  Future<Void> lockPlanning(SqlClient tx) {
    return tx.query(PLAN_LOCK).execute().mapEmpty();
  }

  /** The cursor {@code [tx as text, event id]} (locked for the transaction), or null before the first run. */
  Future<String[]> cursor(SqlClient tx) {
    return tx.query("SELECT tx::text, event_id FROM chatsync.cursor WHERE id = 1 FOR UPDATE").execute()
      .map(rows -> rows.size() == 0 ? null
        : new String[] {rows.iterator().next().getString(0), String.valueOf(rows.iterator().next().getLong(1))});
  }

  /**
   * Places the cursor at the end of what has committed (the last event below the snapshot's xmin), so a
   * sync switched on starts with what happens from now on; earlier state comes through a backfill.
   */
  Future<Void> startCursor(SqlClient tx, OffsetDateTime now) {
    return tx.preparedQuery("INSERT INTO chatsync.cursor (id, tx, event_id, updated_at) "
        + "SELECT 1, COALESCE(l.tx, '0'::xid8), COALESCE(l.id, 0), $1 FROM (SELECT 1) one LEFT JOIN LATERAL "
        + "(SELECT x.tx, x.id FROM platform.events x WHERE x.tx < pg_snapshot_xmin(pg_current_snapshot()) "
        + "ORDER BY x.tx DESC, x.id DESC LIMIT 1) l ON true ON CONFLICT (id) DO NOTHING")
      .execute(Tuple.of(now)).mapEmpty();
  }

  Future<Void> saveCursor(SqlClient tx, String txId, long eventId, OffsetDateTime now) {
    return tx.preparedQuery("UPDATE chatsync.cursor SET tx = $1::text::xid8, event_id = $2, updated_at = $3 WHERE id = 1")
      .execute(Tuple.of(txId, eventId, now)).mapEmpty();
  }

  /**
   * Events of the given types after the cursor in (tx, id) order, only from transactions that ended
   * before the current snapshot's xmin, so an event that commits later always lands after the cursor.
   */
  Future<RowSet<Row>> eventsAfter(SqlClient tx, String txId, long eventId, String[] types, int limit) {
    return tx.preparedQuery("SELECT id, tx::text AS tx, org, type, actor, subject, data FROM platform.events "
        + "WHERE (tx, id) > ($1::text::xid8, $2) AND tx < pg_snapshot_xmin(pg_current_snapshot()) AND type = ANY($3) "
        + "ORDER BY tx, id LIMIT $4")
      .execute(Tuple.of(txId, eventId, types, limit));
  }

  // ---- the planned state: channels and members ----------------------------------------------------

  /** A planned channel (channel_id, org, kind, community_id, group_id, name, deleted), or null. */
  Future<Row> channel(SqlClient tx, String channelId) {
    return tx.preparedQuery("SELECT channel_id, org, kind, community_id, group_id, name, deleted "
        + "FROM chatsync.channels WHERE channel_id = $1").execute(Tuple.of(channelId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  Future<Void> insertChannel(SqlClient tx, String channelId, String org, String kind, String communityId, String groupId,
                             String name, boolean deleted, OffsetDateTime now) {
    return tx.preparedQuery("INSERT INTO chatsync.channels (channel_id, org, kind, community_id, group_id, name, deleted, "
        + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (channel_id) DO NOTHING")
      .execute(Tuple.of(channelId, org, kind, communityId, groupId, name).addBoolean(deleted).addOffsetDateTime(now))
      .mapEmpty();
  }

  Future<Void> renameChannel(SqlClient tx, String channelId, String name) {
    return tx.preparedQuery("UPDATE chatsync.channels SET name = $2 WHERE channel_id = $1")
      .execute(Tuple.of(channelId, name)).mapEmpty();
  }

  /** Marks a channel deleted and forgets its members. */
  Future<Void> markDeleted(SqlClient tx, String channelId) {
    return tx.preparedQuery("UPDATE chatsync.channels SET deleted = true WHERE channel_id = $1")
      .execute(Tuple.of(channelId))
      .compose(x -> tx.preparedQuery("DELETE FROM chatsync.channel_members WHERE channel_id = $1").execute(Tuple.of(channelId)))
      .mapEmpty();
  }

  /** Live group channels of a community. */
  Future<List<String>> groupChannels(SqlClient tx, String communityId) {
    return strings(tx.preparedQuery("SELECT channel_id FROM chatsync.channels "
        + "WHERE community_id = $1 AND kind = 'group' AND NOT deleted ORDER BY channel_id").execute(Tuple.of(communityId)));
  }

  /** Live group channels of a community that have this member. */
  Future<List<String>> groupChannelsOf(SqlClient tx, String communityId, String userId) {
    return strings(tx.preparedQuery("SELECT c.channel_id FROM chatsync.channels c JOIN chatsync.channel_members m "
        + "ON m.channel_id = c.channel_id AND m.user_id = $2 WHERE c.community_id = $1 AND c.kind = 'group' AND NOT c.deleted "
        + "ORDER BY c.channel_id").execute(Tuple.of(communityId, userId)));
  }

  /** Records members of a channel; gives those that were not recorded yet. */
  Future<List<String>> addMembers(SqlClient tx, String channelId, List<String> userIds) {
    return strings(tx.preparedQuery("INSERT INTO chatsync.channel_members (channel_id, user_id) "
        + "SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING RETURNING user_id")
      .execute(Tuple.of(channelId).addArrayOfString(userIds.toArray(new String[0]))));
  }

  /** Forgets members of a channel; gives those that were recorded. */
  Future<List<String>> removeMembers(SqlClient tx, String channelId, List<String> userIds) {
    return strings(tx.preparedQuery("DELETE FROM chatsync.channel_members WHERE channel_id = $1 AND user_id = ANY($2) "
        + "RETURNING user_id").execute(Tuple.of(channelId).addArrayOfString(userIds.toArray(new String[0]))));
  }

  /** Whether the user is a member of any planned channel. */
  Future<Boolean> knownUser(SqlClient tx, String userId) {
    return tx.preparedQuery("SELECT 1 FROM chatsync.channel_members WHERE user_id = $1 LIMIT 1").execute(Tuple.of(userId))
      .map(rows -> rows.size() > 0);
  }

  // ---- steps --------------------------------------------------------------------------------------

  Future<Void> insertStep(SqlClient tx, String org, String queue, String channelType, String kind, JsonObject payload,
                          Long eventId, OffsetDateTime now) {
    return tx.preparedQuery("INSERT INTO chatsync.steps (org, queue, channel_type, kind, payload, event_id, "
        + "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)")
      .execute(Tuple.of(org, queue, channelType, kind, payload, eventId).addOffsetDateTime(now)).mapEmpty();
  }

  /**
   * The steps to run now: the oldest unfinished step of each queue when it is pending and due, leaving
   * out the queues in {@code busy}; soonest due first.
   */
  Future<List<Row>> dueHeads(OffsetDateTime now, List<String> busy, int limit) {
    return rows(pool.preparedQuery("SELECT " + prefixed("s") + " FROM (SELECT DISTINCT ON (queue) id, status, "
        + "next_attempt_at FROM chatsync.steps WHERE status <> 'done' ORDER BY queue, id) h "
        + "JOIN chatsync.steps s ON s.id = h.id WHERE h.status = 'pending' AND h.next_attempt_at <= $1 "
        + "AND NOT (s.queue = ANY($2)) ORDER BY h.next_attempt_at, h.id LIMIT $3")
      .execute(Tuple.of(now, busy.toArray(new String[0]), limit)));
  }

  /** The first unfinished steps of a queue, in order (the head first). */
  Future<List<Row>> queueFront(String queue, int limit) {
    return rows(pool.preparedQuery("SELECT " + STEP_COLUMNS + " FROM chatsync.steps WHERE queue = $1 AND status <> 'done' "
        + "ORDER BY id LIMIT $2").execute(Tuple.of(queue, limit)));
  }

  /** Marks several steps done at once (steps merged into one call). */
  Future<Void> markAllDone(List<Long> ids, OffsetDateTime now) {
    return pool.preparedQuery("UPDATE chatsync.steps SET status = 'done', attempts = attempts + 1, done_at = $2, "
        + "updated_at = $2 WHERE id = ANY($1)").execute(Tuple.of(ids.toArray(new Long[0]), now)).mapEmpty();
  }

  /** The earliest time an open queue's head is due, or null when nothing waits. */
  Future<OffsetDateTime> nextDue() {
    return pool.query("SELECT min(h.next_attempt_at) FROM (SELECT DISTINCT ON (queue) status, next_attempt_at "
        + "FROM chatsync.steps WHERE status <> 'done' ORDER BY queue, id) h WHERE h.status = 'pending'").execute()
      .map(rows -> rows.iterator().next().getOffsetDateTime(0));
  }

  Future<Void> markDone(long id, OffsetDateTime now, String note) {
    return pool.preparedQuery("UPDATE chatsync.steps SET status = 'done', attempts = attempts + 1, done_at = $2, "
        + "updated_at = $2, last_error = $3 WHERE id = $1").execute(Tuple.of(id, now, note)).mapEmpty();
  }

  /** Records a failed attempt: {@code status} 'pending' (retry at {@code next}) or 'failed' (given up). */
  Future<Void> markFailed(long id, String status, int httpStatus, String error, OffsetDateTime next, OffsetDateTime now) {
    return pool.preparedQuery("UPDATE chatsync.steps SET status = $2, attempts = attempts + 1, last_status = $3, "
        + "last_error = $4, next_attempt_at = $5, updated_at = $6 WHERE id = $1")
      .execute(Tuple.of(id, status, httpStatus == 0 ? null : httpStatus, error, next, now)).mapEmpty();
  }

  /** Unfinished steps of an organisation, oldest first, after {@code afterId}; status null means both. */
  Future<List<Row>> openSteps(String org, String status, long afterId, int limit) {
    return rows(pool.preparedQuery("SELECT " + STEP_COLUMNS + " FROM chatsync.steps WHERE org = $1 AND status <> 'done' "
        + "AND ($2::text IS NULL OR status = $2) AND id > $3 ORDER BY id LIMIT $4")
      .execute(Tuple.of(org, status, afterId, limit)));
  }

  /** Counts of an organisation's steps by status (done: the kept ones). */
  Future<JsonObject> counts(String org) {
    return pool.preparedQuery("SELECT status, count(*) FROM chatsync.steps WHERE org = $1 GROUP BY status")
      .execute(Tuple.of(org)).map(rows -> {
        JsonObject c = new JsonObject().put("pending", 0L).put("failed", 0L).put("done", 0L);
        rows.forEach(r -> c.put(r.getString(0), r.getLong(1)));
        return c;
      });
  }

  /** Makes an unfinished step of {@code org} due now; null when there is no such step (done or unknown). */
  Future<Row> retry(String org, long id, OffsetDateTime now) {
    return pool.preparedQuery("UPDATE chatsync.steps SET status = 'pending', next_attempt_at = $3, updated_at = $3 "
        + "WHERE org = $1 AND id = $2 AND status <> 'done' RETURNING " + STEP_COLUMNS)
      .execute(Tuple.of(org, id, now)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Whether {@code org} has a step with this id (any status). */
  Future<Boolean> stepExists(String org, long id) {
    return pool.preparedQuery("SELECT 1 FROM chatsync.steps WHERE org = $1 AND id = $2").execute(Tuple.of(org, id))
      .map(rows -> rows.size() > 0);
  }

  /** Removes done steps finished before {@code before}, in batches. */
  Future<Integer> purgeDone(OffsetDateTime before) {
    return pool.preparedQuery("DELETE FROM chatsync.steps WHERE id IN (SELECT id FROM chatsync.steps "
        + "WHERE status = 'done' AND done_at < $1 LIMIT 1000)").execute(Tuple.of(before)).map(RowSet::rowCount);
  }

  // ---- backfills ----------------------------------------------------------------------------------

  /** Starts a backfill of {@code org} unless one has been running since after {@code staleBefore}; false then. */
  Future<Boolean> startBackfill(String org, OffsetDateTime now, OffsetDateTime staleBefore) {
    return pool.preparedQuery("INSERT INTO chatsync.backfills (org, status, started_at) VALUES ($1, 'running', $2) "
        + "ON CONFLICT (org) DO UPDATE SET status = 'running', communities = 0, groups = 0, error = NULL, "
        + "started_at = $2, finished_at = NULL WHERE chatsync.backfills.status <> 'running' "
        + "OR chatsync.backfills.started_at < $3 RETURNING org")
      .execute(Tuple.of(org, now, staleBefore)).map(rows -> rows.size() > 0);
  }

  Future<Void> backfillProgress(String org, int communities, int groups) {
    return pool.preparedQuery("UPDATE chatsync.backfills SET communities = $2, groups = $3 WHERE org = $1")
      .execute(Tuple.of(org, communities, groups)).mapEmpty();
  }

  Future<Void> finishBackfill(String org, String status, String error, OffsetDateTime now) {
    return pool.preparedQuery("UPDATE chatsync.backfills SET status = $2, error = $3, finished_at = $4 WHERE org = $1")
      .execute(Tuple.of(org, status, error, now)).mapEmpty();
  }

  /** The organisation's last backfill, or null. */
  Future<Row> backfill(String org) {
    return pool.preparedQuery("SELECT status, communities, groups, error, started_at, finished_at "
        + "FROM chatsync.backfills WHERE org = $1").execute(Tuple.of(org))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static String prefixed(String alias) {
    StringBuilder b = new StringBuilder();
    for (String c : STEP_COLUMNS.split(", ")) {
      b.append(b.length() == 0 ? "" : ", ").append(alias).append('.').append(c);
    }
    return b.toString();
  }

  private static Future<List<Row>> rows(Future<RowSet<Row>> f) {
    return f.map(rs -> {
      List<Row> list = new ArrayList<>();
      rs.forEach(list::add);
      return list;
    });
  }

  private static Future<List<String>> strings(Future<RowSet<Row>> f) {
    return f.map(rs -> {
      List<String> list = new ArrayList<>();
      rs.forEach(r -> list.add(r.getString(0)));
      return list;
    });
  }
}
