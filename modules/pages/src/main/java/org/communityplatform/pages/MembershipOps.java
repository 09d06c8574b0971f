package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.util.Locale;
import java.util.UUID;

/** Memberships (document 000, "Membership"): join, leave, the members list, roles and removal. */
final class MembershipOps {

  private final Env env;
  private final PagesStore store;

  MembershipOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("joinPage", req -> env.limited(req, "pageJoins", () -> join(req)));
    r.op("leavePage", this::leave);
    r.op("listPageMembers", this::list);
    r.op("updatePageMember", this::setRole);
    r.op("removePageMember", this::remove);
  }

  static String normEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  /** The caller's email claim, normalised; null when absent or unusable. */
  static String email(ApiRequest req) {
    String e = normEmail(req.claim("email"));
    return e == null || e.isEmpty() || e.length() > 254 ? null : e;
  }

  /** Joins a page: 201 with the new membership, 200 with the existing one. */
  private Future<ApiReply> join(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      if (a == null) {
        throw ApiError.notFound("page not found");
      }
      if (a.role() != null) {
        return store.member(conn, id, me, false).map(m -> m.put("changed", false));
      }
      if (!a.visible()) {
        throw new ApiError(403, "invitation_required", "this page is private: only invited people may join it");
      }
      return env.sanctions.inForce(conn, id, me, ModerationOps.BAN, env.now()).compose(ban -> {
        if (ban != null) {
          throw new ApiError(403, "banned", "you are banned from this page" + InvitationOps.until(ban));
        }
        return store.insertMember(conn, req.org(), id, me, email(req), Roles.MEMBER, "request", null, null, env.now());
      }).compose(m -> m == null ? store.member(conn, id, me, false).map(x -> x.put("changed", false))
        : env.append(conn, Env.event("page.member.joined", req.org(), me, id).subject("userId", me)
            .data(new JsonObject().put("role", Roles.MEMBER).put("source", "request")))
          .map(x -> m.put("changed", true)));
    })).map(m -> {
      boolean changed = m.getBoolean("changed");
      if (changed) {
        env.publish("member.joined", Views.memberFact(req.org(), m));
      }
      return ApiReply.status(changed ? 201 : 200, Views.publicMember(m));
    });
  }

  private Future<ApiReply> leave(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        return Future.succeededFuture((JsonObject) null);
      }
      if (a.owner()) {
        throw new ApiError(409, "owner_must_transfer",
          "the owner cannot leave; hand the page over first (POST /client/community/pages/{pageId}/transfer)");
      }
      return store.deleteMember(conn, id, me).compose(m -> gone(conn, req, id, m, "page.member.left").map(x -> m));
    })).map(m -> {
      if (m != null) {
        env.publish("member.left", Views.memberFact(req.org(), m));
      }
      return ApiReply.ok(new JsonObject().put("pageId", id.toString()).put("userId", me).put("left", m != null));
    });
  }

  /**
   * After a membership ends: its event, and the open invitations of the page addressed to that person
   * retired (an old invitation must not bring back someone who left or was removed).
   */
  private Future<Void> gone(io.vertx.sqlclient.SqlConnection conn, ApiRequest req, UUID id, JsonObject m, String type) {
    String user = m.getString("userId");
    return env.invites.retire(conn, id, org.communityplatform.core.text.Text.fold(m.getString("email")), user,
        req.userId(), env.now())
      .compose(x -> env.append(conn, Env.event(type, req.org(), req.userId(), id).subject("userId", user)
        .data(new JsonObject().put("role", m.getString("role")))));
  }

  private Future<ApiReply> list(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    Object[] after = Cursors.members(paging.cursor());
    String role = req.queryString("role");
    UUID id = Env.pageId(req);
    String viewer = req.userId();
    boolean orgAdmin = Env.orgAdmin(req);
    String[] viewerRole = new String[1];
    return store.access(env.pool, req.org(), id, viewer, null)
      .compose(a -> {
        Env.visible(a);
        viewerRole[0] = a.role();
        return store.listMembers(env.pool, req.org(), id, role, after, paging.fetch(), paging.offset());
      })
      .compose(s -> env.withProfiles(req.org(), Env.result(paging, s, Cursors::members, Views::publicMember), "userId", "profile", viewer,
        viewerRole[0], orgAdmin))
      .map(ApiReply::ok);
  }

  /** Sets a member's role to admin or member (owner only). */
  private Future<ApiReply> setRole(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String target = req.pathParam("userId");
    String role = req.body().getString("role");
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (!a.owner()) {
        throw ApiError.forbidden("only the owner may change roles");
      }
      return store.member(conn, id, target, true).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("member not found");
        }
        if (Roles.OWNER.equals(m.getString("role"))) {
          throw ApiError.conflict("the owner's role changes only by handing the page over");
        }
        if (role.equals(m.getString("role"))) {
          return Future.succeededFuture(m.put("changed", false));
        }
        return store.setRole(conn, id, target, role)
          .compose(x -> env.append(conn, Env.event("page.member.role_changed", req.org(), me, id).subject("userId", target)
              .data(new JsonObject().put("role", role)))
            .compose(y -> env.audit(conn, Env.entry(req.org(), "page.member.role_changed", me, req.reqId(), id, "user",
              target).before(new JsonObject().put("role", m.getString("role"))).after(new JsonObject().put("role", role))))
            .map(y -> x.put("changed", true)));
      });
    })).map(m -> {
      if (m.getBoolean("changed")) {
        env.publish("member.updated", Views.memberFact(req.org(), m).put("changedBy", me));
      }
      return ApiReply.ok(Views.publicMember(m));
    });
  }

  /** Removes a member: the owner removes anyone but themselves, an admin removes plain members, anyone removes themselves. */
  private Future<ApiReply> remove(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String target = req.pathParam("userId");
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only the page's owner or an admin may remove members");
      }
      return store.member(conn, id, target, true).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("member not found");
        }
        String targetRole = m.getString("role");
        if (Roles.OWNER.equals(targetRole)) {
          throw new ApiError(409, "owner_must_transfer", "the owner cannot be removed; hand the page over first");
        }
        if (!target.equals(me) && !Roles.outranks(a.role(), targetRole)) {
          throw ApiError.forbidden("you may not remove this member");
        }
        boolean self = target.equals(me);
        return store.deleteMember(conn, id, target)
          .compose(x -> gone(conn, req, id, x, self ? "page.member.left" : "page.member.removed"))
          .compose(x -> self ? Future.succeededFuture() : env.audit(conn, Env.entry(req.org(), "page.member.removed", me,
            req.reqId(), id, "user", target).before(new JsonObject().put("role", targetRole))))
          .map(x -> m);
      });
    })).map(m -> {
      env.publish("member.left", Views.memberFact(req.org(), m).put("removedBy", me));
      return ApiReply.ok(new JsonObject().put("pageId", id.toString()).put("userId", target).put("removed", true));
    });
  }
}
