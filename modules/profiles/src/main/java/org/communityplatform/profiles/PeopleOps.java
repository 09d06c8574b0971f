package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The people directory (people API) and the community cloud's member profiles (members API). */
final class PeopleOps {

  /** People search within a page looks at this many of its members at most. */
  private static final int PAGE_MEMBER_LIMIT = 10000;

  private final Env env;
  private final ProfilesStore store;

  PeopleOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("searchPeople", this::searchPeople);
    r.op("getPersonByEmail", this::getPersonByEmail);
    r.op("syncUser", this::syncUser);
    r.op("getMemberProfile", this::getMemberProfile);
    r.op("updateMemberProfile", this::updateMemberProfile);
  }

  private Future<ApiReply> searchPeople(ApiRequest req) {
    String org = req.org();
    String q = req.queryString("q");
    String pageId = req.queryString("page");
    int limit = req.queryInt("limit", 20);
    int offset = req.queryInt("offset", 0);
    if (q == null && pageId == null) {
      return Future.succeededFuture(ApiReply.ok(new JsonObject().put("data", new JsonArray()).put("total", 0)));
    }
    String viewer = Env.viewer(req);
    return pageMembers(org, pageId, viewer)
      .compose(ids -> env.directory.searchPeople(org, q, ids, viewer, limit, offset))
      .map(result -> {
        JsonArray data = new JsonArray();
        result.rows.forEach(r -> data.add(Views.person(r)));
        JsonObject body = new JsonObject().put("data", data).put("total", result.total);
        if (!result.exact) {
          body.put("totalExact", false);
        }
        return ApiReply.ok(body);
      });
  }

  /** The members of a page (pages.memberIds) as the viewer may see them; null without a page. */
  private Future<List<String>> pageMembers(String org, String pageId, String viewer) {
    if (pageId == null) {
      return Future.succeededFuture(null);
    }
    JsonObject ask = new JsonObject().put("org", org).put("pageId", pageId).put("limit", PAGE_MEMBER_LIMIT);
    if (viewer != null) {
      // a private page shows its members only to its own members
      ask.put("viewerId", viewer);
    }
    return env.ask("pages.memberIds", ask).map(body -> {
      if (!body.getBoolean("exists", true)) {
        throw ApiError.notFound("page not found");
      }
      List<String> ids = new ArrayList<>();
      body.getJsonArray("userIds", new JsonArray()).forEach(v -> {
        if (v instanceof String) {
          ids.add((String) v);
        }
      });
      return ids;
    });
  }

  private Future<ApiReply> getPersonByEmail(ApiRequest req) {
    String email = Fields.email(req.pathParam("email"));
    if (email == null) {
      throw ApiError.notFound("person not found");
    }
    return store.activePersonByEmail(req.org(), email).map(row -> {
      if (row == null) {
        throw ApiError.notFound("person not found");
      }
      return ApiReply.ok(Views.person(row));
    });
  }

  private Future<ApiReply> syncUser(ApiRequest req) {
    String me = Env.caller(req);
    String org = req.org();
    String name = Fields.claimName(req);
    String email = Fields.email(req.claim("email"));
    String picture = Fields.url(req.claim("picture"));
    return store.own(org, me).compose(before -> {
      if (before != null) {
        if (!"person".equals(before.getString("type"))) {
          throw ApiError.forbidden("a community profile cannot act as a user");
        }
        Env.requireActive(before);
      }
      return store.sync(org, me, name, email, picture, env.initialRoles(org, null, me)).map(e -> {
        Row row = e.getKey();
        if (e.getValue()) {
          env.publish("user.created", Views.event(org, row));
          return ApiReply.created(Views.member(row));
        }
        if (before == null || !row.getOffsetDateTime("updated_at").isEqual(before.getOffsetDateTime("updated_at"))) {
          env.publish("user.updated", Views.event(org, row));
        }
        return ApiReply.ok(Views.member(row));
      });
    });
  }

  private Future<ApiReply> getMemberProfile(ApiRequest req) {
    Env.caller(req);
    return store.publicById(req.org(), req.pathParam("id")).map(row -> {
      if (row == null) {
        throw ApiError.notFound("member not found");
      }
      return ApiReply.ok(Views.member(row));
    });
  }

  private Future<ApiReply> updateMemberProfile(ApiRequest req) {
    String me = Env.caller(req);
    if (!me.equals(req.pathParam("id"))) {
      throw ApiError.forbidden("you can only change your own profile");
    }
    JsonObject b = req.body();
    String org = req.org();
    Map<String, Object> cols = ProfilesStore.columns();
    if (b.containsKey("displayName")) {
      String name = Fields.clean(b.getString("displayName"), 80);
      if (name == null || name.length() < 2) {
        throw ApiError.badRequest("'displayName' must be 2-80 characters");
      }
      cols.put("name", name);
    }
    if (b.containsKey("bio")) {
      cols.put("bio", Fields.text(b, "bio", 500));
    }
    if (b.containsKey("phoneNumber")) {
      cols.put("phone", Fields.text(b, "phoneNumber", 20));
    }
    if (b.containsKey("avatarUrl")) {
      String url = b.getString("avatarUrl");
      if (url != null && Fields.url(url) == null) {
        throw ApiError.badRequest("'avatarUrl' must be an http(s) URL");
      }
      cols.put("image", url == null ? null : url.trim());
    }
    return env.self(req).compose(row -> store.update(org, me, cols)).map(row -> {
      env.publish("user.updated", Views.event(org, row));
      return ApiReply.ok(Views.member(row));
    });
  }
}
