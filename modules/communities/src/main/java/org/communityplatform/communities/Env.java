package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.mail.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.UUID;
import java.util.function.BiConsumer;

/** What the operation handlers share: stores, settings, the clock, the bus, and common checks. */
final class Env {

  private static final Logger LOG = LoggerFactory.getLogger(Env.class);

  /** Registers one operation handler. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);
  }

  final Vertx vertx;
  final CommunityStore store;
  final ContentStore content;
  final Settings settings;
  final Outbox outbox;
  final Clock clock;
  private final BiConsumer<String, JsonObject> publisher;

  Env(Vertx vertx, CommunityStore store, ContentStore content, Settings settings, Outbox outbox, Clock clock,
      BiConsumer<String, JsonObject> publisher) {
    this.vertx = vertx;
    this.store = store;
    this.content = content;
    this.settings = settings;
    this.outbox = outbox;
    this.clock = clock;
    this.publisher = publisher;
  }

  /** Publishes {@code events.communities.<name>}; the organisation is always part of the event. */
  void publish(String name, String org, JsonObject event) {
    publisher.accept(name, event.put("org", org));
  }

  /** Public profiles of some users through {@code profiles.lookup}; empty when profiles cannot answer. */
  Future<JsonObject> profiles(String org, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return vertx.eventBus().<JsonObject>request("profiles.lookup",
        new JsonObject().put("org", org).put("ids", new JsonArray(new java.util.ArrayList<>(ids))),
        new DeliveryOptions().setSendTimeout(settings.profileLookupTimeoutMs))
      .map(msg -> {
        Object body = msg.body();
        Object profiles = body instanceof JsonObject ? ((JsonObject) body).getValue("profiles") : null;
        return profiles instanceof JsonObject ? (JsonObject) profiles : new JsonObject();
      })
      .otherwise(err -> {
        LOG.debug("profiles.lookup did not answer: {}", err.getMessage());
        return new JsonObject();
      });
  }

  // ---- checks -------------------------------------------------------------------------------------

  static UUID uuid(String value, String what) {
    return ApiRequest.uuidOr404(value, what);
  }

  /** A community the caller may see: it exists and is public, or the caller belongs to it. Else 404. */
  static Community visible(Community c) {
    if (c == null || (c.isPrivate && c.callerRole == null)) {
      throw ApiError.notFound("community not found");
    }
    return c;
  }

  static void visible(boolean exists, boolean isPrivate, String callerRole) {
    if (!exists || (isPrivate && callerRole == null)) {
      throw ApiError.notFound("community not found");
    }
  }

  /** 403 unless the caller holds at least {@code min} in the community. */
  static void require(String callerRole, String min, String message) {
    if (!Roles.atLeast(callerRole, min)) {
      throw ApiError.forbidden(message);
    }
  }

  static int page(ApiRequest req) {
    return req.queryInt("page", 1);
  }

  static int limit(ApiRequest req, int def) {
    return req.queryInt("limit", def);
  }

  static JsonObject pageOf(JsonArray data, long total, Integer page, int limit) {
    return new JsonObject().put("data", data).put("total", total).put("page", page).put("limit", limit);
  }

  static ApiError badField(String field, String message) {
    return new ApiError(400, "bad_request", message,
      new JsonArray().add(new JsonObject().put("path", "/" + field).put("message", message)));
  }
}
