package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;

import java.util.UUID;
import java.util.regex.Pattern;

/** Module-to-module addresses of the pages module (docs/MODULES.md). */
final class InternalOps {

  static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  private static final java.util.Set<String> ACTIONS = java.util.Set.of("remove_post", "mute", "ban");

  private final Env env;
  private final ModerationOps moderation;

  InternalOps(Env env, ModerationOps moderation) {
    this.env = env;
    this.moderation = moderation;
  }

  void register(Env.Registry r) {
    // the member ids of a page, for the profiles module's people search
    r.internal("pages.memberIds", this::memberIds);
    r.internal("pages.membership", this::membership);
    r.internal("pages.postInfo", this::postInfo);
    r.internal("pages.moderate", this::moderate);
  }

  /** {org, pageId, userId} → {exists, visibility, member, role}. */
  private Future<JsonObject> membership(JsonObject msg) {
    String org = org(msg);
    UUID id = uuidOrNull(msg.getValue("pageId"));
    String user = msg.getValue("userId") instanceof String ? msg.getString("userId") : null;
    JsonObject none = new JsonObject().put("exists", false).put("visibility", (String) null).put("member", false)
      .put("role", (String) null);
    if (org == null || id == null) {
      return Future.succeededFuture(none);
    }
    return env.store.access(env.pool, org, id, user, null).map(a -> a == null ? none
      : new JsonObject().put("exists", true).put("visibility", a.page().getString("visibility"))
        .put("member", a.role() != null).put("role", a.role()));
  }

  /** {org, postId} → {exists, pageId, authorId}. */
  private Future<JsonObject> postInfo(JsonObject msg) {
    String org = org(msg);
    UUID id = uuidOrNull(msg.getValue("postId"));
    JsonObject none = new JsonObject().put("exists", false).put("pageId", (String) null).put("authorId", (String) null);
    if (org == null || id == null) {
      return Future.succeededFuture(none);
    }
    return env.posts.info(env.pool, org, id).map(p -> p == null ? none
      : new JsonObject().put("exists", true).put("pageId", p.getString("pageId")).put("authorId", p.getString("authorId")));
  }

  /**
   * {org, actorId, reqId, pageId, action: remove_post|mute|ban, postId?, targetUserId?, reason, expiresAt?}
   * → {done: true}: the actor's right is checked and the act recorded (event and audit) in one transaction;
   * 400/403/404/409 as ApiError otherwise.
   */
  private Future<JsonObject> moderate(JsonObject msg) {
    String org = org(msg);
    UUID pageId = uuidOrNull(msg.getValue("pageId"));
    String actor = text(msg, "actorId", 200);
    String action = text(msg, "action", 20);
    String reason = text(msg, "reason", 1000);
    String reqId = msg.getValue("reqId") instanceof String ? msg.getString("reqId") : null;
    if (org == null || actor == null || action == null || !ACTIONS.contains(action) || reason == null) {
      throw ApiError.badRequest("pages.moderate takes org, actorId, pageId, action (remove_post, mute or ban) and reason");
    }
    if (pageId == null) {
      throw ApiError.notFound("page not found");
    }
    Future<?> done;
    if (action.equals("remove_post")) {
      UUID postId = uuidOrNull(msg.getValue("postId"));
      if (postId == null) {
        throw ApiError.notFound("post not found");
      }
      done = moderation.removePost(org, actor, reqId, pageId, postId, reason);
    } else {
      String target = text(msg, "targetUserId", 200);
      Object expires = msg.getValue("expiresAt");
      if (target == null || (expires != null && !(expires instanceof String))) {
        throw ApiError.badRequest("mute and ban take targetUserId and an optional expiresAt (RFC 3339)");
      }
      done = moderation.impose(org, actor, reqId, pageId, action, target, reason, (String) expires);
    }
    return done.map(x -> new JsonObject().put("done", true));
  }

  private static String text(JsonObject msg, String key, int max) {
    Object v = msg.getValue(key);
    return v instanceof String && !((String) v).isBlank() && ((String) v).length() <= max ? (String) v : null;
  }

  /** {org, pageId, limit?, viewerId?} → {exists, userIds}: a private page only for one of its members. */
  private Future<JsonObject> memberIds(JsonObject msg) {
    String org = org(msg);
    UUID id = uuidOrNull(msg.getValue("pageId"));
    JsonObject none = new JsonObject().put("userIds", new JsonArray()).put("exists", false);
    if (org == null || id == null) {
      return Future.succeededFuture(none);
    }
    int limit = msg.getValue("limit") instanceof Number ? msg.getInteger("limit") : 1000;
    int bounded = Math.max(1, Math.min(limit, 10_000));
    String viewer = msg.getValue("viewerId") instanceof String ? msg.getString("viewerId") : null;
    return env.store.access(env.pool, org, id, viewer, null).compose(a -> a == null || !a.visible()
      ? Future.succeededFuture(none)
      : env.store.memberIds(env.pool, org, id, bounded)
        .map(ids -> new JsonObject().put("userIds", new JsonArray(ids)).put("exists", true)));
  }

  static String org(JsonObject msg) {
    Object org = msg.getValue("org");
    return org instanceof String && ORG.matcher((String) org).matches() ? (String) org : null;
  }

  static UUID uuidOrNull(Object v) {
    try {
      return v instanceof String ? UUID.fromString((String) v) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
