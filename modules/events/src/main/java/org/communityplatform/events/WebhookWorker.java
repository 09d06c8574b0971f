package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.module.ModuleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns events into webhook deliveries and sends them, at least once (docs/EVENTS.md, "Webhooks").
 *
 * <p>Fan-out: the node that locks the single {@code events.fanout} row reads the log after its
 * position (same (tx, id) order and horizon as every reader), inserts one delivery per matching
 * enabled webhook and moves the position, in one transaction: each event becomes each delivery once.
 *
 * <p>Sending: due deliveries are claimed with {@code FOR UPDATE SKIP LOCKED} and a lease, so one node
 * sends each attempt; the outcome (attempt row, next retry by the configured schedule with jitter, or
 * delivered/failed) is written afterwards. A webhook failing without a success for
 * {@code disableAfterSeconds} is disabled and a {@code webhook.disabled} event appended.
 */
final class WebhookWorker {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookWorker.class);
  private static final int FANOUT_BATCH = 500;
  private static final int SEND_BATCH = 20;

  private final Vertx vertx;
  private final ModuleContext ctx;
  private final Settings settings;
  private final TargetGuard guard;
  private final WebClient client;
  private final EventStore log;
  private boolean fanningOut;
  private int inFlight;

  WebhookWorker(Vertx vertx, ModuleContext ctx, Settings settings, TargetGuard guard) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.settings = settings;
    this.guard = guard;
    this.log = new EventStore(ctx.pool());
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setKeepAlive(false)
      .setConnectTimeout((int) Math.min(settings.webhookTimeoutMs(), Integer.MAX_VALUE)).setUserAgent("community-platform-webhooks"));
  }

  /** One round: fan out new events, then send what is due. */
  void tick() {
    if (!fanningOut) {
      fanningOut = true;
      fanOut().onComplete(ar -> {
        fanningOut = false;
        if (ar.failed()) {
          LOG.warn("webhook fan-out failed: {}", ar.cause().toString());
        }
        send();
      });
    } else {
      send();
    }
  }

  void close() {
    client.close();
  }

  /**
   * On the very first start (no position yet), sets the fan-out position to the log's head, so that
   * every event committed after the module is deployed becomes deliveries, and none before. A later
   * start keeps the stored position (events committed while no node ran are delivered then). Another
   * node holding the row is at it already: nothing to do.
   */
  Future<Void> startPosition() {
    return ctx.pool().withTransaction(c -> c.query("SELECT tx, event_id FROM events.fanout FOR UPDATE SKIP LOCKED").execute()
      .compose(rows -> rows.size() == 0 || rows.iterator().next().getString("tx") != null ? Future.<Void>succeededFuture()
        : log.head().compose(h -> move(c, h))));
  }

  private Future<Integer> fanOut() {
    return ctx.pool().withTransaction(c -> c.query("SELECT tx, event_id FROM events.fanout FOR UPDATE SKIP LOCKED").execute()
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(0); // another node is at it
        }
        Row cur = rows.iterator().next();
        if (cur.getString("tx") == null) {
          // first run: webhooks see what happens from now on, not the log's past
          return log.head().compose(h -> move(c, h)).map(0);
        }
        EventStore.Pos from = new EventStore.Pos(cur.getString("tx"), cur.getLong("event_id"));
        return log.batch(from, FANOUT_BATCH).compose(b -> {
          if (b.events().isEmpty()) {
            return Future.succeededFuture(0);
          }
          return hooksFor(c, b).compose(hooks -> {
            List<Tuple> inserts = new ArrayList<>();
            Instant now = ctx.clock().instant();
            for (JsonObject e : b.events()) {
              for (JsonObject h : hooks.getOrDefault(e.getString("org"), List.of())) {
                if (matches(h.getJsonArray("events").getList(), e.getString("type"))) {
                  inserts.add(Tuple.of(UUID.randomUUID(), e.getString("org"), UUID.fromString(h.getString("id")),
                    e.getLong("id"), e.getString("type"), e).addOffsetDateTime(WebhookStore.at(now)));
                }
              }
            }
            Future<?> ins = inserts.isEmpty() ? Future.succeededFuture() : c.preparedQuery("INSERT INTO events.deliveries"
                + " (id, org, webhook_id, event_id, event_type, payload, status, next_attempt_at, created_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (webhook_id, event_id) DO NOTHING")
              .executeBatch(inserts);
            return ins.compose(x -> move(c, b.last())).map(inserts.size());
          });
        });
      }));
  }

  private static Future<Void> move(SqlConnection c, EventStore.Pos to) {
    return c.preparedQuery("UPDATE events.fanout SET tx = $1, event_id = $2").execute(Tuple.of(to.tx(), to.id())).mapEmpty();
  }

  private static Future<Map<String, List<JsonObject>>> hooksFor(SqlConnection c, EventStore.Batch b) {
    List<String> orgs = b.events().stream().map(e -> e.getString("org")).distinct().toList();
    return c.preparedQuery("SELECT id, org, events FROM events.webhooks WHERE enabled AND org = ANY($1)")
      .execute(Tuple.of(orgs.toArray(new String[0]))).map(rows -> {
        Map<String, List<JsonObject>> m = new HashMap<>();
        for (Row r : rows) {
          m.computeIfAbsent(r.getString("org"), k -> new ArrayList<>()).add(new JsonObject()
            .put("id", r.getUUID("id").toString()).put("events", new io.vertx.core.json.JsonArray(List.of(r.getArrayOfStrings("events")))));
        }
        return m;
      });
  }

  /** Whether a type matches a webhook's patterns: {@code *}, the exact type, or a family {@code prefix.*}. */
  static boolean matches(List<?> patterns, String type) {
    for (Object o : patterns) {
      String p = String.valueOf(o);
      if (p.equals("*") || p.equals(type) || (p.endsWith(".*") && type.startsWith(p.substring(0, p.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  private void send() {
    if (inFlight > 0) {
      return;
    }
    Instant now = ctx.clock().instant();
    long leaseMs = settings.webhookTimeoutMs() * 2 + 5000;
    ctx.pool().preparedQuery("UPDATE events.deliveries d SET locked_until = $2, attempts = d.attempts + 1"
        + " FROM events.webhooks w WHERE w.id = d.webhook_id AND d.id IN (SELECT d2.id FROM events.deliveries d2"
        + " JOIN events.webhooks w2 ON w2.id = d2.webhook_id WHERE w2.enabled AND d2.status = 'pending'"
        + " AND d2.next_attempt_at <= $1 AND (d2.locked_until IS NULL OR d2.locked_until <= $1)"
        + " ORDER BY d2.next_attempt_at LIMIT $3 FOR UPDATE OF d2 SKIP LOCKED)"
        + " RETURNING d.id, d.org, d.webhook_id, d.payload, d.attempts, w.url, w.secret")
      .execute(Tuple.of(WebhookStore.at(now), WebhookStore.at(now.plusMillis(leaseMs)), SEND_BATCH))
      .onFailure(e -> LOG.warn("claiming webhook deliveries failed: {}", e.toString()))
      .onSuccess(rows -> {
        for (Row r : rows) {
          inFlight++;
          attempt(r).onComplete(ar -> {
            inFlight--;
            if (ar.failed()) {
              LOG.warn("recording a webhook attempt failed: {}", ar.cause().toString());
            }
          });
        }
      });
  }

  private Future<Void> attempt(Row r) {
    UUID id = r.getUUID("id");
    JsonObject payload = r.getJsonObject("payload");
    Buffer body = payload.toBuffer();
    long ts = ctx.clock().instant().getEpochSecond();
    String msgId = "msg_" + id;
    String signature = Signatures.sign(r.getString("secret"), msgId, ts, body.getBytes());
    long t0 = System.nanoTime();
    Instant started = ctx.clock().instant();
    // checked again at send time, and the connection goes to the address checked (DNS rebinding)
    return guard.check(r.getString("url"))
      .compose(t -> client.request(io.vertx.core.http.HttpMethod.POST, t.port(), t.address(), t.pathAndQuery())
        .ssl(t.ssl()).virtualHost(t.host()).timeout(settings.webhookTimeoutMs())
        .putHeader("content-type", "application/json").putHeader("webhook-id", msgId)
        .putHeader("webhook-timestamp", Long.toString(ts)).putHeader("webhook-signature", signature)
        .sendBuffer(body))
      .transform(ar -> record(r, started, ar.succeeded() ? ar.result() : null, ar.failed() ? ar.cause() : null,
        (int) ((System.nanoTime() - t0) / 1_000_000)));
  }

  private Future<Void> record(Row r, Instant started, HttpResponse<Buffer> resp, Throwable err, int durationMs) {
    UUID id = r.getUUID("id");
    UUID hook = r.getUUID("webhook_id");
    String org = r.getString("org");
    int attempt = r.getInteger("attempts");
    boolean ok = resp != null && resp.statusCode() >= 200 && resp.statusCode() < 300;
    String error = ok ? null : resp != null ? "answered HTTP " + resp.statusCode() : describe(err);
    Instant now = ctx.clock().instant();
    Instant next = null;
    String status = ok ? "delivered" : "pending";
    if (!ok) {
      if (attempt >= settings.maxAttempts()) {
        status = "failed";
      } else {
        long base = settings.retrySchedule().get(attempt - 1) * 1000;
        long jitter = base * settings.jitterPercent() / 100;
        next = now.plusMillis(base + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0));
      }
    }
    Instant fNext = next;
    String fStatus = status;
    return ctx.pool().withTransaction(c -> c.preparedQuery("INSERT INTO events.attempts (delivery_id, attempt, at, status_code,"
          // the webhook (and its deliveries) may have been deleted during the send: nothing to record then
          + " duration_ms, error) SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM events.deliveries WHERE id = $1)"
          + " ON CONFLICT DO NOTHING")
        .execute(Tuple.of(id, attempt, WebhookStore.at(started), resp == null ? null : resp.statusCode(), durationMs, error))
        .compose(x -> c.preparedQuery("UPDATE events.deliveries SET status = $2, next_attempt_at = $3, locked_until = NULL WHERE id = $1")
          .execute(Tuple.of(id, fStatus, fNext == null ? null : WebhookStore.at(fNext))))
        .compose(x -> c.preparedQuery("UPDATE events.webhooks SET failing_since = CASE WHEN $2 THEN NULL"
            + " ELSE coalesce(failing_since, $3) END WHERE id = $1 RETURNING failing_since, enabled")
          .execute(Tuple.of(hook, ok, WebhookStore.at(started))))
        .compose(rows -> {
          Row h = rows.size() == 0 ? null : rows.iterator().next();
          if (ok || h == null || !h.getBoolean("enabled") || h.getOffsetDateTime("failing_since") == null
            || Duration.between(h.getOffsetDateTime("failing_since").toInstant(), now).getSeconds() < settings.disableAfterSeconds()) {
            return Future.succeededFuture();
          }
          String reason = "every delivery failed for " + settings.disableAfterSeconds() + " seconds";
          return c.preparedQuery("UPDATE events.webhooks SET enabled = false, disabled_reason = $2, updated_at = $3 WHERE id = $1")
            .execute(Tuple.of(hook, reason, WebhookStore.at(now)))
            .compose(x -> ctx.events().append(c, Event.of("webhook.disabled", org).subject("webhookId", hook)
              .data(new JsonObject().put("reason", reason).put("lastError", error))))
            .onSuccess(x -> LOG.info("webhook {} of {} disabled: {}", hook, org, reason));
        })).mapEmpty();
  }

  private static String describe(Throwable err) {
    if (err instanceof org.communityplatform.core.bus.ApiError) {
      return "target refused: " + err.getMessage();
    }
    String m = err == null ? "unknown error" : err.getClass().getSimpleName() + ": " + err.getMessage();
    return m.length() > 500 ? m.substring(0, 500) : m;
  }
}
