package org.communityplatform.moderation;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.testing.TestPlatform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for the communities and pages modules on the platform's real event bus: it serves
 * {@code communities.membership|postInfo|moderate} and {@code pages.membership|postInfo|moderate} with the
 * shapes of docs/MODULES.md from an in-memory world, so that the moderation module's side is tested
 * before those modules' own addresses are merged. The moderate addresses check the actor's right as
 * BRIEF.md says (communities: owner/admin/moderator, a moderator never acting on an admin or owner;
 * pages: owner/admin), carry out the action on the world and record the call.
 */
final class StandIn {

  /** A community or page: whether it is private, and the role of each member. */
  static final class Place {
    final boolean community;
    final boolean isPrivate;
    final Map<String, String> roles = new ConcurrentHashMap<>();
    final Map<String, String> banned = new ConcurrentHashMap<>();
    final Map<String, String> muted = new ConcurrentHashMap<>();

    Place(boolean community, boolean isPrivate) {
      this.community = community;
      this.isPrivate = isPrivate;
    }
  }

  record Post(String org, String placeId, String authorId, boolean onPage) {
  }

  final Map<String, Place> places = new ConcurrentHashMap<>();
  final Map<String, Post> posts = new ConcurrentHashMap<>();
  /** Every moderate request received, in order. */
  final List<JsonObject> moderateCalls = new CopyOnWriteArrayList<>();
  /** When set, the next moderate request is refused with this error. */
  volatile ApiError refuseNext;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  static StandIn on(TestPlatform p) {
    StandIn s = new StandIn();
    Vertx vertx = p.platform().vertx();
    s.serve(vertx, "communities.membership", m -> s.membership(m, true));
    s.serve(vertx, "pages.membership", m -> s.membership(m, false));
    s.serve(vertx, "communities.postInfo", m -> s.postInfo(m, false));
    s.serve(vertx, "pages.postInfo", m -> s.postInfo(m, true));
    s.serve(vertx, "communities.moderate", m -> s.moderate(m, true));
    s.serve(vertx, "pages.moderate", m -> s.moderate(m, false));
    for (MessageConsumer<?> c : s.consumers) {
      TestPlatform.await(c.completion());
    }
    return s;
  }

  void close() {
    consumers.forEach(c -> TestPlatform.await(c.unregister()));
  }

  private void serve(Vertx vertx, String address, Function<JsonObject, JsonObject> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, (Message<JsonObject> msg) -> {
      try {
        msg.reply(handler.apply(msg.body()));
      } catch (ApiError e) {
        msg.fail(e.status(), e.toTransport().encode());
      }
    }));
  }

  // ---- the world -----------------------------------------------------------------------------------

  /** A community (or page) owned by {@code owner}; gives its id. */
  String place(String org, boolean community, boolean isPrivate, String owner) {
    String id = UUID.randomUUID().toString();
    Place p = new Place(community, isPrivate);
    p.roles.put(owner, "owner");
    places.put(org + "/" + id, p);
    return id;
  }

  void member(String org, String placeId, String user, String role) {
    places.get(org + "/" + placeId).roles.put(user, role);
  }

  Place get(String org, String placeId) {
    return places.get(org + "/" + placeId);
  }

  String post(String org, String placeId, String author, boolean onPage) {
    String id = UUID.randomUUID().toString();
    posts.put(id, new Post(org, placeId, author, onPage));
    return id;
  }

  // ---- the addresses -------------------------------------------------------------------------------

  private JsonObject membership(JsonObject m, boolean community) {
    String id = m.getString(community ? "communityId" : "pageId");
    Place p = places.get(m.getString("org") + "/" + id);
    if (p == null || p.community != community) {
      return new JsonObject().put("exists", false).put("member", false).putNull("role");
    }
    String role = p.roles.get(m.getString("userId"));
    JsonObject r = new JsonObject().put("exists", true).put("member", role != null).put("role", role);
    return community ? r.put("isPrivate", p.isPrivate) : r.put("visibility", p.isPrivate ? "private" : "public");
  }

  private JsonObject postInfo(JsonObject m, boolean onPage) {
    Post post = posts.get(m.getString("postId"));
    if (post == null || !post.org().equals(m.getString("org")) || post.onPage() != onPage) {
      return new JsonObject().put("exists", false);
    }
    return new JsonObject().put("exists", true).put(onPage ? "pageId" : "communityId", post.placeId())
      .put("authorId", post.authorId());
  }

  private JsonObject moderate(JsonObject m, boolean community) {
    moderateCalls.add(m.copy().put("address", community ? "communities.moderate" : "pages.moderate"));
    ApiError refuse = refuseNext;
    if (refuse != null) {
      refuseNext = null;
      throw refuse;
    }
    String org = m.getString("org");
    String placeId = m.getString(community ? "communityId" : "pageId");
    Place p = places.get(org + "/" + placeId);
    if (p == null) {
      throw ApiError.notFound("place not found");
    }
    int actor = rank(p.roles.get(m.getString("actorId")));
    if (actor < (community ? 2 : 3)) {
      throw ApiError.forbidden("not a moderator here");
    }
    switch (m.getString("action")) {
      case "remove_post": {
        Post post = posts.get(m.getString("postId"));
        if (post == null || !post.placeId().equals(placeId)) {
          throw ApiError.notFound("post not found");
        }
        posts.remove(m.getString("postId"));
        break;
      }
      case "ban":
      case "mute": {
        String target = m.getString("targetUserId");
        if (rank(p.roles.get(target)) >= 3 && actor < 4 || rank(p.roles.get(target)) >= actor) {
          throw ApiError.forbidden("cannot act on someone of equal or higher rank");
        }
        if (m.getString("action").equals("ban")) {
          p.roles.remove(target);
          p.banned.put(target, String.valueOf(m.getValue("expiresAt")));
        } else {
          p.muted.put(target, String.valueOf(m.getValue("expiresAt")));
        }
        break;
      }
      default:
        throw ApiError.badRequest("unknown action");
    }
    return new JsonObject().put("done", true);
  }

  private static int rank(String role) {
    if (role == null) {
      return 0;
    }
    switch (role) {
      case "owner":
        return 4;
      case "admin":
        return 3;
      case "moderator":
        return 2;
      default:
        return 1;
    }
  }
}
