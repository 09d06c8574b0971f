package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-off catch-up of an organisation's existing communities, groups and members (issue 17: keys
 * switched on later). It pages through {@code communities.export} (communities in id order, large
 * member lists in slices) and plans each community in its own transaction under the planning lock,
 * so that it interleaves safely with the event reader; what is already planned queues nothing, so
 * running it again is harmless. Its progress is kept in {@code chatsync.backfills}.
 */
final class Backfill {

  private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
  private static final int COMMUNITIES_PER_PAGE = 20;
  private static final int MEMBERS_PER_SLICE = 1000;

  private final Bus bus;
  private final SyncStore store;
  private final Planner planner;
  private final Clock clock;

  Backfill(Bus bus, SyncStore store, Planner planner, Clock clock) {
    this.bus = bus;
    this.store = store;
    this.planner = planner;
    this.clock = clock;
  }

  /** Runs the backfill of {@code org} to its end, recording progress and outcome; the future always succeeds. */
  Future<Void> run(String org) {
    int[] counts = new int[2];
    return page(org, null, counts)
      .compose(x -> store.finishBackfill(org, "done", null, now()))
      .recover(err -> {
        LOG.warn("chatsync: backfill of {} failed: {}", org, err.toString());
        String msg = err.getMessage() == null ? err.toString() : err.getMessage();
        return store.finishBackfill(org, "failed", msg.length() > 500 ? msg.substring(0, 500) : msg, now());
      })
      .recover(err -> Future.succeededFuture());
  }

  private Future<Void> page(String org, String after, int[] counts) {
    JsonObject ask = new JsonObject().put("org", org).put("limit", COMMUNITIES_PER_PAGE).put("memberLimit", MEMBERS_PER_SLICE);
    if (after != null) {
      ask.put("afterCommunityId", after);
    }
    return export(ask).compose(reply -> {
      Future<Void> chain = Future.succeededFuture();
      for (Object o : reply.getJsonArray("communities", new JsonArray())) {
        JsonObject c = (JsonObject) o;
        chain = chain.compose(x -> store.pool().withTransaction(tx -> store.lockPlanning(tx)
            .compose(y -> planner.planExisting(tx, org, c, now()))))
          .compose(x -> moreMembers(org, c.getString("id"), c.getString("membersNext")))
          .compose(x -> {
            counts[0]++;
            counts[1] += c.getJsonArray("groups", new JsonArray()).size();
            return store.backfillProgress(org, counts[0], counts[1]);
          });
      }
      String next = reply.getString("next");
      return chain.compose(x -> next == null ? Future.succeededFuture() : page(org, next, counts));
    });
  }

  private Future<Void> moreMembers(String org, String communityId, String afterUserId) {
    if (afterUserId == null) {
      return Future.succeededFuture();
    }
    return export(new JsonObject().put("org", org).put("communityId", communityId).put("afterUserId", afterUserId)
        .put("memberLimit", MEMBERS_PER_SLICE))
      .compose(reply -> {
        JsonArray list = reply.getJsonArray("communities", new JsonArray());
        if (list.isEmpty()) {
          return Future.succeededFuture();
        }
        JsonObject c = list.getJsonObject(0);
        List<String> ids = new ArrayList<>();
        c.getJsonArray("memberIds", new JsonArray()).forEach(id -> ids.add(String.valueOf(id)));
        return store.pool().withTransaction(tx -> store.lockPlanning(tx)
            .compose(y -> planner.planMoreMembers(tx, org, communityId, ids, now())))
          .compose(x -> moreMembers(org, communityId, c.getString("membersNext")));
      });
  }

  private Future<JsonObject> export(JsonObject ask) {
    return bus.ask("communities.export", ask);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }
}
