package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.core.paging.Paging;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Moderation of a community (issue 14): bans and mutes with an optional expiry, the community's audit
 * entries, and the internal addresses {@code communities.postInfo} and {@code communities.moderate}.
 * Owners, admins and moderators act; a moderator (or an admin) cannot act on an admin or owner, only an
 * owner can. A ban removes the member and keeps them out of every way in (v4 join, join request, invite
 * accept) while it is in force; a mute keeps a member from posting. Expiry is compared with the
 * platform clock on each request, exact to the second, with no job.
 */
final class ModerationOps {

  private final Env env;
  private final CommunityStore store;
  private final ModerationStore moderation;

  ModerationOps(Env env) {
    this.env = env;
    this.store = env.store;
    this.moderation = env.moderation;
  }

  void register(Env.Registry r) {
    r.op("banCommunityMember", req -> put(req, true));
    r.op("listCommunityBans", req -> list(req, true));
    r.op("unbanCommunityMember", req -> lift(req, true));
    r.op("muteCommunityMember", req -> put(req, false));
    r.op("listCommunityMutes", req -> list(req, false));
    r.op("unmuteCommunityMember", req -> lift(req, false));
    r.op("listCommunityAudit", this::audit);
  }

  private static JsonObject view(UUID community, Row r) {
    return new JsonObject().put("communityId", community.toString()).put("userId", r.getString("user_id"))
      .put("reason", r.getString("reason")).put("by", r.getString("by_user"))
      .put("createdAt", Views.time(r.getOffsetDateTime("created_at")))
      .put("expiresAt", Views.time(r.getOffsetDateTime("expires_at")));
  }

  /** The actor's and the target's roles and whether the community is private; null when it does not exist. */
  private Future<Row> standing(SqlClient client, String org, UUID id, String actor, String target) {
    return standing(client, org, id, actor, target, true);
  }

  /** As above; {@code lock} takes the community row's lock (inside a write's transaction only). */
  private Future<Row> standing(SqlClient client, String org, UUID id, String actor, String target, boolean lock) {
    // the lock in a statement of its own: a read in the same statement would keep the snapshot taken
    // before the wait and miss a member a concurrent join just added
    Future<Void> locked = lock ? store.lockRow(client, org, id) : Future.succeededFuture();
    return locked.compose(x -> client.preparedQuery("SELECT c.is_private, m.role AS caller_role, t.role AS target_role "
        + "FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 "
        + "LEFT JOIN communities.members t ON t.community_id = c.id AND t.user_id = $4 WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(id, org, actor, target)))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** 404/403 unless {@code actor} may moderate {@code target} in the community. Gives the target's role (or null). */
  private static String mayModerate(Row s, String actor, String target) {
    Env.visible(s != null, s != null && s.getBoolean("is_private"), s == null ? null : s.getString("caller_role"));
    String mine = s.getString("caller_role");
    String theirs = s.getString("target_role");
    Env.require(mine, Roles.MODERATOR, "only an owner, admin or moderator can moderate this community");
    if (target != null && target.equals(actor)) {
      throw Env.badField("targetUserId", "you cannot moderate yourself");
    }
    if (!Roles.OWNER.equals(mine) && Roles.atLeast(theirs, Roles.ADMIN)) {
      throw ApiError.forbidden("only an owner can act on an admin or owner");
    }
    return theirs;
  }

  /**
   * 403 unless a non-owner {@code mine} may undo (lift or replace) the ban or mute {@code inForce}: it
   * must not have been placed on an admin or owner (the target's role when it was placed, since a ban
   * takes the member out), nor by someone who ranks above the actor (a moderator cannot undo an
   * admin's or owner's decision). The rule of placing one, held for undoing it too (issue 14).
   */
  private static void mayUndo(Row inForce, String mine, boolean ban) {
    if (inForce == null || Roles.OWNER.equals(mine)) {
      return;
    }
    String what = ban ? "ban" : "mute";
    if (Roles.atLeast(inForce.getString("target_role"), Roles.ADMIN)) {
      throw ApiError.forbidden("only an owner can undo a " + what + " of an admin or owner");
    }
    if (Roles.rank(inForce.getString("by_role")) > Roles.rank(mine)) {
      throw ApiError.forbidden("this " + what + " was placed by someone who ranks above you");
    }
  }

  /** The first instant an RFC 3339 date-time in UTC cannot write (a five-digit year). */
  private static final java.time.Instant LAST_INSTANT = java.time.Instant.parse("+10000-01-01T00:00:00Z");

  private OffsetDateTime expiry(Object value) {
    if (value == null) {
      return null;
    }
    OffsetDateTime at;
    try {
      at = OffsetDateTime.parse(value.toString());
    } catch (DateTimeParseException e) {
      throw Env.badField("expiresAt", "expiresAt must be a date-time (RFC 3339)");
    }
    if (!at.isAfter(store.now())) {
      throw Env.badField("expiresAt", "expiresAt must be in the future");
    }
    // RFC 3339 has four-digit years: an instant at or after year 10000 in UTC could not be answered as one
    if (!at.toInstant().isBefore(LAST_INSTANT)) {
      throw Env.badField("expiresAt", "expiresAt must be before the year 10000 in UTC");
    }
    return at;
  }

  private Future<ApiReply> put(ApiRequest req, boolean ban) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    JsonObject body = req.body();
    OffsetDateTime expiresAt = expiry(body.getValue("expiresAt"));
    return store.pool().withTransaction(conn -> apply(conn, req.org(), req.reqId(), me, id, ban,
        body.getString("targetUserId"), body.getString("reason"), expiresAt))
      .map(row -> ApiReply.created(view(id, row)));
  }

  /**
   * Bans or mutes {@code target} in the transaction of {@code conn}, with its event and audit entry; a
   * ban also takes the member out (their invites are retired, a pending join request rejected).
   */
  Future<Row> apply(SqlClient conn, String org, String reqId, String actor, UUID id, boolean ban, String target,
                    String reason, OffsetDateTime expiresAt) {
    OffsetDateTime now = store.now();
    return standing(conn, org, id, actor, target).compose(s -> {
      String theirs = mayModerate(s, actor, target);
      String mine = s.getString("caller_role");
      if (!ban && theirs == null) {
        throw ApiError.notFound("that user is not a member of the community");
      }
      return moderation.active(conn, ban, id, target, now).compose(previous -> {
        mayUndo(previous, mine, ban);
        Future<String> out = ban && theirs != null
          ? CommunityOps.takeOut(env, conn, org, reqId, actor, id, target, theirs, "banned")
          : ban ? moderation.afterRemoval(conn, org, id, target, actor, "banned", now).map(x -> (String) null)
          : Future.succeededFuture(theirs);
        String what = ban ? "banned" : "muted";
        // a ban replacing one in force keeps the higher former role, so re-banning cannot launder it
        String formerRole = previous != null && Roles.rank(previous.getString("target_role")) > Roles.rank(theirs)
          ? previous.getString("target_role") : theirs;
        return out.compose(role -> moderation.put(conn, ban, org, id, target, reason, actor, now, expiresAt, formerRole, mine))
          .compose(v -> env.event(conn, Env.ev("community.member." + what, org, actor, id).subject("userId", target)
              .data(new JsonObject().put("expiresAt", Views.time(expiresAt))))
            .compose(x -> env.audit(conn, org, reqId, actor, "community.member." + what, id, "user", target,
              previous == null ? null : new JsonObject().put("reason", previous.getString("reason"))
                .put("expiresAt", Views.time(previous.getOffsetDateTime("expires_at"))),
              new JsonObject().put("reason", reason).put("expiresAt", Views.time(expiresAt)))))
          .compose(x -> moderation.active(conn, ban, id, target, now));
      });
    });
  }

  private Future<ApiReply> list(ApiRequest req, boolean ban) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    Paging paging = Paging.of(req, 50, 100);
    return standing(store.pool(), req.org(), id, me, null, false).compose(s -> {
      mayModerate(s, me, null);
      return moderation.list(ban, id, store.now(), paging.limit(), paging.offset());
    }).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(r -> data.add(view(id, r)));
      return ApiReply.ok(paging.result(data, p.total));
    });
  }

  private Future<ApiReply> lift(ApiRequest req, boolean ban) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String target = req.pathParam("userId");
    String what = ban ? "unbanned" : "unmuted";
    OffsetDateTime now = store.now();
    return store.pool().withTransaction(conn -> standing(conn, org, id, me, target).compose(s -> {
      mayModerate(s, me, target);
      return moderation.active(conn, ban, id, target, now).compose(inForce -> {
        mayUndo(inForce, s.getString("caller_role"), ban);
        return moderation.lift(conn, ban, id, target, now);
      }).compose(row -> {
        if (row == null) {
          throw ApiError.notFound(ban ? "that user is not banned from the community" : "that user is not muted in the community");
        }
        return env.event(conn, Env.ev("community.member." + what, org, me, id).subject("userId", target))
          .compose(x -> env.audit(conn, req, "community.member." + what, id, "user", target,
            new JsonObject().put("reason", row.getString("reason")).put("expiresAt", Views.time(row.getOffsetDateTime("expires_at"))),
            null))
          .map(x -> ApiReply.ok(new JsonObject().put("communityId", id.toString()).put("userId", target).put(what, true)));
      });
    }));
  }

  /** The community's audit entries, newest first, for its owners and admins (and organisation admins). */
  private Future<ApiReply> audit(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    Paging paging = Paging.of(req, 50, 100);
    List<String> key = KeysetCursor.decode("audit", paging.cursor(), 1);
    JsonObject filter = new JsonObject().put("scopeId", id.toString());
    if (key != null) {
      try {
        filter.put("beforeSeq", Long.parseLong(key.get(0)));
      } catch (NumberFormatException e) {
        throw KeysetCursor.invalid();
      }
    }
    return standing(store.pool(), org, id, me, null, false).compose(s -> {
      Env.visible(s != null, s != null && s.getBoolean("is_private") && !req.hasRole("admin"),
        s == null ? null : s.getString("caller_role"));
      if (!Roles.atLeast(s.getString("caller_role"), Roles.ADMIN) && !req.hasRole("admin")) {
        throw ApiError.forbidden("only an owner or admin of the community can read its audit log");
      }
      return env.audit.list(store.pool(), org, filter, paging.limit());
    }).compose(page -> store.pool().preparedQuery("SELECT count(*) FROM platform.audit_log WHERE org = $1 AND scope_id = $2")
      .execute(Tuple.of(org, id.toString()))
      .map(c -> {
        Object next = page.getValue("nextBeforeSeq");
        JsonObject out = paging.result(page.getJsonArray("data", new JsonArray()), c.iterator().next().getLong(0),
          next == null ? null : KeysetCursor.encode("audit", next));
        return ApiReply.ok(out.put("page", null));
      }));
  }

  // ---- internal addresses -----------------------------------------------------------------------------

  private static UUID uuidOrNull(Object v) {
    try {
      return v == null ? null : UUID.fromString(v.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code communities.postInfo}: {org, postId} → {exists, communityId, groupId, authorId}. */
  Future<JsonObject> postInfo(JsonObject msg) {
    UUID postId = uuidOrNull(msg.getValue("postId"));
    String org = msg.getString("org");
    if (postId == null || org == null) {
      return Future.succeededFuture(new JsonObject().put("exists", false));
    }
    return moderation.postInfo(store.pool(), org, postId).map(r -> r == null ? new JsonObject().put("exists", false)
      : new JsonObject().put("exists", true).put("communityId", r.getUUID("community_id").toString())
        .put("groupId", r.getUUID("group_id") == null ? null : r.getUUID("group_id").toString())
        .put("authorId", r.getString("author_id")));
  }

  /**
   * {@code communities.moderate}: {org, actorId, reqId, communityId, action: remove_post|mute|ban,
   * postId?, targetUserId?, reason, expiresAt?} → {done: true}; the actor's right is checked as for the
   * HTTP routes; the act, its event and its audit entry are one transaction.
   */
  Future<JsonObject> moderate(JsonObject msg) {
    String org = msg.getString("org");
    String actor = msg.getString("actorId");
    String reqId = msg.getString("reqId");
    String action = msg.getString("action");
    String reason = msg.getString("reason", "");
    UUID id = uuidOrNull(msg.getValue("communityId"));
    if (org == null || actor == null || id == null) {
      return Future.failedFuture(ApiError.badRequest("org, actorId and communityId are required"));
    }
    if ("remove_post".equals(action)) {
      UUID postId = uuidOrNull(msg.getValue("postId"));
      if (postId == null) {
        return Future.failedFuture(ApiError.badRequest("postId is required to remove a post"));
      }
      return store.pool().withTransaction(conn -> moderation.postInfo(conn, org, postId).compose(post -> {
        if (post == null || !id.equals(post.getUUID("community_id"))) {
          throw ApiError.notFound("post not found in this community");
        }
        String author = post.getString("author_id");
        return standing(conn, org, id, actor, author).compose(s -> {
          mayModerateContent(s, actor, author);
          return env.content.deletePost(conn, postId)
            .compose(x -> env.event(conn, Env.ev("post.deleted", org, actor, id).subject("groupId", post.getUUID("group_id"))
              .subject("postId", postId)))
            .compose(x -> env.audit(conn, org, reqId, actor, "community.post.removed", id, "post", postId,
              new JsonObject().put("authorId", author), null));
        });
      })).map(x -> new JsonObject().put("done", true));
    }
    if (!"mute".equals(action) && !"ban".equals(action)) {
      return Future.failedFuture(ApiError.badRequest("action must be remove_post, mute or ban"));
    }
    String target = msg.getString("targetUserId");
    if (target == null) {
      return Future.failedFuture(ApiError.badRequest("targetUserId is required to " + action));
    }
    OffsetDateTime expiresAt;
    try {
      expiresAt = expiry(msg.getValue("expiresAt"));
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    return store.pool().withTransaction(conn -> apply(conn, org, reqId, actor, id, "ban".equals(action), target, reason,
      expiresAt)).map(x -> new JsonObject().put("done", true));
  }

  /** Removing someone's post: the author may be anyone but an admin or owner (unless the actor is an owner). */
  private static void mayModerateContent(Row s, String actor, String author) {
    Env.visible(s != null, s != null && s.getBoolean("is_private"), s == null ? null : s.getString("caller_role"));
    String mine = s.getString("caller_role");
    Env.require(mine, Roles.MODERATOR, "only an owner, admin or moderator can moderate this community");
    if (!actor.equals(author) && !Roles.OWNER.equals(mine) && Roles.atLeast(s.getString("target_role"), Roles.ADMIN)) {
      throw ApiError.forbidden("only an owner can act on an admin's or owner's post");
    }
  }
}
