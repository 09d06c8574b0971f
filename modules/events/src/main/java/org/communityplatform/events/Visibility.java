package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.BusCalls;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a viewer may read an event's subject now (docs/EVENTS.md, "Who sees what"). One instance
 * serves one request or one live batch: the answers of the communities and pages modules are
 * cached in it, so a batch asks once per (subject, user), and once per subject for a public one.
 *
 * <p>Rules: only the viewer's organisation; an API token or platform admin sees every event; an
 * event of a community ({@code communityId}) needs a public community or membership
 * ({@code communities.membership}); an event of a group ({@code groupId}: the group's own events
 * and its posts) also needs the group visible by the communities module's own rule (a private group
 * only to its members and, for the group's own events, the community's owner and admins); of a page ({@code pageId}) a public page or membership
 * ({@code pages.membership}); reports need a moderating role there; {@code profile.email_verified}
 * only its user; {@code profile.relationship.changed} only its two users; {@code webhook.*} only
 * managers. A module that does not answer hides the event (never shown by mistake).
 */
final class Visibility {

  private static final Set<String> COMMUNITY_MODERATORS = Set.of("owner", "admin", "moderator");
  private static final Set<String> PAGE_MODERATORS = Set.of("owner", "admin");

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<String, Future<JsonObject>> answers = new ConcurrentHashMap<>();
  /** Subjects known to be public in this batch: no question per user for them. */
  private final Set<String> open = ConcurrentHashMap.newKeySet();

  Visibility(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** Whether {@code v} may see {@code e} (an event in the shape of {@link EventStore#view}). */
  Future<Boolean> visible(Viewer v, JsonObject e) {
    if (!v.org().equals(e.getString("org"))) {
      return Future.succeededFuture(false);
    }
    if (v.seesAll()) {
      return Future.succeededFuture(true);
    }
    String type = e.getString("type");
    JsonObject s = e.getJsonObject("subject", new JsonObject());
    if (type.startsWith("webhook.")) {
      return Future.succeededFuture(false);
    }
    if (type.equals("profile.email_verified")) {
      return Future.succeededFuture(v.userId().equals(s.getString("userId")));
    }
    if (type.equals("profile.relationship.changed")) {
      return Future.succeededFuture(v.userId().equals(s.getString("userId")) || v.userId().equals(s.getString("targetUserId")));
    }
    boolean report = type.startsWith("report.");
    String communityId = s.getString("communityId");
    String groupId = s.getString("groupId");
    if (communityId != null && groupId != null && !report) {
      // a group's own events follow the group route's rule, a group's posts the post route's rule
      return subject("communities.membership", new JsonObject().put("communityId", communityId).put("groupId", groupId), v,
        null, type.startsWith("post.") ? "seesGroupPosts" : "seesGroup");
    }
    if (communityId != null) {
      return subject("communities.membership", new JsonObject().put("communityId", communityId), v,
        report ? COMMUNITY_MODERATORS : null, null);
    }
    String pageId = s.getString("pageId");
    if (pageId != null) {
      return subject("pages.membership", new JsonObject().put("pageId", pageId), v, report ? PAGE_MODERATORS : null, null);
    }
    // profiles, community profiles, backlog items: public within the organisation
    return Future.succeededFuture(!report);
  }

  /**
   * @param ids   the subject's ids for the question ({@code communityId}, and {@code groupId} for a group)
   * @param verdict for a group question, the answer's field that decides ({@code seesGroup} or
   *                {@code seesGroupPosts}); null otherwise
   */
  private Future<Boolean> subject(String address, JsonObject ids, Viewer v, Set<String> roles, String verdict) {
    String key = address + "\u001f" + ids.getString("communityId", "") + "\u001f" + ids.getString("groupId", "")
      + "\u001f" + ids.getString("pageId", "");
    if (roles == null) {
      if (open.contains(key)) {
        return Future.succeededFuture(true);
      }
      // the first viewer's question also tells whether the subject is public: until it is answered
      // the other viewers of the batch wait for it instead of each asking (1,000 streams, one question)
      Future<JsonObject> probe = answers.get(key);
      if (probe == null) {
        Promise<JsonObject> mine = Promise.promise();
        probe = answers.putIfAbsent(key, mine.future());
        if (probe == null) {
          probe = mine.future();
          answers.putIfAbsent(key + "\u001f" + v.userId(), probe);
          ask(address, ids, v).onComplete(mine);
        }
      }
      return probe.compose(a -> {
        if (!a.getBoolean("exists", false)) {
          return Future.succeededFuture(false); // gone (or no answer): hidden from everyone
        }
        if (isPublic(a)) {
          open.add(key);
          return Future.succeededFuture(true);
        }
        return forUser(address, key, ids, v, null, verdict);
      });
    }
    return forUser(address, key, ids, v, roles, verdict);
  }

  /** The viewer's own answer (member, role), asked once per (subject, user) in this batch. */
  private Future<Boolean> forUser(String address, String key, JsonObject ids, Viewer v, Set<String> roles, String verdict) {
    return answers.computeIfAbsent(key + "\u001f" + v.userId(), k -> ask(address, ids, v))
      .map(a -> {
        if (!a.getBoolean("exists", false)) {
          return false;
        }
        if (verdict != null) {
          // communities decides with its own rule for the group (absent in an old answer: hidden)
          return a.getBoolean(verdict, false);
        }
        boolean member = a.getBoolean("member", false);
        if (roles != null) {
          return member && roles.contains(a.getString("role"));
        }
        return isPublic(a) || member;
      });
  }

  private Future<JsonObject> ask(String address, JsonObject ids, Viewer v) {
    return BusCalls.ask(vertx, address, ids.copy().put("org", v.org()).put("userId", v.userId()), timeoutMs)
      // no module answering (NO_HANDLERS, time-out, error): treated as not visible
      .otherwise(new JsonObject());
  }

  /**
   * Communities answer {@code isPrivate}, pages {@code visibility}; a group question is public only
   * when the community is and the group exists in it and is not private.
   */
  private static boolean isPublic(JsonObject a) {
    if (a.containsKey("groupExists")) {
      return !a.getBoolean("isPrivate", true) && a.getBoolean("groupExists", false) && !a.getBoolean("groupPrivate", true);
    }
    return a.containsKey("isPrivate") ? !a.getBoolean("isPrivate", true) : "public".equals(a.getString("visibility"));
  }
}
