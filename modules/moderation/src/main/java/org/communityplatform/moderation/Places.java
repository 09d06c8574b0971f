package org.communityplatform.moderation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiRequest;

import java.time.Instant;
import java.util.UUID;

/**
 * The moderation module's view of communities and pages, asked over the bus (docs/MODULES.md,
 * "Internal addresses"): memberships ({@code communities.membership}, {@code pages.membership}), the
 * place and author of a post ({@code communities.postInfo}, {@code pages.postInfo}) and the actions a
 * resolution carries out ({@code communities.moderate}, {@code pages.moderate}). Failures of the other
 * side arrive as {@link ApiError}s (403/404/409 as that module answered, 503 when it is not running,
 * 504 past the time-out) and are passed on unchanged.
 */
final class Places {

  /** Request/reply over the bus with failures mapped to {@link ApiError}. */
  interface Bus {
    Future<JsonObject> ask(String address, JsonObject message);
  }

  private final Bus bus;

  Places(Bus bus) {
    this.bus = bus;
  }

  /** The place {@code type}/{@code id} as {@code userId} sees it. */
  Future<Place> membership(String org, String type, UUID id, String userId) {
    boolean community = Place.COMMUNITY.equals(type);
    JsonObject msg = new JsonObject().put("org", org).put(Place.idField(type), id.toString()).put("userId", userId);
    return bus.ask(community ? "communities.membership" : "pages.membership", msg).map(r -> {
      boolean hidden = community ? r.getBoolean("isPrivate", false) : "private".equals(r.getString("visibility"));
      String role = r.getBoolean("member", false) ? r.getString("role", "member") : null;
      return new Place(type, id, r.getBoolean("exists", false), hidden, role);
    });
  }

  /**
   * Finds the place of a report's target. A post or page post names its own place; a member is reported
   * in the place the client names, exactly one of {@code communityId} and {@code pageId} (400 otherwise).
   * 404 for a post that does not exist. Whether the member belongs to that place, and whether a place
   * sent along with a post agrees ({@link #agrees}), is checked by the caller after it has checked the
   * reporter, so that nobody learns the members or posts of a place they cannot see.
   */
  Future<Target> locate(String org, String type, String targetId, String communityId, String pageId) {
    switch (type) {
      case Target.POST:
        if (pageId != null) {
          throw Views.badField("pageId", "a community post is reported without a pageId");
        }
        return postInfo(org, "communities.postInfo", targetId).map(info -> {
          String place = info.getString("communityId");
          return new Target(type, targetId.toLowerCase(), Place.COMMUNITY, UUID.fromString(place), info.getString("authorId"));
        });
      case Target.PAGE_POST:
        if (communityId != null) {
          throw Views.badField("communityId", "a page post is reported without a communityId");
        }
        return postInfo(org, "pages.postInfo", targetId).map(info -> {
          String place = info.getString("pageId");
          return new Target(type, targetId.toLowerCase(), Place.PAGE, UUID.fromString(place), info.getString("authorId"));
        });
      default:
        if ((communityId == null) == (pageId == null)) {
          throw Views.badField(communityId == null ? "communityId" : "pageId",
            "a member is reported in one place: give either communityId or pageId");
        }
        return Future.succeededFuture(communityId != null
          ? new Target(type, targetId, Place.COMMUNITY, ApiRequest.uuidOr404(communityId, "community"), targetId)
          : new Target(type, targetId, Place.PAGE, ApiRequest.uuidOr404(pageId, "page"), targetId));
    }
  }

  /**
   * 400 when the {@code communityId} or {@code pageId} sent along with a reported post is not the post's
   * own place. Call it only once the reporter may see that place (404 before, for a hidden one).
   */
  static void agrees(Target t, String communityId, String pageId) {
    String named = Target.POST.equals(t.type()) ? communityId : Target.PAGE_POST.equals(t.type()) ? pageId : null;
    if (named != null && !named.equalsIgnoreCase(t.placeId().toString())) {
      throw Views.badField(t.placeType() + "Id", "the post belongs to another " + t.placeType());
    }
  }

  private Future<JsonObject> postInfo(String org, String address, String postId) {
    UUID id = ApiRequest.uuidOr404(postId, "post");
    return bus.ask(address, new JsonObject().put("org", org).put("postId", id.toString())).map(info -> {
      if (!info.getBoolean("exists", false) || info.getString(address.startsWith("pages") ? "pageId" : "communityId") == null) {
        throw ApiError.notFound("post not found");
      }
      return info;
    });
  }

  /**
   * Carries out one moderation action in the place ({@code remove_post}, {@code mute}, {@code ban}) as
   * {@code actorId}. The owning module checks the actor's right and writes its own event and audit entry;
   * its refusal fails this future unchanged.
   */
  Future<JsonObject> moderate(String org, Place place, String actorId, String reqId, String action, String postId,
                              String targetUserId, String reason, Instant expiresAt) {
    JsonObject msg = new JsonObject().put("org", org).put("actorId", actorId).put("reqId", reqId)
      .put(place.idField(), place.id().toString()).put("action", action).put("reason", reason);
    if (postId != null) {
      msg.put("postId", postId);
    }
    if (targetUserId != null) {
      msg.put("targetUserId", targetUserId);
    }
    if (expiresAt != null) {
      msg.put("expiresAt", expiresAt.toString());
    }
    return bus.ask(Place.COMMUNITY.equals(place.type()) ? "communities.moderate" : "pages.moderate", msg);
  }
}
