package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.throttle.Throttle;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.UUID;
import java.util.function.Supplier;

/** What the operation handlers share: stores, settings, the clock, the bus, and common checks. */
final class Env {

  private static final Logger LOG = LoggerFactory.getLogger(Env.class);

  /** Registers one operation handler. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);
  }

  final Vertx vertx;
  final CommunityStore store;
  final JoinStore joins;
  final ContentStore content;
  final Settings settings;
  final Outbox outbox;
  final Clock clock;
  final ModerationStore moderation;
  final EventLog events;
  final AuditLog audit;
  final Throttle throttle;
  private final Bus bus;

  /** The verticle's side of the bus, as the handlers use it ({@link ApiVerticle#publish}, {@link ApiVerticle#ask}). */
  interface Bus {
    void publish(String name, JsonObject event);

    Future<JsonObject> ask(String address, JsonObject message);

    Future<JsonObject> ask(String address, JsonObject message, long timeoutMs);
  }

  Env(Vertx vertx, CommunityStore store, ContentStore content, Settings settings, Outbox outbox, Clock clock,
      EventLog events, AuditLog audit, Throttle throttle, Bus bus) {
    this.vertx = vertx;
    this.store = store;
    this.joins = new JoinStore(store.pool(), clock);
    this.content = content;
    this.settings = settings;
    this.outbox = outbox;
    this.clock = clock;
    this.moderation = new ModerationStore(store.pool());
    this.events = events;
    this.audit = audit;
    this.throttle = throttle;
    this.bus = bus;
  }

  /**
   * Publishes {@code events.communities.<name>} on the bus for in-process reactions; call it only after
   * the transaction that appended the matching event to the event log committed.
   */
  void publish(String name, String org, JsonObject event) {
    bus.publish(name, event.put("org", org));
  }

  /** Asks another module over the bus (request/reply); failures arrive as {@link ApiError}. */
  Future<JsonObject> ask(String address, JsonObject message) {
    return bus.ask(address, message);
  }

  /** Appends {@code e} to the event log in the transaction of {@code conn} (BRIEF: events in the same transaction). */
  Future<Void> event(SqlClient conn, Event e) {
    return events.append(conn, e).mapEmpty();
  }

  /** An event of this module's kind with the community as subject. */
  static Event ev(String type, String org, String actor, Object communityId) {
    return Event.of(type, org).actor(actor).subject("communityId", communityId);
  }

  /** Appends an audit entry scoped to a community, in the transaction of {@code conn}. */
  Future<Void> audit(SqlClient conn, ApiRequest req, String action, Object communityId, String targetType,
                     Object targetId, JsonObject before, JsonObject after) {
    return audit(conn, req.org(), req.reqId(), actor(req), action, communityId, targetType, targetId, before, after);
  }

  /** Appends an audit entry scoped to a community (for callers without an {@link ApiRequest}: the bus). */
  Future<Void> audit(SqlClient conn, String org, String reqId, String actor, String action, Object communityId,
                     String targetType, Object targetId, JsonObject before, JsonObject after) {
    return audit.append(conn, AuditEntry.of(org, action).actor(actor).scope(communityId)
      .target(targetType, targetId).before(before).after(after).reqId(reqId)).mapEmpty();
  }

  /** The actor recorded for a request: the user, or {@code api-token:<id>} for an organisation API token. */
  static String actor(ApiRequest req) {
    JsonObject p = req.principal();
    if (p == null) {
      return null;
    }
    if (p.getBoolean("apiToken", false)) {
      String sub = p.getString("sub");
      return sub != null && sub.startsWith("api-token:") ? sub : "api-token:" + sub;
    }
    return p.getString("sub");
  }

  /**
   * The fields that differ between two views of one thing, as {@code [before, after]} objects holding
   * only those fields; bookkeeping fields (updatedAt, counts) and anything about a password are left out.
   */
  static JsonObject[] diff(JsonObject before, JsonObject after) {
    JsonObject b = new JsonObject();
    JsonObject a = new JsonObject();
    java.util.Set<String> keys = new java.util.TreeSet<>(before.fieldNames());
    keys.addAll(after.fieldNames());
    for (String k : keys) {
      String lower = k.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("password") || lower.equals("updatedat") || lower.endsWith("count")) {
        continue;
      }
      Object x = before.getValue(k);
      Object y = after.getValue(k);
      if (!java.util.Objects.equals(x, y)) {
        b.put(k, x);
        a.put(k, y);
      }
    }
    return new JsonObject[] {b, a};
  }

  // ---- rate limits ----------------------------------------------------------------------------------

  /**
   * Runs a write under two limits of {@code config/platform.yaml} {@code throttle.*}: {@code <limit>PerUser}
   * keyed by organisation and user, {@code <limit>PerClient} keyed by organisation and client address.
   * Every answer (success or error) carries {@code RateLimit-Policy} and {@code RateLimit} of the tighter
   * of the two (draft-ietf-httpapi-ratelimit-headers); over either: 429 with {@code Retry-After}. An error
   * that already carries rate-limit headers (a 429 of an inner limit) keeps them: the headers of a
   * refusal name the limit that refused.
   */
  Future<ApiReply> limited(ApiRequest req, String limit, Supplier<Future<ApiReply>> op) {
    String user = req.requireUser();
    String org = req.org();
    return throttle.hit(java.util.List.of(new Throttle.Hit(limit + "PerUser", org + ":" + user),
        new Throttle.Hit(limit + "PerClient", org + ":" + req.clientAddress()))).compose(states -> {
        Throttle.State u = states.get(0);
        Throttle.State c = states.get(1);
        Throttle.State tight = tighter(u, c);
        if (u.exceeded() || c.exceeded()) {
          Throttle.State over = u.exceeded() ? u : c;
          return Future.failedFuture(over.error("too many " + describe(limit) + " for now; try again later"));
        }
        Future<ApiReply> f;
        try {
          f = op.get();
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        return f.map(reply -> reply.header("RateLimit-Policy", tight.policyHeader()).header("RateLimit", tight.rateLimitHeader()))
          .recover(err -> {
            ApiError e = ApiError.from(err);
            if (e.status() >= 500 && e.status() != 503) {
              // an unexpected failure keeps its stack trace for the log
              return Future.failedFuture(err);
            }
            if (e.headers() != null && e.headers().containsKey("RateLimit")) {
              // refused by an inner limit (a join secret's, say): its headers describe the refusal
              return Future.failedFuture(e);
            }
            return Future.failedFuture(e.withHeader("RateLimit-Policy", tight.policyHeader())
              .withHeader("RateLimit", tight.rateLimitHeader()));
          });
      });
  }

  private static Throttle.State tighter(Throttle.State a, Throttle.State b) {
    return b.remaining() < a.remaining() ? b : a;
  }

  private static String describe(String limit) {
    switch (limit) {
      case "communityPosts":
        return "posts";
      case "communityInvites":
        return "invites";
      default:
        return "join attempts";
    }
  }

  /**
   * Public profiles of some users through {@code profiles.lookup}; empty when profiles cannot answer.
   * Emails are asked for ({@code withEmail}) on behalf of {@code viewerId}; profiles includes them only
   * for the viewer's own profile, for organisation admins, and when {@code viewerManages} (the viewer is
   * an owner or admin of the community whose directory this is; issue 10, item 9).
   */
  Future<JsonObject> profiles(String org, Collection<String> ids, String viewerId, boolean viewerManages) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    return bus.ask("profiles.lookup",
        new JsonObject().put("org", org).put("ids", new JsonArray(new java.util.ArrayList<>(ids)))
          .put("withEmail", true).put("viewerId", viewerId).put("viewerManages", viewerManages),
        settings.profileLookupTimeoutMs)
      .map(body -> body.getValue("profiles") instanceof JsonObject ? body.getJsonObject("profiles") : new JsonObject())
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
