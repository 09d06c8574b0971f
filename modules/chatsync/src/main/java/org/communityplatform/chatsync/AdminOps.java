package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.paging.KeysetCursor;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The operators' view of the Stream sync (chatsync/openapi.yaml): the state and the unfinished steps
 * of the caller's organisation, retrying a step, starting a backfill. Platform admins (role
 * {@code admin}) and organisation API tokens only; everything is scoped to {@code req.org()}.
 */
final class AdminOps {

  /** Published to every node when there is new work; the leader wakes up. */
  static final String WAKE = "chatsync.wake";
  private static final String CURSOR_KIND = "chatsync-steps";
  /** A backfill marked running for longer than this is taken to have died with its node. */
  private static final Duration BACKFILL_STALE = Duration.ofMinutes(10);

  /** Registers one operation handler. */
  interface Registry {
    void op(String operationId, ApiVerticle.Operation handler);
  }

  private final Vertx vertx;
  private final SyncStore store;
  private final Settings settings;
  private final Backfill backfill;
  private final Clock clock;

  AdminOps(Vertx vertx, SyncStore store, Settings settings, Backfill backfill, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.settings = settings;
    this.backfill = backfill;
    this.clock = clock;
  }

  void register(Registry r) {
    r.op("getStreamIntegration", this::state);
    r.op("retryStreamStep", this::retry);
    r.op("backfillStream", this::backfill);
  }

  /** Platform admins and organisation API tokens; 401 anonymous, 403 anyone else. */
  private static void requireOperator(ApiRequest req) {
    JsonObject p = req.principal();
    if (p == null) {
      throw ApiError.unauthorized("authentication required");
    }
    if (!p.getBoolean("apiToken", false) && !req.hasRole("admin")) {
      throw ApiError.forbidden("only platform admins and organisation API tokens may see the Stream integration");
    }
  }

  private Future<ApiReply> state(ApiRequest req) {
    requireOperator(req);
    String org = req.org();
    String status = req.queryString("status");
    int limit = Math.min(100, Math.max(1, req.queryInt("limit", 50)));
    List<String> cursor = KeysetCursor.decode(CURSOR_KIND, req.queryString("cursor"), 1);
    long after;
    try {
      after = cursor == null ? 0 : Long.parseLong(cursor.get(0));
    } catch (NumberFormatException e) {
      throw KeysetCursor.invalid();
    }
    Future<List<Row>> steps = store.openSteps(org, status, after, limit + 1);
    Future<JsonObject> counts = store.counts(org);
    Future<Row> last = store.backfill(org);
    return Future.all(steps, counts, last).map(x -> {
      List<Row> rows = steps.result();
      JsonArray data = new JsonArray();
      rows.stream().limit(limit).forEach(r -> data.add(Views.step(r)));
      JsonObject c = counts.result();
      long total = status == null ? c.getLong("pending") + c.getLong("failed") : c.getLong(status, 0L);
      JsonObject body = new JsonObject()
        .put("configured", settings.configured())
        .put("baseUrl", settings.baseUrl)
        .put("channelType", settings.channelType)
        .put("communityChannelPrefix", settings.communityPrefix)
        .put("groupChannelPrefix", settings.groupPrefix)
        .put("counts", c)
        .put("backfill", Views.backfill(last.result()))
        .put("data", data)
        .put("total", total)
        .put("limit", limit);
      if (rows.size() > limit) {
        body.put("nextCursor", KeysetCursor.encode(CURSOR_KIND, rows.get(limit - 1).getLong("id")));
      }
      return ApiReply.ok(body);
    });
  }

  private Future<ApiReply> retry(ApiRequest req) {
    requireOperator(req);
    requireConfigured();
    String org = req.org();
    long id;
    try {
      id = Long.parseLong(req.pathParam("stepId"));
    } catch (NumberFormatException e) {
      throw ApiError.notFound("step not found");
    }
    return store.retry(org, id, OffsetDateTime.now(clock)).compose(row -> {
      if (row != null) {
        vertx.eventBus().publish(WAKE, new JsonObject());
        return Future.succeededFuture(ApiReply.ok(Views.step(row)));
      }
      return store.stepExists(org, id).map(exists -> {
        throw exists ? ApiError.conflict("the step is already done") : ApiError.notFound("step not found");
      });
    });
  }

  private Future<ApiReply> backfill(ApiRequest req) {
    requireOperator(req);
    requireConfigured();
    String org = req.org();
    OffsetDateTime now = OffsetDateTime.now(clock);
    return store.startBackfill(org, now, now.minus(BACKFILL_STALE)).compose(started -> {
      if (!started) {
        throw ApiError.conflict("a backfill of this organisation is already running");
      }
      // the request answers at once; the backfill goes on in the background and wakes the leader when done
      backfill.run(org).onComplete(x -> vertx.eventBus().publish(WAKE, new JsonObject()));
      return store.backfill(org).map(row -> ApiReply.status(202, Views.backfill(row)));
    });
  }

  private void requireConfigured() {
    if (!settings.configured()) {
      throw new ApiError(503, "not_configured",
        "Stream is not configured on this platform (modules.communities.stream.apiKey and secret)");
    }
  }
}
