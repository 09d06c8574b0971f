package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.regex.Pattern;

/** Module-to-module addresses of the pages module (docs/MODULES.md). */
final class InternalOps {

  static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

  private final Env env;

  InternalOps(Env env) {
    this.env = env;
  }

  void register(Env.Registry r) {
    // the member ids of a page, for the profiles module's people search
    r.internal("pages.memberIds", this::memberIds);
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
