package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Bans and mutes per page (issue 14), by the page's owner and admins; the actor must stand above the
 * target (an admin acts on members and outsiders, never on the owner or another admin). A ban removes
 * the member, retires invitations addressed to them, and refuses joining and accepting an invitation;
 * a mute refuses posting. Both hold until {@code expiresAt} (compared with the platform clock in every
 * check, so no job runs) or until lifted. Also the page side of {@code pages.moderate}.
 */
final class ModerationOps {

  static final String BAN = "ban";
  static final String MUTE = "mute";

  private final Env env;
  private final PagesStore store;

  ModerationOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("banPageUser", req -> impose(req, BAN));
    r.op("listPageBans", req -> list(req, BAN));
    r.op("liftPageBan", req -> lift(req, BAN));
    r.op("mutePageUser", req -> impose(req, MUTE));
    r.op("listPageMutes", req -> list(req, MUTE));
    r.op("liftPageMute", req -> lift(req, MUTE));
  }

  private Future<ApiReply> impose(ApiRequest req, String kind) {
    String me = req.requireUser();
    JsonObject body = req.body();
    return impose(req.org(), me, req.reqId(), Env.pageId(req), kind, body.getString("targetUserId"),
      body.getString("reason"), body.getString("expiresAt"))
      .map(s -> ApiReply.status(s.remove("replaced") == Boolean.TRUE ? 200 : 201, s));
  }

  /** Imposes a ban or mute; answers it with {@code replaced} (one was already in force). */
  Future<JsonObject> impose(String org, String actor, String reqId, UUID pageId, String kind, String target,
                            String reason, String expiresAt) {
    OffsetDateTime now = env.now();
    OffsetDateTime expires = expiry(expiresAt, now);
    String why = Text.nfc(reason);
    return env.pool.withTransaction(conn -> store.access(conn, org, pageId, actor, "NO KEY UPDATE").compose(a -> {
      Env.manager(a, "only the page's owner or an admin may " + kind + " people");
      if (target.equals(actor)) {
        throw ApiError.conflict("you cannot " + kind + " yourself");
      }
      return store.member(conn, pageId, target, true).compose(m -> {
        String targetRole = m == null ? null : m.getString("role");
        if (!Roles.outranks(a.role(), targetRole)) {
          throw ApiError.forbidden("you may not " + kind + " the owner or another admin");
        }
        return env.sanctions.ranks(conn, pageId, target, kind, now).compose(previous -> {
          mayUndo(previous, a.role(), kind);
          // replacing one in force keeps the higher former role, so re-banning cannot launder it
          String formerRole = previous != null && Roles.rank(previous.getString("targetRole")) < Roles.rank(targetRole)
            ? previous.getString("targetRole") : targetRole;
          String type = BAN.equals(kind) ? "banned" : "muted";
          Future<?> removal = Future.succeededFuture();
          if (BAN.equals(kind)) {
            String email = m == null ? null : Text.fold(m.getString("email"));
            removal = invites(conn, pageId, email, target, actor, now)
              .compose(x -> m == null ? Future.succeededFuture()
                : store.deleteMember(conn, pageId, target).compose(d -> env.append(conn,
                  Env.event("page.member.removed", org, actor, pageId).subject("userId", target)
                    .data(new JsonObject().put("role", targetRole)))));
          }
          return removal
            .compose(x -> env.sanctions.put(conn, org, pageId, target, kind, why, expires, actor, now, formerRole, a.role()))
            .compose(s -> env.append(conn, Env.event("page.member." + type, org, actor, pageId).subject("userId", target)
                .data(new JsonObject().put("expiresAt", s.getString("expiresAt"))))
              .compose(x -> env.audit(conn, Env.entry(org, "page.member." + type, actor, reqId, pageId, "user", target)
                .before(new JsonObject().put("role", targetRole))
                .after(new JsonObject().put("reason", why).put("expiresAt", s.getString("expiresAt"))
                  .put("role", BAN.equals(kind) ? null : targetRole))))
              .map(x -> s.put("removed", m != null && BAN.equals(kind))));
        });
      });
    })).map(s -> {
      if (Boolean.TRUE.equals(s.remove("removed"))) {
        env.publish("member.left", new JsonObject().put("org", org).put("pageId", pageId.toString()).put("userId", target)
          .put("removedBy", actor));
      }
      return s;
    });
  }

  private Future<?> invites(io.vertx.sqlclient.SqlConnection conn, UUID pageId, String email, String user, String by,
                            OffsetDateTime now) {
    return env.invites.retire(conn, pageId, email, user, by, now);
  }

  /**
   * 403 unless {@code actorRole} (a manager, not the owner) may undo (lift or replace) the ban or mute
   * {@code inForce}: it must not be on a former owner or admin (the target's role when placed, since a
   * ban takes the member out), nor placed by someone above the actor. Placing and undoing follow one
   * rule: a manager acts only below their own rank (issue 14).
   */
  private static void mayUndo(JsonObject inForce, String actorRole, String kind) {
    if (inForce == null || Roles.OWNER.equals(actorRole)) {
      return;
    }
    if (!Roles.outranks(actorRole, inForce.getString("targetRole"))) {
      throw ApiError.forbidden("only the owner can undo a " + kind + " of an admin");
    }
    if (Roles.rank(inForce.getString("byRole")) < Roles.rank(actorRole)) {
      throw ApiError.forbidden("this " + kind + " was placed by someone who ranks above you");
    }
  }

  /** The first instant an RFC 3339 date-time in UTC cannot write (a five-digit year). */
  private static final java.time.Instant LAST_INSTANT = java.time.Instant.parse("+10000-01-01T00:00:00Z");

  /** expiresAt as a time in the future and before the year 10000 in UTC (400 otherwise); null for a sanction without end. */
  static OffsetDateTime expiry(String expiresAt, OffsetDateTime now) {
    if (expiresAt == null) {
      return null;
    }
    OffsetDateTime t;
    try {
      t = OffsetDateTime.parse(expiresAt).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("expiresAt must be an RFC 3339 date-time");
    }
    if (!t.isAfter(now)) {
      throw ApiError.badRequest("expiresAt must be in the future");
    }
    // RFC 3339 has four-digit years: an instant at or after year 10000 in UTC could not be answered as one
    if (!t.toInstant().isBefore(LAST_INSTANT)) {
      throw ApiError.badRequest("expiresAt must be before the year 10000 in UTC");
    }
    return t;
  }

  private Future<ApiReply> list(ApiRequest req, String kind) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    Paging paging = Paging.of(req, 20, 100);
    return store.access(env.pool, req.org(), id, me, null).compose(a -> {
      Env.manager(a, "only the page's owner or an admin may see its " + kind + "s");
      return env.sanctions.list(env.pool, id, kind, env.now(), paging.fetch(), paging.offset());
    }).map(s -> ApiReply.ok(Env.result(new Paging(paging.page(), paging.limit(), null), s, x -> null, x -> x)));
  }

  private Future<ApiReply> lift(ApiRequest req, String kind) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String target = req.pathParam("userId");
    String type = BAN.equals(kind) ? "unbanned" : "unmuted";
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.manager(a, "only the page's owner or an admin may lift a " + kind);
      OffsetDateTime now = env.now();
      return Future.all(env.sanctions.ranks(conn, id, target, kind, now), store.member(conn, id, target, false)).compose(all -> {
        JsonObject inForce = all.resultAt(0);
        JsonObject member = all.resultAt(1);
        if (member != null && !Roles.outranks(a.role(), member.getString("role"))) {
          throw ApiError.forbidden("you may not lift a " + kind + " of the owner or another admin");
        }
        mayUndo(inForce, a.role(), kind);
        return env.sanctions.lift(conn, id, target, kind, now);
      }).compose(s -> {
        if (s == null) {
          throw ApiError.notFound("no " + kind + " of this user is in force on this page");
        }
        return env.append(conn, Env.event("page.member." + type, req.org(), me, id).subject("userId", target))
          .compose(x -> env.audit(conn, Env.entry(req.org(), "page.member." + type, me, req.reqId(), id, "user", target)
            .before(new JsonObject().put("reason", s.getString("reason")).put("expiresAt", s.getString("expiresAt")))))
          .map(x -> s);
      });
    })).map(s -> ApiReply.ok(new JsonObject().put("pageId", id.toString()).put("userId", target).put("lifted", true)));
  }

  /** {@code remove_post} of {@code pages.moderate}: the owner or an admin deletes a post of the page. */
  Future<Void> removePost(String org, String actor, String reqId, UUID pageId, UUID postId, String reason) {
    return env.pool.withTransaction(conn -> store.access(conn, org, pageId, actor, "KEY SHARE").compose(a -> {
      Env.manager(a, "only the page's owner or an admin may remove posts");
      return env.posts.lockedPost(conn, org, pageId, postId).compose(post -> {
        if (post == null) {
          throw ApiError.notFound("post not found");
        }
        return env.posts.delete(conn, postId)
          .compose(x -> env.append(conn, Env.event("page.post.deleted", org, actor, pageId).subject("postId", postId)))
          .compose(x -> env.audit(conn, Env.entry(org, "page.post.removed", actor, reqId, pageId, "post", postId)
            .before(new JsonObject().put("authorId", post.getString("authorId"))).after(new JsonObject().put("reason",
              Text.nfc(reason)))));
      });
    }));
  }
}
