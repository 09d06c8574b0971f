package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.events.EventLog;
import org.communityplatform.core.mail.Outbox;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.throttle.Throttle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the operation classes share: the stores, settings, the clock, the logs, the bus, common checks. */
final class Env {

  private static final Logger LOG = LoggerFactory.getLogger(Env.class);

  /** Registers operations, internal addresses and listeners of published facts. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);

    void internal(String address, ApiVerticle.Internal handler);

    void on(String address, java.util.function.Consumer<JsonObject> handler);
  }

  final Pool pool;
  final PagesStore store;
  final PostStore posts;
  final InviteStore invites;
  final SanctionStore sanctions;
  final Settings settings;
  final Outbox outbox;
  final Clock clock;
  final EventLog events;
  final AuditLog audit;
  final Throttle throttle;
  private final BiConsumer<String, JsonObject> publisher;
  private final BiFunction<String, JsonObject, Future<JsonObject>> asker;

  Env(ModuleContext ctx, Settings settings, BiConsumer<String, JsonObject> publisher,
      BiFunction<String, JsonObject, Future<JsonObject>> asker) {
    this.pool = ctx.pool();
    this.store = new PagesStore();
    this.posts = new PostStore();
    this.invites = new InviteStore();
    this.sanctions = new SanctionStore();
    this.settings = settings;
    this.outbox = ctx.outbox();
    this.clock = ctx.clock();
    this.events = ctx.events();
    this.audit = ctx.audit();
    this.throttle = ctx.throttle();
    this.publisher = publisher;
    this.asker = asker;
  }

  /** The platform clock's now, to the microsecond PostgreSQL keeps. */
  OffsetDateTime now() {
    return OffsetDateTime.now(clock).truncatedTo(ChronoUnit.MICROS);
  }

  /** Publishes {@code events.pages.<name>} (call only after the change committed). */
  void publish(String name, JsonObject fact) {
    publisher.accept(name, fact);
  }

  /** Asks another module (request/reply); failures arrive as {@link ApiError}. */
  Future<JsonObject> ask(String address, JsonObject message) {
    return asker.apply(address, message);
  }

  /**
   * Public profiles of some users ({@code profiles.lookup}), one request for all; an empty object when
   * the profiles module does not answer (rows then carry a null profile). Email addresses come back
   * only where {@code viewer} may see them: their own, or every member's when {@code manages} (an
   * owner or admin of the page, or an organisation admin; issue 10, item 9).
   */
  Future<JsonObject> profiles(String org, Collection<String> ids, String viewer, boolean manages) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject());
    }
    JsonObject ask = new JsonObject().put("org", org).put("ids", new JsonArray(List.copyOf(ids)));
    if (viewer != null) {
      ask.put("withEmail", true).put("viewerId", viewer).put("viewerManages", manages);
    }
    return ask("profiles.lookup", ask)
      .map(body -> body.getValue("profiles") instanceof JsonObject ? body.getJsonObject("profiles") : new JsonObject())
      .otherwise(err -> {
        LOG.debug("profiles.lookup did not answer: {}", err.toString());
        return new JsonObject();
      });
  }

  /**
   * Puts the profile of the user each row of {@code list.data} names in {@code idField} under {@code into}
   * (one {@code profiles.lookup} for the page), as the viewer may see it ({@link Views#profileFor}: emails
   * for the viewer's own row, for page owners and admins ({@code viewerRole}) and organisation admins).
   */
  Future<JsonObject> withProfiles(String org, JsonObject list, String idField, String into, String viewer,
                                  String viewerRole, boolean orgAdmin) {
    JsonArray data = list.getJsonArray("data");
    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
    data.forEach(o -> ids.add(((JsonObject) o).getString(idField)));
    return profiles(org, ids, viewer, orgAdmin || Roles.manager(viewerRole)).map(profiles -> {
      data.forEach(o -> {
        JsonObject row = (JsonObject) o;
        Object p = profiles.getValue(row.getString(idField));
        row.put(into, Views.profileFor(p, row.getString(idField), viewer, viewerRole, orgAdmin));
      });
      return list;
    });
  }

  /**
   * The list answer of a slice fetched with {@link Paging#fetch()} rows: at most {@code limit} rows,
   * the total, and {@code nextCursor} (the key of the last row answered) when more rows follow.
   */
  static JsonObject result(Paging paging, PagesStore.Slice s, Function<JsonObject, String> cursorOf,
                           Function<JsonObject, JsonObject> view) {
    List<JsonObject> rows = s.rows();
    int n = Math.min(rows.size(), paging.limit());
    JsonArray data = new JsonArray();
    for (int i = 0; i < n; i++) {
      data.add(view.apply(rows.get(i)));
    }
    String next = rows.size() > paging.limit() ? cursorOf.apply(rows.get(n - 1)) : null;
    return paging.result(data, s.total(), next).put("nextCursor", next);
  }

  // ---- event log, audit log, rate limits ------------------------------------------------------------

  /** An event of the page {@code pageId} caused by {@code actor} (BRIEF.md event types). */
  static Event event(String type, String org, String actor, Object pageId) {
    return Event.of(type, org).actor(actor).subject("pageId", pageId);
  }

  /** Appends events in the transaction of {@code c}. */
  Future<Void> append(SqlClient c, Event... es) {
    return events.appendAll(c, List.of(es));
  }

  /** An audit entry of an act on the page {@code pageId} (the scope its owner and admins read). */
  static AuditEntry entry(String org, String action, String actor, String reqId, Object pageId, String targetType,
                          Object targetId) {
    return AuditEntry.of(org, action).actor(actor).reqId(reqId).scope(pageId).target(targetType, targetId);
  }

  /** Appends an audit entry in the transaction of {@code c}. */
  Future<Void> audit(SqlClient c, AuditEntry e) {
    return audit.append(c, e).mapEmpty();
  }

  /**
   * Runs a rate-limited write: one hit under {@code limit} per user and one under
   * {@code <limit>ByAddress} per client address (limits in config/platform.yaml, {@code throttle.*}).
   * Every answer, success or error, carries {@code RateLimit-Policy} and {@code RateLimit} for both
   * (draft-ietf-httpapi-ratelimit-headers); over either limit the answer is 429 with Retry-After and
   * the write does not run.
   */
  Future<ApiReply> limited(ApiRequest req, String limit, Supplier<Future<ApiReply>> write) {
    String user = req.requireUser();
    String address = req.clientAddress() == null ? "unknown" : req.clientAddress();
    return throttle.hit(java.util.List.of(new Throttle.Hit(limit, req.org() + ":" + user),
        new Throttle.Hit(limit + "ByAddress", req.org() + ":" + address)))
      .compose(all -> {
        Throttle.State byUser = all.get(0);
        Throttle.State byAddress = all.get(1);
        String policy = byUser.policyHeader() + ", " + byAddress.policyHeader();
        String state = byUser.rateLimitHeader() + ", " + byAddress.rateLimitHeader();
        Throttle.State over = byUser.exceeded() ? byUser : byAddress.exceeded() ? byAddress : null;
        if (over != null) {
          return Future.failedFuture(ApiError.tooManyRequests("too many writes of this kind; try again in "
              + over.resetSeconds() + " s", over.resetSeconds())
            .withHeader("RateLimit-Policy", policy).withHeader("RateLimit", state));
        }
        Future<ApiReply> f;
        try {
          f = write.get();
        } catch (RuntimeException e) {
          f = Future.failedFuture(e);
        }
        return f.map(reply -> reply.header("RateLimit-Policy", policy).header("RateLimit", state))
          .recover(err -> Future.failedFuture(ApiError.from(err).withHeader("RateLimit-Policy", policy)
            .withHeader("RateLimit", state)));
      });
  }

  // ---- checks -------------------------------------------------------------------------------------

  /** Whether the caller is an organisation admin (sees every member's address). */
  static boolean orgAdmin(ApiRequest req) {
    return req.hasRole("admin");
  }

  static UUID pageId(ApiRequest req) {
    return ApiRequest.uuidOr404(req.pathParam("pageId"), "page");
  }

  /** The page if the caller may see it; 404 otherwise (a private page is invisible to outsiders). */
  static Access visible(Access a) {
    if (a == null || !a.visible()) {
      throw ApiError.notFound("page not found");
    }
    return a;
  }

  /** 403 unless the caller is the page's owner or an admin. */
  static Access manager(Access a, String message) {
    visible(a);
    if (!a.manager()) {
      throw ApiError.forbidden(message);
    }
    return a;
  }
}
