package org.communityplatform.backlog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.events.EventLog;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SQL of the backlog module, schema {@code backlog}. */
final class BacklogStore {

  private static final String COLUMNS =
    "id, title, type, priority, session, description, api_endpoint, status, created_at, updated_at";
  /** JSON field to column, for the fields a client may write. */
  private static final Map<String, String> WRITABLE = Map.of(
    "title", "title", "type", "type", "priority", "priority", "session", "session",
    "description", "description", "apiEndpoint", "api_endpoint", "status", "status");
  private static final String[] FILTERS = {"type", "priority", "status", "session"};

  private final Pool pool;
  private final Clock clock;
  private final EventLog events;

  BacklogStore(Pool pool, Clock clock, EventLog events) {
    this.pool = pool;
    this.clock = clock;
    this.events = events;
  }

  /** Appends {@code backlog.item.<what>} {itemId} in the write's transaction; data is the item as the API shows it. */
  private Future<JsonObject> event(io.vertx.sqlclient.SqlClient conn, String org, String actor, String what, String id,
                                   JsonObject item) {
    return events.append(conn, Event.of("backlog.item." + what, org).actor(actor).subject("itemId", id)
      .data(item == null ? new JsonObject() : item)).map(x -> item);
  }

  /** Stores a new item and its {@code backlog.item.created} event in one transaction. */
  Future<JsonObject> create(String org, String actor, JsonObject body) {
    OffsetDateTime now = OffsetDateTime.now(clock);
    Tuple t = Tuple.of(UUID.randomUUID(), org, body.getString("title"), body.getString("type"),
        body.getString("priority"), body.getString("session"))
      .addString(body.getString("description"))
      .addString(body.getString("apiEndpoint"))
      .addString(body.getString("status", "open"))
      .addOffsetDateTime(now)
      .addOffsetDateTime(now);
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO backlog.items (id, org, title, type, priority, "
        + "session, description, api_endpoint, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        + "$10, $11) RETURNING " + COLUMNS)
      .execute(t)
      .map(rows -> toJson(rows.iterator().next()))
      .compose(item -> event(conn, org, actor, "created", item.getString("id"), item)));
  }

  Future<JsonObject> get(String org, UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM backlog.items WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id))
      .map(BacklogStore::first);
  }

  Future<JsonObject> list(String org, JsonObject query, int page, int limit) {
    StringBuilder where = new StringBuilder(" WHERE org = $1");
    Tuple t = Tuple.of(org);
    for (String f : FILTERS) {
      String v = query.getString(f);
      if (v != null) {
        t.addString(v);
        where.append(" AND ").append(f).append(" = $").append(t.size());
      }
    }
    String sql = "SELECT " + COLUMNS + ", count(*) OVER () AS total FROM backlog.items" + where
      + " ORDER BY created_at DESC, id DESC LIMIT " + limit + " OFFSET " + (long) (page - 1) * limit;
    return pool.preparedQuery(sql).execute(t).compose(rows -> {
      JsonArray data = new JsonArray();
      long total = -1;
      for (Row r : rows) {
        data.add(toJson(r));
        total = r.getLong("total");
      }
      if (total >= 0 || page == 1) {
        return Future.succeededFuture(new JsonObject().put("data", data).put("total", Math.max(total, 0)));
      }
      // a page past the end: count separately so that total stays right
      return pool.preparedQuery("SELECT count(*) FROM backlog.items" + where).execute(t)
        .map(c -> new JsonObject().put("data", data).put("total", c.iterator().next().getLong(0)));
    });
  }

  /** Changes an item (null when there is none) with its {@code backlog.item.updated} event, in one transaction. */
  Future<JsonObject> update(String org, String actor, UUID id, JsonObject body) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.of(org, id);
    for (Map.Entry<String, String> e : WRITABLE.entrySet()) {
      if (body.containsKey(e.getKey())) {
        t.addValue(body.getValue(e.getKey()));
        sets.add(e.getValue() + " = $" + t.size());
      }
    }
    t.addOffsetDateTime(OffsetDateTime.now(clock));
    sets.add("updated_at = $" + t.size());
    return pool.withTransaction(conn -> conn.preparedQuery("UPDATE backlog.items SET " + String.join(", ", sets)
        + " WHERE org = $1 AND id = $2 RETURNING " + COLUMNS)
      .execute(t)
      .map(BacklogStore::first)
      .compose(item -> item == null ? Future.succeededFuture() : event(conn, org, actor, "updated", id.toString(), item)));
  }

  /** Removes an item with its {@code backlog.item.deleted} event, in one transaction; false when there is none. */
  Future<Boolean> delete(String org, String actor, UUID id) {
    return pool.withTransaction(conn -> conn.preparedQuery("DELETE FROM backlog.items WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id))
      .compose(r -> r.rowCount() == 0 ? Future.succeededFuture(false)
        : event(conn, org, actor, "deleted", id.toString(), null).map(true)));
  }

  private static JsonObject first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : toJson(rows.iterator().next());
  }

  private static JsonObject toJson(Row r) {
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("title", r.getString("title"))
      .put("type", r.getString("type"))
      .put("priority", r.getString("priority"))
      .put("session", r.getString("session"))
      .put("description", r.getString("description"))
      .put("apiEndpoint", r.getString("api_endpoint"))
      .put("status", r.getString("status"))
      .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
