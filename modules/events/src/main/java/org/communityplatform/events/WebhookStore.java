package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of webhooks, deliveries and attempts (schema {@code events}). */
final class WebhookStore {

  static final String HOOK = "id, org, url, events, enabled, description, created_at, updated_at, failing_since, disabled_reason";

  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  static OffsetDateTime at(Instant i) {
    return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
  }

  /** The organisation's webhook count, under a transaction lock per organisation so that concurrent creates cannot pass the limit. */
  Future<Long> count(SqlClient c, String org) {
    return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('events.webhooks:' || $1))").execute(Tuple.of(org))
      .compose(x -> c.preparedQuery("SELECT count(*) FROM events.webhooks WHERE org = $1").execute(Tuple.of(org)))
      .map(r -> r.iterator().next().getLong(0));
  }

  Future<JsonObject> insert(SqlClient c, UUID id, String org, JsonObject b, String secret, String by, Instant now) {
    return c.preparedQuery("INSERT INTO events.webhooks (id, org, url, events, enabled, description, secret, created_by,"
        + " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING " + HOOK)
      .execute(Tuple.of(id, org, b.getString("url"), strings(b.getJsonArray("events")), b.getBoolean("enabled", true),
        b.getString("description"), secret, by).addOffsetDateTime(at(now)))
      .map(WebhookStore::first);
  }

  Future<JsonObject> get(SqlClient c, String org, UUID id, boolean lock) {
    return c.preparedQuery("SELECT " + HOOK + " FROM events.webhooks WHERE org = $1 AND id = $2" + (lock ? " FOR UPDATE" : ""))
      .execute(Tuple.of(org, id)).map(WebhookStore::first);
  }

  Future<JsonArray> list(String org) {
    return pool.preparedQuery("SELECT " + HOOK + " FROM events.webhooks WHERE org = $1 ORDER BY created_at, id")
      .execute(Tuple.of(org)).map(rows -> {
        JsonArray a = new JsonArray();
        rows.forEach(r -> a.add(view(r)));
        return a;
      });
  }

  /** Applies the fields present in {@code b}; enabling again clears the failure run. */
  Future<JsonObject> update(SqlClient c, String org, UUID id, JsonObject b, Instant now) {
    List<String> sets = new ArrayList<>();
    Tuple t = Tuple.of(org, id);
    if (b.containsKey("url")) {
      t.addString(b.getString("url"));
      sets.add("url = $" + t.size());
    }
    if (b.containsKey("events")) {
      t.addArrayOfString(strings(b.getJsonArray("events")));
      sets.add("events = $" + t.size());
    }
    if (b.containsKey("description")) {
      t.addString(b.getString("description"));
      sets.add("description = $" + t.size());
    }
    if (b.containsKey("enabled")) {
      t.addBoolean(b.getBoolean("enabled"));
      sets.add("enabled = $" + t.size());
      if (b.getBoolean("enabled")) {
        sets.add("failing_since = NULL, disabled_reason = NULL");
      }
    }
    t.addOffsetDateTime(at(now));
    sets.add("updated_at = $" + t.size());
    return c.preparedQuery("UPDATE events.webhooks SET " + String.join(", ", sets) + " WHERE org = $1 AND id = $2 RETURNING " + HOOK)
      .execute(t).map(WebhookStore::first);
  }

  Future<Boolean> delete(SqlClient c, String org, UUID id) {
    return c.preparedQuery("DELETE FROM events.webhooks WHERE org = $1 AND id = $2").execute(Tuple.of(org, id))
      .map(r -> r.rowCount() > 0);
  }

  Future<Boolean> setSecret(SqlClient c, String org, UUID id, String secret, Instant now) {
    return c.preparedQuery("UPDATE events.webhooks SET secret = $3, updated_at = $4 WHERE org = $1 AND id = $2")
      .execute(Tuple.of(org, id, secret, at(now))).map(r -> r.rowCount() > 0);
  }

  /** A page of deliveries of a webhook, newest first, each with its attempts. */
  Future<List<JsonObject>> deliveries(String org, UUID hook, OffsetDateTime beforeAt, UUID beforeId, int limit) {
    Tuple t = Tuple.of(org, hook);
    String where = "";
    if (beforeAt != null) {
      t.addOffsetDateTime(beforeAt).addUUID(beforeId);
      where = " AND (d.created_at, d.id) < ($3, $4)";
    }
    t.addInteger(limit);
    return pool.preparedQuery("SELECT d.id, d.event_id, d.event_type, d.status, d.attempts, d.next_attempt_at, d.created_at,"
        + " coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code,"
        + " 'durationMs', a.duration_ms, 'error', a.error) ORDER BY a.attempt) FROM events.attempts a WHERE a.delivery_id = d.id), '[]')"
        + " AS log FROM events.deliveries d WHERE d.org = $1 AND d.webhook_id = $2" + where
        + " ORDER BY d.created_at DESC, d.id DESC LIMIT $" + t.size())
      .execute(t).map(rows -> {
        List<JsonObject> out = new ArrayList<>();
        for (Row r : rows) {
          JsonArray log = r.getValue("log") instanceof JsonArray ? (JsonArray) r.getValue("log") : new JsonArray(String.valueOf(r.getValue("log")));
          for (int i = 0; i < log.size(); i++) {
            JsonObject a = log.getJsonObject(i);
            a.put("at", Instant.parse(normal(a.getString("at"))).toString());
          }
          out.add(new JsonObject().put("id", r.getUUID("id").toString()).put("eventId", r.getLong("event_id"))
            .put("eventType", r.getString("event_type")).put("status", r.getString("status"))
            .put("attemptCount", r.getInteger("attempts"))
            .put("nextAttemptAt", r.getOffsetDateTime("next_attempt_at") == null || !"pending".equals(r.getString("status"))
              ? null : r.getOffsetDateTime("next_attempt_at").toInstant().toString())
            .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
            .put("attempts", log)
            .put("createdAtRaw", r.getOffsetDateTime("created_at").toString()));
        }
        return out;
      });
  }

  /** Postgres' json timestamps ("2026-01-01T10:00:00.123+00:00") as ISO instants. */
  private static String normal(String s) {
    return OffsetDateTime.parse(s).toInstant().toString();
  }

  /** Queues a delivery again now; false when there is no such delivery of that webhook. */
  Future<Boolean> redeliver(String org, UUID hook, UUID delivery, Instant now) {
    return pool.preparedQuery("UPDATE events.deliveries SET status = 'pending', next_attempt_at = $4, locked_until = NULL"
        + " WHERE org = $1 AND webhook_id = $2 AND id = $3")
      .execute(Tuple.of(org, hook, delivery, at(now))).map(r -> r.rowCount() > 0);
  }

  static String[] strings(JsonArray a) {
    String[] s = new String[a.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = a.getString(i);
    }
    return s;
  }

  private static JsonObject first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : view(rows.iterator().next());
  }

  /** The webhook as the API shows it (never the secret). */
  static JsonObject view(Row r) {
    JsonArray events = new JsonArray();
    for (String s : r.getArrayOfStrings("events")) {
      events.add(s);
    }
    return new JsonObject().put("id", r.getUUID("id").toString()).put("url", r.getString("url")).put("events", events)
      .put("enabled", r.getBoolean("enabled")).put("description", r.getString("description"))
      .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
      .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString())
      .put("failingSince", r.getOffsetDateTime("failing_since") == null ? null : r.getOffsetDateTime("failing_since").toInstant().toString())
      .put("disabledReason", r.getString("disabled_reason"));
  }
}
