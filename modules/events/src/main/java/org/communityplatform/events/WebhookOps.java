package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.paging.KeysetCursor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * Webhook management (docs/EVENTS.md, "Webhooks"): per organisation, by an organisation API token
 * or a platform admin. Every change is audited in its own transaction; the signing secret is shown
 * only in the answers of create and rotate-secret and never written to the audit log.
 */
final class WebhookOps {

  private final ModuleContext ctx;
  private final WebhookStore store;
  private final TargetGuard guard;
  private final Settings settings;

  WebhookOps(ModuleContext ctx, WebhookStore store, TargetGuard guard, Settings settings) {
    this.ctx = ctx;
    this.store = store;
    this.guard = guard;
    this.settings = settings;
  }

  void register(BiConsumer<String, ApiVerticle.Operation> op) {
    op.accept("createWebhook", this::create);
    op.accept("listWebhooks", req -> {
      Viewer v = Viewer.manager(req);
      return store.list(v.org()).map(a -> ApiReply.ok(new JsonObject().put("data", a)));
    });
    op.accept("getWebhook", req -> {
      Viewer v = Viewer.manager(req);
      return store.get(store.pool(), v.org(), id(req), false).map(WebhookOps::found).map(ApiReply::ok);
    });
    op.accept("updateWebhook", this::update);
    op.accept("deleteWebhook", this::delete);
    op.accept("rotateWebhookSecret", this::rotate);
    op.accept("listWebhookDeliveries", this::deliveries);
    op.accept("redeliverWebhookDelivery", req -> {
      Viewer v = Viewer.manager(req);
      UUID hook = id(req);
      UUID delivery = ApiRequest.uuidOr404(req.pathParam("deliveryId"), "delivery");
      return store.get(store.pool(), v.org(), hook, false).map(WebhookOps::found).compose(h -> {
        if (!h.getBoolean("enabled")) {
          throw new ApiError(409, "webhook_disabled", "enable the webhook before redelivering");
        }
        return store.redeliver(v.org(), hook, delivery, ctx.clock().instant());
      }).map(ok -> {
        if (!ok) {
          throw ApiError.notFound("delivery not found");
        }
        return ApiReply.status(202, new JsonObject().put("id", delivery.toString()).put("status", "pending"));
      });
    });
  }

  private Future<ApiReply> create(ApiRequest req) {
    Viewer v = Viewer.manager(req);
    JsonObject b = req.body();
    checkEvents(b.getJsonArray("events"));
    return guard.check(b.getString("url")).compose(t -> ctx.pool().withTransaction(c -> store.count(c, v.org()).compose(n -> {
      if (n >= settings.maxWebhooksPerOrg()) {
        throw new ApiError(409, "too_many_webhooks", "this organisation already has " + n + " webhooks, the most it may have");
      }
      String secret = Signatures.newSecret();
      UUID id = UUID.randomUUID();
      return store.insert(c, id, v.org(), b, secret, v.userId(), ctx.clock().instant())
        .compose(hook -> ctx.audit().append(c, AuditEntry.of(v.org(), "webhook.create").actor(v.userId())
            .target("webhook", id).after(hook).reqId(req.reqId()))
          .map(x -> ApiReply.created(hook.copy().put("secret", secret))));
    })));
  }

  private Future<ApiReply> update(ApiRequest req) {
    Viewer v = Viewer.manager(req);
    UUID id = id(req);
    JsonObject b = req.body();
    if (b.containsKey("events")) {
      checkEvents(b.getJsonArray("events"));
    }
    Future<?> target = b.containsKey("url") ? guard.check(b.getString("url")) : Future.succeededFuture();
    return target.compose(x -> ctx.pool().withTransaction(c -> store.get(c, v.org(), id, true).map(WebhookOps::found)
      .compose(before -> store.update(c, v.org(), id, b, ctx.clock().instant())
        .compose(after -> ctx.audit().append(c, AuditEntry.of(v.org(), "webhook.update").actor(v.userId())
            .target("webhook", id).before(before).after(after).reqId(req.reqId()))
          .map(y -> ApiReply.ok(after))))));
  }

  private Future<ApiReply> delete(ApiRequest req) {
    Viewer v = Viewer.manager(req);
    UUID id = id(req);
    return ctx.pool().withTransaction(c -> store.get(c, v.org(), id, true).map(WebhookOps::found)
      .compose(before -> store.delete(c, v.org(), id)
        .compose(x -> ctx.audit().append(c, AuditEntry.of(v.org(), "webhook.delete").actor(v.userId())
          .target("webhook", id).before(before).reqId(req.reqId())))))
      .map(x -> ApiReply.noContent());
  }

  private Future<ApiReply> rotate(ApiRequest req) {
    Viewer v = Viewer.manager(req);
    UUID id = id(req);
    String secret = Signatures.newSecret();
    return ctx.pool().withTransaction(c -> store.setSecret(c, v.org(), id, secret, ctx.clock().instant()).compose(ok -> {
      if (!ok) {
        throw ApiError.notFound("webhook not found");
      }
      return ctx.audit().append(c, AuditEntry.of(v.org(), "webhook.rotate_secret").actor(v.userId())
        .target("webhook", id).reqId(req.reqId()));
    })).map(x -> ApiReply.ok(new JsonObject().put("id", id.toString()).put("secret", secret)));
  }

  private Future<ApiReply> deliveries(ApiRequest req) {
    Viewer v = Viewer.manager(req);
    UUID hook = id(req);
    int limit = req.queryInt("limit", 20);
    List<String> cur = KeysetCursor.decode("deliveries", req.queryString("cursor"), 2);
    OffsetDateTime at = null;
    UUID before = null;
    if (cur != null) {
      try {
        at = OffsetDateTime.parse(cur.get(0));
        before = UUID.fromString(cur.get(1));
      } catch (RuntimeException e) {
        throw KeysetCursor.invalid();
      }
    }
    OffsetDateTime fAt = at;
    UUID fBefore = before;
    return store.get(store.pool(), v.org(), hook, false).map(WebhookOps::found)
      .compose(h -> store.deliveries(v.org(), hook, fAt, fBefore, limit + 1))
      .map(rows -> {
        JsonArray data = new JsonArray();
        String next = null;
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
          JsonObject d = rows.get(i);
          String raw = (String) d.remove("createdAtRaw");
          data.add(d);
          if (i == limit - 1 && rows.size() > limit) {
            next = KeysetCursor.encode("deliveries", raw, d.getString("id"));
          }
        }
        return ApiReply.ok(new JsonObject().put("data", data).put("nextCursor", next));
      });
  }

  /** Each pattern: {@code *}, an event type, or a family such as {@code community.*} (400 otherwise). */
  private static void checkEvents(JsonArray events) {
    if (events == null) {
      return;
    }
    for (int i = 0; i < events.size(); i++) {
      Object p = events.getValue(i);
      if (!(p instanceof String) || !Queries.TYPE.matcher((String) p).matches()) {
        throw new ApiError(400, "validation_failed", "events[" + i + "] must be *, an event type or a family such as community.*",
          new JsonArray().add(new JsonObject().put("in", "body").put("name", "events")));
      }
    }
  }

  private static UUID id(ApiRequest req) {
    return ApiRequest.uuidOr404(req.pathParam("id"), "webhook");
  }

  private static JsonObject found(JsonObject hook) {
    if (hook == null) {
      throw ApiError.notFound("webhook not found");
    }
    return hook;
  }

  static Instant now(ModuleContext ctx) {
    return ctx.clock().instant();
  }
}
