package org.communityplatform.core.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tamper-evident audit log (DESIGN.md, "Accountability"): entries are appended in the same
 * transaction as the act, numbered per organisation, and chained:
 * {@code hash = hex(SHA-256(prev_hash || canonical JSON of the entry))}, the first entry's
 * {@code prev_hash} being the empty string. The canonical JSON has its keys sorted at every level and
 * no insignificant white space (the JSON Canonicalization Scheme of RFC 8785 for the values used here:
 * strings, integers, booleans, null, objects and arrays). Changing, removing or reordering a past
 * entry changes the hash of every later one, which {@link #verify} detects.
 */
public final class AuditLog {

  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('platform.audit:' || $1, 0))";
  private static final String HEAD = "SELECT seq, hash FROM platform.audit_log WHERE org = $1 ORDER BY seq DESC LIMIT 1";
  private static final String INSERT = "INSERT INTO platform.audit_log (org, seq, at, actor, actor_type, action, target_type,"
    + " target_id, scope_id, before, after, req_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

  private final Clock clock;
  private final boolean enabled;

  public AuditLog(Clock clock) {
    this(clock, true);
  }

  /**
   * @param enabled {@code audit.enabled} of {@code config/platform.yaml}: false only to measure what the
   *                log costs on the write path (appends then write nothing, leaving gaps in the record)
   */
  public AuditLog(Clock clock, boolean enabled) {
    this.clock = clock;
    this.enabled = enabled;
  }

  /** Whether appends are written ({@code audit.enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Appends an entry in the transaction of {@code conn}: takes the organisation's chain lock (held to
   * commit, so chains never fork), reads the head, writes the entry with its hash. Gives the entry as JSON.
   */
  public Future<JsonObject> append(SqlClient conn, AuditEntry e) {
    if (!enabled) {
      return Future.succeededFuture(new JsonObject().put("org", e.org).put("action", e.action).put("written", false));
    }
    OffsetDateTime at = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    return conn.preparedQuery(LOCK).execute(Tuple.of(e.org))
      .compose(x -> conn.preparedQuery(HEAD).execute(Tuple.of(e.org)))
      .compose(rows -> {
        long seq = 1;
        String prev = "";
        if (rows.size() > 0) {
          Row head = rows.iterator().next();
          seq = head.getLong("seq") + 1;
          prev = head.getString("hash");
        }
        JsonObject entry = new JsonObject()
          .put("org", e.org).put("seq", seq).put("at", at.toInstant().toString())
          .put("actor", e.actor == null ? "system" : e.actor).put("actorType", e.actorType).put("action", e.action)
          .put("targetType", e.targetType).put("targetId", e.targetId).put("scopeId", e.scopeId)
          .put("before", e.before).put("after", e.after).put("reqId", e.reqId);
        String hash = hash(prev, entry);
        Tuple t = Tuple.tuple().addValue(e.org).addValue(seq).addValue(at).addValue(entry.getString("actor"))
          .addValue(e.actorType).addValue(e.action).addValue(e.targetType).addValue(e.targetId).addValue(e.scopeId)
          .addValue(e.before).addValue(e.after).addValue(e.reqId).addValue(prev).addValue(hash);
        String prevHash = prev;
        return conn.preparedQuery(INSERT).execute(t).map(x -> entry.put("prevHash", prevHash).put("hash", hash));
      });
  }

  /**
   * One page of an organisation's entries, newest first. {@code filter} may hold {@code actor},
   * {@code action} (exact, or a prefix ending in {@code .*}), {@code targetType}, {@code targetId},
   * {@code scopeId}, {@code from} and {@code to} (ISO-8601 instants, inclusive/exclusive) and
   * {@code beforeSeq} (the keyset cursor: entries with a smaller sequence number). Answers
   * {@code {data: [entry with prevHash and hash], nextBeforeSeq: seq or null}}.
   */
  public Future<JsonObject> list(SqlClient client, String org, JsonObject filter, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM platform.audit_log WHERE org = $1");
    Tuple t = Tuple.of(org);
    String action = filter.getString("action");
    String[][] exact = {{"actor", "actor"}, {"targetType", "target_type"}, {"targetId", "target_id"}, {"scopeId", "scope_id"}};
    for (String[] f : exact) {
      if (filter.getString(f[0]) != null) {
        t.addValue(filter.getString(f[0]));
        sql.append(" AND ").append(f[1]).append(" = $").append(t.size());
      }
    }
    if (action != null) {
      if (action.endsWith(".*")) {
        t.addValue(action.substring(0, action.length() - 1).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        sql.append(" AND action LIKE $").append(t.size());
      } else {
        t.addValue(action);
        sql.append(" AND action = $").append(t.size());
      }
    }
    if (filter.getString("from") != null) {
      t.addValue(OffsetDateTime.parse(filter.getString("from")));
      sql.append(" AND at >= $").append(t.size());
    }
    if (filter.getString("to") != null) {
      t.addValue(OffsetDateTime.parse(filter.getString("to")));
      sql.append(" AND at < $").append(t.size());
    }
    if (filter.getValue("beforeSeq") != null) {
      t.addValue(filter.getLong("beforeSeq"));
      sql.append(" AND seq < $").append(t.size());
    }
    t.addValue(limit + 1);
    sql.append(" ORDER BY seq DESC LIMIT $").append(t.size());
    return client.preparedQuery(sql.toString()).execute(t).map(rows -> {
      JsonArray data = new JsonArray();
      Long next = null;
      int n = 0;
      for (Row r : rows) {
        if (n++ == limit) {
          next = data.getJsonObject(data.size() - 1).getLong("seq");
          break;
        }
        data.add(entryOf(r).put("prevHash", r.getString("prev_hash")).put("hash", r.getString("hash")));
      }
      return new JsonObject().put("data", data).put("nextBeforeSeq", next);
    });
  }

  /** The entry as read back from a row, in the same form {@link #append} hashed. */
  public static JsonObject entryOf(Row r) {
    return new JsonObject()
      .put("org", r.getString("org")).put("seq", r.getLong("seq"))
      .put("at", r.getOffsetDateTime("at").toInstant().toString())
      .put("actor", r.getString("actor")).put("actorType", r.getString("actor_type")).put("action", r.getString("action"))
      .put("targetType", r.getString("target_type")).put("targetId", r.getString("target_id"))
      .put("scopeId", r.getString("scope_id"))
      .put("before", (JsonObject) r.getJson("before")).put("after", (JsonObject) r.getJson("after"))
      .put("reqId", r.getString("req_id"));
  }

  /**
   * Recomputes an organisation's chain from its first entry, {@code batch} rows per query. Answers
   * {@code {ok: true, count, headHash}} or {@code {ok: false, count, brokenAt: seq, reason}} naming the
   * first entry whose stored hash, predecessor link or sequence number does not match.
   */
  public Future<JsonObject> verify(SqlClient client, String org) {
    return verifyFrom(client, org, 0, "", 0);
  }

  private Future<JsonObject> verifyFrom(SqlClient client, String org, long afterSeq, String prev, long count) {
    return client.preparedQuery("SELECT * FROM platform.audit_log WHERE org = $1 AND seq > $2 ORDER BY seq LIMIT 1000")
      .execute(Tuple.of(org, afterSeq))
      .compose(rows -> {
        String p = prev;
        long n = count;
        long last = afterSeq;
        for (Row r : rows) {
          long seq = r.getLong("seq");
          if (seq != last + 1) {
            return Future.succeededFuture(broken(n, last + 1, "entry " + (last + 1) + " is missing"));
          }
          if (!p.equals(r.getString("prev_hash"))) {
            return Future.succeededFuture(broken(n, seq, "its link to the previous entry does not match"));
          }
          String expected = hash(p, entryOf(r));
          if (!expected.equals(r.getString("hash"))) {
            return Future.succeededFuture(broken(n, seq, "its content does not match its hash"));
          }
          p = expected;
          last = seq;
          n++;
        }
        if (rows.size() < 1000) {
          return Future.succeededFuture(new JsonObject().put("ok", true).put("count", n).put("headHash", p.isEmpty() ? null : p));
        }
        return verifyFrom(client, org, last, p, n);
      });
  }

  private static JsonObject broken(long count, long seq, String reason) {
    return new JsonObject().put("ok", false).put("count", count).put("brokenAt", seq).put("reason", reason);
  }

  /** {@code hex(SHA-256(prev || canonical(entry)))}. */
  public static String hash(String prev, JsonObject entry) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(prev.getBytes(StandardCharsets.UTF_8));
      md.update(canonical(entry).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Canonical JSON: object keys sorted at every level, no white space (RFC 8785 for these value types). */
  public static String canonical(Object value) {
    if (value instanceof JsonObject) {
      Map<String, Object> sorted = new TreeMap<>(((JsonObject) value).getMap());
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(io.vertx.core.json.Json.encode(e.getKey())).append(':').append(canonical(wrap(e.getValue())));
      }
      return sb.append('}').toString();
    }
    if (value instanceof JsonArray) {
      StringBuilder sb = new StringBuilder("[");
      JsonArray a = (JsonArray) value;
      for (int i = 0; i < a.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(canonical(wrap(a.getValue(i))));
      }
      return sb.append(']').toString();
    }
    return io.vertx.core.json.Json.encode(value);
  }

  @SuppressWarnings("unchecked")
  private static Object wrap(Object v) {
    if (v instanceof Map) {
      return new JsonObject((Map<String, Object>) v);
    }
    if (v instanceof java.util.List) {
      return new JsonArray((java.util.List<Object>) v);
    }
    return v;
  }
}
