package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads of the event log ({@code platform.events}, written by core's EventLog).
 *
 * <p>Order and the readable horizon: events are read in (tx, id) order and only while
 * {@code tx < pg_snapshot_xmin(pg_current_snapshot())}. Ids come from a sequence taken when a row
 * is inserted, so a transaction that commits late can hold a smaller id than one already read;
 * a reader that only looks below the oldest transaction still running never passes an event that
 * can still appear. A position in the log is the pair (tx, id) of the last event read.
 */
final class EventStore {

  /** A position in the log: after the event (tx, id). {@link #START} is before every event. */
  record Pos(String tx, long id) {
    static final Pos START = new Pos("0", 0);

    boolean after(Pos o) {
      int c = Long.compareUnsigned(Long.parseUnsignedLong(tx), Long.parseUnsignedLong(o.tx));
      return c > 0 || (c == 0 && id > o.id);
    }
  }

  /**
   * A read: the rows in order, and whether committed events wait behind a transaction still running.
   * {@code json} holds each event's JSON text once encoded, shared by every stream of the batch.
   */
  record Batch(List<JsonObject> events, List<Pos> positions, boolean lagging, String[] json, Buffer[] sse) {
    Batch(List<JsonObject> events, List<Pos> positions, boolean lagging) {
      this(events, positions, lagging, new String[events.size()], new Buffer[events.size()]);
    }

    Pos last() {
      return positions.isEmpty() ? null : positions.get(positions.size() - 1);
    }

    /**
     * Event {@code i} as JSON text, encoded by the first stream that needs it and reused by the
     * others (a hub batch goes to every connection of the node). Several loops may race to fill a
     * slot: each writes an equal, immutable string, so the race is harmless.
     */
    String encoded(int i) {
      String s = json[i];
      if (s == null) {
        s = events.get(i).encode();
        json[i] = s;
      }
      return s;
    }

    /**
     * Encodes every event now (JSON text and SSE record). The hub calls it on its loop before it hands
     * the batch to other loops, so they read finished values; a replay page is read on its own loop.
     */
    void encodeAll() {
      for (int i = 0; i < events.size(); i++) {
        sse(i);
      }
    }

    /**
     * Event {@code i} as one Server-Sent Events record ({@code id}, {@code event}, {@code data}, blank
     * line), built once and written to every SSE stream of the batch: a Vert.x heap buffer is never
     * released by a write (each write takes its own slice), so one instance can go to many sockets.
     */
    Buffer sse(int i) {
      Buffer b = sse[i];
      if (b == null) {
        JsonObject e = events.get(i);
        b = Buffer.buffer("id: " + e.getLong("id") + "\nevent: " + e.getString("type") + "\ndata: " + encoded(i) + "\n\n");
        sse[i] = b;
      }
      return b;
    }
  }

  /** Optional filters of a read. {@code types} holds exact names; {@code prefixes} LIKE patterns of "x.*" filters. */
  record Filter(List<String> types, List<String> prefixes, String communityId, String pageId) {
    static final Filter NONE = new Filter(List.of(), List.of(), null, null);

    boolean matches(JsonObject e) {
      if (communityId != null && !communityId.equals(e.getJsonObject("subject").getString("communityId"))) {
        return false;
      }
      if (pageId != null && !pageId.equals(e.getJsonObject("subject").getString("pageId"))) {
        return false;
      }
      if (types.isEmpty() && prefixes.isEmpty()) {
        return true;
      }
      String t = e.getString("type");
      if (types.contains(t)) {
        return true;
      }
      for (String p : prefixes) {
        if (t.startsWith(p)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final String COLUMNS =
    "id, tx::text AS txt, org, type, occurred_at, actor, subject, data";
  private static final String HORIZON = "tx < pg_snapshot_xmin(pg_current_snapshot())";

  private final Pool pool;

  EventStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The position just after event {@code id} of {@code org}. {@code 0} is the start. An id older
   * than the oldest event the log still holds (removed by retention) is the start too; any other id
   * the organisation's log does not hold is a 400 {@code invalid_cursor}.
   */
  Future<Pos> resolve(String org, long id) {
    if (id <= 0) {
      return Future.succeededFuture(Pos.START);
    }
    return pool.preparedQuery("SELECT tx::text, (SELECT min(id) FROM platform.events WHERE org = $1) FROM platform.events"
        + " WHERE org = $1 AND id = $2 UNION ALL SELECT NULL, (SELECT min(id) FROM platform.events WHERE org = $1) LIMIT 1")
      .execute(Tuple.of(org, id))
      .map(rows -> {
        Row r = rows.iterator().next();
        if (r.getString(0) != null) {
          return new Pos(r.getString(0), id);
        }
        Long min = r.getLong(1);
        if (min == null || id < min) {
          return Pos.START;
        }
        throw new ApiError(400, "invalid_cursor", "event " + id + " is not in this organisation's log");
      });
  }

  /** Up to {@code limit} events of {@code org} after {@code from} matching {@code f}, oldest first. */
  Future<Batch> page(String org, Pos from, Filter f, int limit) {
    Tuple t = Tuple.of(org, from.tx(), from.id());
    StringBuilder where = new StringBuilder("org = $1 AND (tx, id) > ($2::xid8, $3) AND " + HORIZON);
    if (!f.types().isEmpty() || !f.prefixes().isEmpty()) {
      t.addArrayOfString(f.types().toArray(new String[0]));
      t.addArrayOfString(f.prefixes().stream().map(p -> p.replace("\\", "\\\\").replace("_", "\\_")
        .replace("%", "\\%") + "%").toArray(String[]::new));
      where.append(" AND (type = ANY($").append(t.size() - 1).append(") OR type LIKE ANY($").append(t.size()).append("))");
    }
    if (f.communityId() != null) {
      t.addString(f.communityId());
      where.append(" AND community_id = $").append(t.size());
    }
    if (f.pageId() != null) {
      t.addString(f.pageId());
      where.append(" AND page_id = $").append(t.size());
    }
    t.addInteger(limit);
    return read("SELECT " + COLUMNS + " FROM platform.events WHERE " + where + " ORDER BY tx, id LIMIT $" + t.size(), t, false);
  }

  /**
   * Up to {@code limit} events of every organisation after {@code from}; {@code lagging} tells that
   * committed events wait behind a transaction still running (read again soon).
   */
  Future<Batch> batch(Pos from, int limit) {
    String sql = "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)"
      + " SELECT id, txt, org, type, occurred_at, actor, subject, data, lag FROM ("
      + " SELECT id, tx::text AS txt, org, type, occurred_at, actor, subject, data, false AS lag, e.tx AS o"
      + " FROM platform.events e, h WHERE (e.tx, e.id) > ($1::xid8, $2) AND e.tx < h.xmin"
      + " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, NULL FROM h"
      + " WHERE EXISTS (SELECT 1 FROM platform.events WHERE tx >= h.xmin AND (tx, id) > ($1::xid8, $2))"
      + ") x ORDER BY o NULLS FIRST, id LIMIT $3";
    return read(sql, Tuple.of(from.tx(), from.id(), limit), true);
  }

  /** The position after the newest readable event (the start when the log is empty). */
  Future<Pos> head() {
    return pool.query("SELECT tx::text, id FROM platform.events WHERE " + HORIZON + " ORDER BY tx DESC, id DESC LIMIT 1")
      .execute()
      .map(rows -> rows.size() == 0 ? Pos.START
        : new Pos(rows.iterator().next().getString(0), rows.iterator().next().getLong(1)));
  }

  /**
   * Removes up to {@code batch} events older than {@code before}, only on the node holding the purge
   * lock (a transaction-scoped advisory lock), so that nodes never purge side by side; the count removed.
   */
  Future<Integer> purge(Instant before, int batch) {
    return pool.withTransaction(conn -> conn.query("SELECT pg_try_advisory_xact_lock(hashtext('platform.events.purge'))")
      .execute().compose(lock -> {
        if (!lock.iterator().next().getBoolean(0)) {
          return Future.succeededFuture(0);
        }
        return conn.preparedQuery("DELETE FROM platform.events WHERE id IN (SELECT id FROM platform.events"
            + " WHERE occurred_at < $1 ORDER BY occurred_at LIMIT $2)")
          .execute(Tuple.of(OffsetDateTime.ofInstant(before, ZoneOffset.UTC), batch)).map(r -> r.rowCount());
      }));
  }

  private Future<Batch> read(String sql, Tuple t, boolean withLag) {
    return pool.preparedQuery(sql).execute(t).map(rows -> {
      List<JsonObject> events = new ArrayList<>();
      List<Pos> positions = new ArrayList<>();
      boolean lag = false;
      for (Row r : rows) {
        if (withLag && r.getBoolean("lag")) {
          lag = true;
          continue;
        }
        events.add(view(r));
        positions.add(new Pos(r.getString("txt"), r.getLong("id")));
      }
      return new Batch(events, positions, lag);
    });
  }

  /** The one JSON shape of an event (history, streams, webhook bodies); see docs/EVENTS.md. */
  static JsonObject view(Row r) {
    return new JsonObject()
      .put("id", r.getLong("id"))
      .put("type", r.getString("type"))
      .put("org", r.getString("org"))
      .put("occurredAt", r.getOffsetDateTime("occurred_at").toInstant().toString())
      .put("actor", r.getString("actor"))
      .put("subject", r.getJsonObject("subject"))
      .put("data", r.getJsonObject("data"));
  }
}
