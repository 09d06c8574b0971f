package org.communityplatform.backlog;

import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.UUID;

/** Serves the backlog operations of the contract over the bus. */
final class BacklogVerticle extends ApiVerticle {

  private final BacklogStore store;

  BacklogVerticle(ModuleContext ctx, BacklogStore store) {
    super(ctx);
    this.store = store;
  }

  @Override
  protected void register() {
    operation("listBacklog", req -> {
      int page = req.queryInt("page", 1);
      int limit = req.queryInt("limit", 50);
      return store.list(req.org(), req.query(), page, limit)
        .map(result -> ApiReply.ok(result.put("page", page).put("limit", limit)));
    });
    operation("createBacklogItem", req -> store.create(req.org(), req.userId(), req.body())
      .map(item -> {
        publish("item.created", item);
        return ApiReply.created(item);
      }));
    operation("getBacklogItem", req -> store.get(req.org(), id(req)).map(BacklogVerticle::found));
    operation("updateBacklogItem", req -> store.update(req.org(), req.userId(), id(req), req.body())
      .map(BacklogVerticle::found)
      .map(reply -> {
        publish("item.updated", (JsonObject) reply.body());
        return reply;
      }));
    operation("deleteBacklogItem", req -> {
      UUID id = id(req);
      return store.delete(req.org(), req.userId(), id).map(deleted -> {
        if (!deleted) {
          throw ApiError.notFound("backlog item not found");
        }
        publish("item.deleted", new JsonObject().put("id", id.toString()).put("org", req.org()));
        return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
      });
    });
  }

  private static UUID id(ApiRequest req) {
    return ApiRequest.uuidOr404(req.pathParam("id"), "backlog item");
  }

  private static ApiReply found(JsonObject item) {
    if (item == null) {
      throw ApiError.notFound("backlog item not found");
    }
    return ApiReply.ok(item);
  }
}
