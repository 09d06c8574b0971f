package org.communityplatform.moderation;

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

/** The SQL of reports and queues; no rules, no JSON. Every statement names the organisation. */
final class ReportStore {

  private static final String INSERT = "INSERT INTO moderation.reports (id, org, reporter_id, target_type, target_id,"
    + " target_user_id, place_type, place_id, reason, details, status, created_at)"
    + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11)";
  private static final String FIND_OPEN = "SELECT id FROM moderation.reports WHERE org = $1 AND reporter_id = $2"
    + " AND place_type = $3 AND place_id = $4 AND target_type = $5 AND target_id = $6 AND status = 'open'";
  private static final String FIND = "SELECT * FROM moderation.reports WHERE org = $1 AND id = $2";
  /** Closes the reports this resolver claimed and any report of the target opened since. */
  private static final String CLOSE = "UPDATE moderation.reports SET status = 'resolved', resolution = $6,"
    + " resolution_reason = $7, resolved_by = $8, resolved_at = $9, claimed_at = NULL"
    + " WHERE org = $1 AND place_type = $2 AND place_id = $3 AND target_type = $4 AND target_id = $5"
    + " AND (status = 'open' OR (status = 'resolving' AND id = ANY($10::uuid[])))"
    + " RETURNING id";
  /**
   * Claims every open report of the target the report {@code $2} is about, in one statement: the row
   * locks make a second resolver at the same moment wait and then find nothing open (its WHERE is
   * rechecked on the committed rows). A claim older than {@code $4} (its resolver died) is open again.
   */
  private static final String CLAIM = "UPDATE moderation.reports r SET status = 'resolving', claimed_at = $3"
    + " FROM moderation.reports x WHERE x.org = $1 AND x.id = $2 AND r.org = x.org AND r.place_type = x.place_type"
    + " AND r.place_id = x.place_id AND r.target_type = x.target_type AND r.target_id = x.target_id"
    + " AND (r.status = 'open' OR (r.status = 'resolving' AND r.claimed_at < $4))"
    + " RETURNING r.id";
  private static final String RELEASE = "UPDATE moderation.reports SET status = 'open', claimed_at = NULL"
    + " WHERE org = $1 AND id = ANY($2::uuid[]) AND status = 'resolving'";

  /** The open targets of a place, oldest first report first; keyset (first_at, target_type, target_id). */
  private static final String QUEUE = "SELECT target_type, target_id, max(target_user_id) AS target_user_id,"
    + " count(*) AS open_reports, min(created_at) AS first_at, max(created_at) AS last_at,"
    + " to_jsonb(array_agg(reason)) AS reasons,"
    + " to_jsonb((array_agg(jsonb_build_object('id', id, 'reporterId', reporter_id, 'reason', reason, 'details', details,"
    + " 'createdAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))"
    + " ORDER BY created_at DESC, id DESC))[1:20]) AS reports"
    + " FROM moderation.reports WHERE org = $1 AND place_type = $2 AND place_id = $3 AND status = 'open'"
    + " GROUP BY target_type, target_id"
    + " HAVING $4::timestamptz IS NULL OR (min(created_at), target_type, target_id) > ($4::timestamptz, $5::text, $6::text)"
    + " ORDER BY first_at, target_type, target_id LIMIT $7 OFFSET $8";
  private static final String QUEUE_TOTAL = "SELECT count(DISTINCT (target_type, target_id)) FROM moderation.reports"
    + " WHERE org = $1 AND place_type = $2 AND place_id = $3 AND status = 'open'";

  private final Pool pool;

  ReportStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  Future<Void> insert(SqlClient conn, Report r) {
    Target t = r.target;
    return conn.preparedQuery(INSERT).execute(Tuple.tuple().addValue(r.id).addValue(r.org).addValue(r.reporterId)
        .addValue(t.type()).addValue(t.id()).addValue(t.userId()).addValue(t.placeType()).addValue(t.placeId())
        .addValue(r.reason).addValue(r.details).addValue(r.createdAt))
      .mapEmpty();
  }

  /** The id of the reporter's open report on the target, or null. */
  Future<UUID> findOpen(SqlClient conn, String org, String reporterId, Target t) {
    return conn.preparedQuery(FIND_OPEN)
      .execute(Tuple.of(org, reporterId, t.placeType(), t.placeId(), t.type(), t.id()))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  /** A report of the organisation, or null. */
  Future<Report> find(SqlClient conn, String org, UUID id, boolean forUpdate) {
    return conn.preparedQuery(forUpdate ? FIND + " FOR UPDATE" : FIND).execute(Tuple.of(org, id))
      .map(rows -> rows.size() == 0 ? null : Report.from(rows.iterator().next()));
  }

  /**
   * Claims the open reports of the target of report {@code id} for one resolver; gives the ids claimed,
   * empty when another resolver holds them (or they are closed). A claim older than {@code staleBefore}
   * is taken over.
   */
  Future<List<UUID>> claimTarget(String org, UUID id, OffsetDateTime now, OffsetDateTime staleBefore) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(org, id, now, staleBefore)).map(ReportStore::ids);
  }

  /** Gives claimed reports back to the queue (the action failed and may be retried). */
  Future<Void> release(String org, List<UUID> ids) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(org).addArrayOfUUID(ids.toArray(new UUID[0]))).mapEmpty();
  }

  /** Closes the claimed reports and every report of the target opened since; gives the ids closed. */
  Future<List<UUID>> closeTarget(SqlClient conn, String org, Target t, List<UUID> claimed, String resolution, String reason,
                                 String by, OffsetDateTime at) {
    return conn.preparedQuery(CLOSE).execute(Tuple.tuple().addValue(org).addValue(t.placeType()).addValue(t.placeId())
        .addValue(t.type()).addValue(t.id()).addValue(resolution).addValue(reason).addValue(by).addValue(at)
        .addValue(claimed.toArray(new UUID[0])))
      .map(rows -> {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID(0)));
        return ids;
      });
  }

  private static List<UUID> ids(RowSet<Row> rows) {
    List<UUID> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.getUUID(0)));
    return ids;
  }

  /** One page of a place's queue: after the keyset {@code after} (first_at, type, id) or from {@code offset}. */
  Future<RowSet<Row>> queue(String org, String placeType, UUID placeId, Object[] after, int fetch, long offset) {
    Tuple t = Tuple.tuple().addValue(org).addValue(placeType).addValue(placeId)
      .addValue(after == null ? null : after[0]).addValue(after == null ? null : after[1])
      .addValue(after == null ? null : after[2]).addValue(fetch).addValue(offset);
    return pool.preparedQuery(QUEUE).execute(t);
  }

  /** How many targets of the place have open reports. */
  Future<Long> queueTotal(String org, String placeType, UUID placeId) {
    return pool.preparedQuery(QUEUE_TOTAL).execute(Tuple.of(org, placeType, placeId))
      .map(rows -> rows.iterator().next().getLong(0));
  }
}
