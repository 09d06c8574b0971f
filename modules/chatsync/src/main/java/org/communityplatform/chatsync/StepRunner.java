package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Carries out one step at Stream and records the outcome: done, or a failed attempt with its error and
 * the time of the next one (exponential back-off with jitter; Stream's Retry-After when longer). A step
 * Stream refuses outright (a 4xx other than 401, 403, 408, 429), or one that failed
 * {@code retry.maxAttempts} times, is marked failed and holds its queue until an operator retries it.
 * A channel Stream does not have (404) needs no member change, rename or deletion: that step is done.
 */
final class StepRunner {

  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);
  /** Stream upserts at most 100 users per request. */
  private static final int USERS_PER_CALL = 100;
  /** Steps of a queue looked at for merging with its head. */
  private static final int MERGE_WINDOW = 200;
  private static final Set<String> MERGEABLE = Set.of("upsert_users", "add_members", "remove_members");

  private final Bus bus;
  private final SyncStore store;
  private final StreamClient stream;
  private final Settings settings;
  private final Clock clock;
  private final Backoff backoff;

  StepRunner(Bus bus, SyncStore store, StreamClient stream, Settings settings, Clock clock) {
    this.bus = bus;
    this.store = store;
    this.stream = stream;
    this.settings = settings;
    this.clock = clock;
    this.backoff = new Backoff(settings.retryBaseMs, settings.retryMaxMs);
  }

  /**
   * Runs the step and records its outcome; the future fails only when the outcome could not be recorded.
   * Member changes waiting right behind it in its queue go with it in one call (a burst of joins to one
   * community is a few calls, not one per member): upserts and additions together (every user still
   * upserted before being added), removals together. On failure only the head counts an attempt.
   */
  Future<Void> run(Row step) {
    String kind = step.getString("kind");
    if (!MERGEABLE.contains(kind)) {
      return runOne(step);
    }
    return store.queueFront(step.getString("queue"), MERGE_WINDOW).compose(front -> {
      List<Row> batch = new ArrayList<>();
      Set<String> adds = new LinkedHashSet<>();
      Set<String> upserts = new LinkedHashSet<>();
      boolean removing = kind.equals("remove_members");
      for (Row r : front) {
        String k = r.getString("kind");
        boolean fits = removing ? k.equals("remove_members") : !k.equals("remove_members") && MERGEABLE.contains(k);
        List<String> ids = strings(r.getJsonObject("payload").getJsonArray("userIds"));
        if (!"pending".equals(r.getString("status")) || !fits || (!batch.isEmpty() && adds.size() + ids.size() > USERS_PER_CALL)) {
          break;
        }
        batch.add(r);
        (k.equals("upsert_users") ? upserts : adds).addAll(ids);
      }
      if (batch.size() <= 1 || batch.get(0).getLong("id").longValue() != step.getLong("id").longValue()) {
        return runOne(step);
      }
      String org = step.getString("org");
      String type = step.getString("channel_type");
      String channel = step.getString("queue");
      JsonArray members = new JsonArray(new ArrayList<>(adds));
      Future<String> outcome = removing
        ? gone(stream.removeMembers(type, channel, members), "the channel is not at Stream")
        : upsert(org, new ArrayList<>(upserts)).compose(x -> adds.isEmpty() ? Future.succeededFuture((String) null)
          : gone(stream.addMembers(type, channel, members), "the channel is not at Stream"));
      List<Long> ids = new ArrayList<>();
      batch.forEach(r -> ids.add(r.getLong("id")));
      return outcome.compose(note -> store.markAllDone(ids, now()), err -> failed(step, err));
    });
  }

  private Future<Void> runOne(Row step) {
    long id = step.getLong("id");
    Future<String> outcome;
    try {
      outcome = execute(step);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.compose(note -> store.markDone(id, now(), note), err -> failed(step, err));
  }

  private Future<String> execute(Row step) {
    String org = step.getString("org");
    String type = step.getString("channel_type");
    String channel = step.getString("queue");
    JsonObject p = step.getJsonObject("payload");
    switch (step.getString("kind")) {
      case "upsert_users":
        return upsert(org, strings(p.getJsonArray("userIds"))).map((String) null);
      case "create_channel":
        return create(org, type, channel, p);
      case "add_members":
        return gone(stream.addMembers(type, channel, p.getJsonArray("userIds")), "the channel is not at Stream");
      case "remove_members":
        return gone(stream.removeMembers(type, channel, p.getJsonArray("userIds")), "the channel is not at Stream");
      case "rename_channel":
        return (p.getString("name") != null ? Future.succeededFuture(new JsonObject().put("name", p.getString("name")))
          : current(org, p)).compose(now -> now == null ? Future.succeededFuture("skipped: it no longer exists")
          : gone(stream.updateChannel(type, channel, new JsonObject().put("name", now.getString("name"))),
            "the channel is not at Stream"));
      case "delete_channel":
        return gone(stream.deleteChannel(type, channel), "the channel was not at Stream");
      default:
        return Future.failedFuture(new IllegalStateException("unknown step " + step.getString("kind")));
    }
  }

  /** Creates the channel, named and owned as planned, or as the communities module says now. */
  private Future<String> create(String org, String type, String channel, JsonObject p) {
    boolean known = p.getString("name") != null && p.getString("createdBy") != null;
    return (known ? Future.succeededFuture(p) : current(org, p)).compose(now -> {
      if (now == null) {
        return Future.succeededFuture("skipped: it no longer exists");
      }
      String name = p.getString("name") != null ? p.getString("name") : now.getString("name");
      String creator = p.getString("createdBy") != null ? p.getString("createdBy")
        : now.getString("createdBy") != null ? now.getString("createdBy") : settings.systemUserId;
      // the creator was upserted before this step only when the event named it
      Future<Void> owner = p.getString("createdBy") != null ? Future.succeededFuture() : upsert(org, List.of(creator));
      JsonObject data = new JsonObject().put("created_by_id", creator).put("name", name)
        .put("members", p.getJsonArray("members", new JsonArray()));
      return owner.compose(x -> stream.getOrCreateChannel(type, channel, data)).map((String) null);
    });
  }

  /** Upserts users with their display names from {@code profiles.lookup} (ids only when profiles is not running). */
  private Future<Void> upsert(String org, List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < ids.size(); i += USERS_PER_CALL) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + USERS_PER_CALL));
      chain = chain.compose(x -> profiles(org, chunk)).compose(profiles -> {
        List<JsonObject> users = new ArrayList<>();
        for (String id : chunk) {
          JsonObject user = new JsonObject().put("id", id);
          JsonObject profile = profiles.getJsonObject(id);
          String name = profile == null ? null : profile.getString("displayName");
          if (name != null && !name.isBlank()) {
            user.put("name", name);
          }
          users.add(user);
        }
        return stream.upsertUsers(users).mapEmpty();
      });
    }
    return chain;
  }

  private Future<JsonObject> profiles(String org, List<String> ids) {
    // without a profiles module anywhere, users go to Stream without names
    return bus.askIfRunning("profiles.lookup", new JsonObject().put("org", org).put("ids", new JsonArray(new ArrayList<>(ids))),
        new JsonObject())
      .map(reply -> reply.getJsonObject("profiles", new JsonObject()));
  }

  /** The community or group as it is now ({@code name}, {@code createdBy}) from {@code communities.export}; null when gone. */
  private Future<JsonObject> current(String org, JsonObject p) {
    return bus.ask("communities.export", new JsonObject().put("org", org).put("communityId", p.getString("communityId"))
      .put("memberLimit", 1)).map(reply -> {
        JsonArray list = reply.getJsonArray("communities", new JsonArray());
        if (list.isEmpty()) {
          return null;
        }
        JsonObject c = list.getJsonObject(0);
        if (!"group".equals(p.getString("kind"))) {
          return c;
        }
        for (Object g : c.getJsonArray("groups", new JsonArray())) {
          if (p.getString("groupId").equals(((JsonObject) g).getString("id"))) {
            return (JsonObject) g;
          }
        }
        return null;
      });
  }

  /** A 404 from Stream means the channel is not there: the step has nothing to do. */
  private static Future<String> gone(Future<JsonObject> call, String note) {
    return call.map((String) null).recover(err -> err instanceof StreamFailure && ((StreamFailure) err).notFound()
      ? Future.succeededFuture("skipped: " + note) : Future.failedFuture(err));
  }

  private Future<Void> failed(Row step, Throwable err) {
    long id = step.getLong("id");
    int attempts = step.getInteger("attempts") + 1;
    StreamFailure sf = err instanceof StreamFailure ? (StreamFailure) err : null;
    boolean giveUp = (sf != null && sf.permanent()) || attempts >= settings.maxAttempts;
    long delay = Math.max(backoff.delayMs(attempts), sf == null ? 0 : sf.retryAfterMs);
    String message = sf != null ? sf.getMessage() : describe(err);
    OffsetDateTime now = now();
    LOG.info("chatsync: step {} ({} {}) attempt {} failed: {}{}", id, step.getString("kind"), step.getString("queue"),
      attempts, message, giveUp ? "; given up" : "");
    return store.markFailed(id, giveUp ? "failed" : "pending", sf == null ? 0 : sf.status, message,
      now.plusNanos(delay * 1_000_000), now);
  }

  private static String describe(Throwable err) {
    if (err instanceof ApiError) {
      // another module's answer (or its absence) to a request over the bus
      ApiError e = (ApiError) err;
      return "bus: " + e.status() + " " + e.code() + ": " + e.getMessage();
    }
    String m = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return m.length() > 500 ? m.substring(0, 500) : m;
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  private static List<String> strings(JsonArray a) {
    List<String> list = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> list.add(String.valueOf(o)));
    }
    return list;
  }
}
