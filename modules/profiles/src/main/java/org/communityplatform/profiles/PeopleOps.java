package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.text.Text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The people directory (people API) and the community cloud's member profiles (members API). */
final class PeopleOps {

  /** The kind of people search's keyset cursors. */
  private static final String CURSOR = "people";
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

  /**
   * People search. A q without a letter or digit finds nothing (total 0). Counted per client
   * address ({@code throttle.peopleSearch}). Addresses are shown only to whom they belong, to org
   * admins, and (searching within a page) to the page's owners and admins; never to anonymous callers.
   * Only what the caller may see is matched: an address is searched only for those who see addresses.
   */
  private Future<ApiReply> searchPeople(ApiRequest req) {
    String org = req.org();
    String q = req.queryString("q");
    String pageId = req.queryString("page");
    int limit = req.queryInt("limit", 20);
    int offset = req.queryInt("offset", 0);
    Long after = DirectoryStore.after(CURSOR, req.queryString("cursor"));
    String viewer = Env.viewer(req);
    return env.throttle.acquire("peopleSearch", org + ":" + req.clientAddress(), "too many searches; try again later")
      .compose(x -> {
        if ((q == null && pageId == null) || (q != null && !Text.hasWords(q))) {
          return Future.succeededFuture(ApiReply.ok(new JsonObject().put("data", new JsonArray()).put("total", 0)));
        }
        Future<Boolean> seesAll = pageId == null ? env.isAdmin(org, viewer)
          : env.isAdmin(org, viewer).compose(admin -> admin ? Future.succeededFuture(true) : managesPage(org, pageId, viewer));
        return seesAll.compose(all -> pageMembers(org, pageId, viewer)
          .compose(ids -> env.directory.searchPeople(org, Text.nfc(q), ids, viewer, all, limit, offset, after))
          .map(result -> {
            JsonArray data = new JsonArray();
            result.rows.forEach(r -> data.add(Views.person(r, all || r.getString("id").equals(viewer))));
            JsonObject body = new JsonObject().put("data", data).put("total", result.total);
            if (!result.exact) {
              body.put("totalExact", false);
            }
            String next = DirectoryStore.next(CURSOR, result);
            if (next != null) {
              body.put("nextCursor", next);
            }
            return ApiReply.ok(body);
          }));
      });
  }

  /**
   * Whether the viewer is an owner or admin of the page ({@code pages.membership}); false for an
   * anonymous viewer and when the pages module cannot say.
   */
  private Future<Boolean> managesPage(String org, String pageId, String viewer) {
    if (viewer == null) {
      return Future.succeededFuture(false);
    }
    return env.ask("pages.membership", new JsonObject().put("org", org).put("pageId", pageId).put("userId", viewer))
      .map(m -> m.getBoolean("member", false) && ("owner".equals(m.getString("role")) || "admin".equals(m.getString("role"))))
      .otherwise(false);
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
    // counted with the searches: an address that exists or not is worth harvesting too
    return env.throttle.acquire("peopleSearch", req.org() + ":" + req.clientAddress(), "too many searches; try again later")
      .compose(x -> store.activePersonByEmail(req.org(), email)).map(row -> {
      if (row == null) {
        throw ApiError.notFound("person not found");
      }
      // the caller named the address: it is part of this projection (people API document)
      return ApiReply.ok(Views.person(row, true));
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
      return store.pool().withTransaction(conn -> store.sync(conn, org, me, name, email, picture,
          env.initialRoles(org, null, me))
        .compose(e -> {
          Row row = e.getKey();
          if (e.getValue()) {
            return env.events.append(conn, Env.created(org, row)).map(e);
          }
          return !changed(before, row) ? Future.succeededFuture(e) : env.events.append(conn, Event.of("profile.updated", org)
            .actor(me).subject("userId", me).data(Views.eventData(row))).map(e);
        }))
        .map(e -> {
        Row row = e.getKey();
        if (e.getValue()) {
          env.publish("user.created", Views.event(org, row));
          return ApiReply.created(Views.member(row, true));
        }
        if (changed(before, row)) {
          env.publish("user.updated", Views.event(org, row));
        }
        return ApiReply.ok(Views.member(row, true));
      });
    });
  }

  private static boolean changed(Row before, Row after) {
    return before == null || !after.getOffsetDateTime("updated_at").isEqual(before.getOffsetDateTime("updated_at"));
  }

  /** A member's profile; the email only for the member and org admins (issue 10, item 9). */
  private Future<ApiReply> getMemberProfile(ApiRequest req) {
    String me = Env.caller(req);
    String org = req.org();
    String id = req.pathParam("id");
    return store.publicById(org, id).compose(row -> {
      if (row == null) {
        throw ApiError.notFound("member not found");
      }
      return (me.equals(id) ? Future.succeededFuture(true) : env.isAdmin(org, me))
        .map(sees -> ApiReply.ok(Views.member(row, sees)));
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
    Fields.set(b, "displayName", cols, "name", Fields::displayName);
    Fields.set(b, "bio", cols, "bio", Fields::bio);
    Fields.set(b, "phoneNumber", cols, "phone", Fields::phone);
    Fields.set(b, "avatarUrl", cols, "image", Fields::imageUrl);
    return env.self(req).compose(row -> env.updateProfile(org, me, me, cols)).map(row -> {
      env.publish("user.updated", Views.event(org, row));
      return ApiReply.ok(Views.member(row, true));
    });
  }
}
