package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Invitations by email (document 000, "Membership"; issue 10). An invitation is addressed to an email
 * address and waits, open, until an account whose address is VERIFIED accepts or declines it; it
 * never makes anyone a member by itself. Ownership of the address is proven either by the profiles
 * module's fact {@code events.profiles.user.email_verified} (the invitation is then attached to that
 * account) or, at accept time, by {@code profiles.account} answering a verified address. Accepting
 * retires the address's other open invitations to the page; removal, leaving and a ban retire them
 * too; at accept time the invitation grants no more than its inviter may grant then.
 */
final class InvitationOps {

  private static final Logger LOG = LoggerFactory.getLogger(InvitationOps.class);
  static final Pattern EMAIL = Pattern.compile("^[^@\\s\\x00]+@[^@\\s\\x00.]+(?:\\.[^@\\s\\x00.]+)+$");

  private final Env env;
  private final PagesStore store;
  private final InviteStore invites;

  InvitationOps(Env env) {
    this.env = env;
    this.store = env.store;
    this.invites = env.invites;
  }

  void register(Env.Registry r) {
    r.op("invitePageMember", req -> env.limited(req, "pageInvites", () -> invite(req)));
    r.op("listPageInvitations", this::list);
    r.op("revokePageInvitation", this::revoke);
    r.op("acceptPageInvitation", req -> env.limited(req, "pageJoins", () -> accept(req)));
    r.op("declinePageInvitation", this::decline);
    r.op("listMyPageInvitations", this::mine);
    r.on("events.profiles.user.email_verified", this::verified);
  }

  /** The profiles module's fact: {@code userId} proved it owns {@code email}; its open invitations are its own. */
  private void verified(JsonObject ev) {
    String org = InternalOps.org(ev);
    String userId = ev.getValue("userId") instanceof String ? ev.getString("userId") : null;
    String email = ev.getValue("email") instanceof String ? Text.fold(ev.getString("email")) : null;
    if (org == null || userId == null || userId.isBlank() || email == null || !EMAIL.matcher(email).matches()) {
      return;
    }
    invites.attach(env.pool, org, email, userId)
      .onFailure(err -> LOG.warn("could not attach invitations of {} in {}: {}", userId, org, err.toString()));
  }

  private Future<ApiReply> invite(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String org = req.org();
    String email = Text.fold(req.body().getString("email"));
    if (email == null || !EMAIL.matcher(email).matches()) {
      throw ApiError.badRequest("email is not a valid address");
    }
    String role = req.body().getString("role", Roles.MEMBER);
    return env.pool.withTransaction(conn -> store.access(conn, org, id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members of the page may invite");
      }
      if (Roles.ADMIN.equals(role) && !a.owner()) {
        throw ApiError.forbidden("only the page's owner may invite admins");
      }
      String mine = MembershipOps.email(req);
      if (mine != null && email.equals(Text.fold(mine))) {
        // inviting oneself answers one's own membership
        return store.member(conn, id, me, false).map(m -> new JsonObject().put("pageId", m.getString("pageId"))
          .put("email", email).put("userId", me).put("role", m.getString("role")).put("source", m.getString("source"))
          .put("invitedBy", m.getString("invitedBy")).put("invitedAt", m.getString("invitedAt")).put("status", "member")
          .put("changed", false));
      }
      return invites.insert(conn, org, id, email, role, me, env.now()).compose(inv -> inv == null
        ? invites.open(conn, id, email).map(x -> x.put("changed", false))
        : env.append(conn, Env.event("page.invite.sent", org, me, id).subject("inviteId", inv.getString("id"))
            .data(new JsonObject().put("role", role)))
          // an administrative act (issue 14): the role granted; the address stays on the invitation
          .compose(x -> env.audit(conn, Env.entry(org, "page.invite.sent", me, req.reqId(), id, "invitation",
            UUID.fromString(inv.getString("id"))).after(new JsonObject().put("status", "pending").put("role", role))))
          .compose(x -> mail(conn, req, a, email))
          .map(x -> inv.put("changed", true)));
    })).map(inv -> {
      boolean changed = (Boolean) inv.remove("changed");
      if (changed) {
        env.publish("member.invited", new JsonObject().put("org", org).put("pageId", id.toString()).put("email", email)
          .put("inviteId", inv.getString("id")).put("invitedBy", me).put("status", inv.getString("status")));
      }
      return ApiReply.status(changed ? 201 : 200, inv);
    });
  }

  private Future<?> mail(SqlConnection conn, ApiRequest req, Access a, String email) {
    if (!env.settings.inviteEmails) {
      return Future.succeededFuture();
    }
    String who = req.claim("name") != null ? req.claim("name") : "A member";
    String name = a.page().getString("name");
    return env.outbox.enqueue(conn, new JsonObject().put("org", req.org()).put("kind", "page-invitation").put("to", email)
      .put("subject", "You are invited to the page \"" + name + "\"")
      .put("text", who + " invited you to join the page \"" + name + "\". Sign in with this email address (verify it "
        + "if you have not yet) and accept the invitation among your page invitations.")
      .put("link", env.outbox.publicUrl() + "/client/community/pages/" + a.page().getString("id")));
  }

  /** Open invitations of a page: all of them for the owner and admins, one's own for other members. */
  private Future<ApiReply> list(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    Paging paging = Paging.of(req, 20, 100);
    return store.access(env.pool, req.org(), id, me, null).compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members of the page see its invitations");
      }
      return invites.listOpen(env.pool, req.org(), id, a.manager() ? null : me, paging.fetch(), paging.offset());
    }).map(s -> ApiReply.ok(Env.result(new Paging(paging.page(), paging.limit(), null), s, x -> null, x -> x)));
  }

  private Future<ApiReply> revoke(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    UUID inviteId = ApiRequest.uuidOr404(req.pathParam("inviteId"), "invitation");
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only the page's owner, an admin or the inviter may revoke an invitation");
      }
      return invites.get(conn, req.org(), id, inviteId, true).compose(inv -> {
        if (inv == null) {
          throw ApiError.notFound("invitation not found");
        }
        if (!a.manager() && !me.equals(inv.getString("invitedBy"))) {
          throw ApiError.forbidden("only the page's owner, an admin or the inviter may revoke an invitation");
        }
        if (!"pending".equals(inv.getString("status"))) {
          throw new ApiError(409, "invitation_closed", "this invitation is already " + inv.getString("status"));
        }
        return invites.close(conn, inviteId, "revoked", me, null, env.now())
          .compose(closed -> env.append(conn, Env.event("page.invite.revoked", req.org(), me, id).subject("inviteId", inviteId)
              .data(new JsonObject().put("role", closed.getString("role"))))
            .compose(x -> env.audit(conn, Env.entry(req.org(), "page.invite.revoked", me, req.reqId(), id, "invitation",
              inviteId).before(new JsonObject().put("status", "pending")).after(new JsonObject().put("status", "revoked"))))
            .map(x -> closed));
      });
    })).map(ApiReply::ok);
  }

  /**
   * Proves the invitation is addressed to the caller: attached to them when they verified the address,
   * or their account's verified address (profiles.account) is the invitation's. 404 when it is someone
   * else's; 403 {@code email_not_verified} when the address is theirs but not verified.
   */
  private Future<Void> addressedToCaller(String org, String me, JsonObject inv) {
    if (me.equals(inv.getString("userId"))) {
      return Future.succeededFuture();
    }
    return env.ask("profiles.account", new JsonObject().put("org", org).put("userId", me)).map(acc -> {
      String address = acc.getValue("email") instanceof String ? Text.fold(acc.getString("email")) : null;
      if (!Boolean.TRUE.equals(acc.getValue("exists")) || address == null || !address.equals(inv.getString("email"))) {
        throw ApiError.notFound("invitation not found");
      }
      if (!Boolean.TRUE.equals(acc.getValue("emailVerified"))) {
        throw new ApiError(403, "email_not_verified", "verify your email address first; an invitation is accepted "
          + "only by the owner of a verified address");
      }
      return null;
    });
  }

  private Future<JsonObject> openInvitation(ApiRequest req, UUID id, UUID inviteId) {
    return invites.get(env.pool, req.org(), id, inviteId, false).map(inv -> {
      if (inv == null) {
        throw ApiError.notFound("invitation not found");
      }
      return inv;
    });
  }

  private Future<ApiReply> accept(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.pageId(req);
    UUID inviteId = ApiRequest.uuidOr404(req.pathParam("inviteId"), "invitation");
    return openInvitation(req, id, inviteId)
      .compose(inv -> addressedToCaller(org, me, inv))
      .compose(v -> env.pool.withTransaction(conn -> store.access(conn, org, id, me, "NO KEY UPDATE").compose(a -> {
        if (a == null) {
          throw ApiError.notFound("invitation not found");
        }
        return invites.get(conn, org, id, inviteId, true).compose(inv -> {
          if (!"pending".equals(inv.getString("status"))) {
            throw new ApiError(409, "invitation_closed", "this invitation is already " + inv.getString("status"));
          }
          return env.sanctions.inForce(conn, id, me, "ban", env.now()).compose(ban -> {
            if (ban != null) {
              throw new ApiError(403, "banned", "you are banned from this page" + until(ban));
            }
            if (a.role() != null) {
              // already a member: the invitation is used up, the role stays as it is
              return invites.close(conn, inviteId, "accepted", me, me, env.now())
                .compose(x -> invites.retire(conn, id, inv.getString("email"), me, me, env.now()))
                .compose(x -> store.member(conn, id, me, false))
                .map(m -> m.put("changed", false));
            }
            String inviter = inv.getString("invitedBy");
            return store.member(conn, id, inviter, false).compose(im -> {
              String grant = grantable(inv.getString("role"), im == null ? null : im.getString("role"));
              if (grant == null) {
                return invites.close(conn, inviteId, "retired", me, me, env.now()).map(x -> new JsonObject().put("void", true));
              }
              return store.insertMember(conn, org, id, me, inv.getString("email"), grant, "invitation", inviter,
                  java.time.OffsetDateTime.parse(inv.getString("invitedAt")), env.now())
                .compose(m -> invites.close(conn, inviteId, "accepted", me, me, env.now())
                  .compose(x -> invites.retire(conn, id, inv.getString("email"), me, me, env.now()))
                  .compose(x -> env.append(conn,
                    Env.event("page.invite.accepted", org, me, id).subject("inviteId", inviteId)
                      .data(new JsonObject().put("role", grant)),
                    Env.event("page.member.joined", org, me, id).subject("userId", me)
                      .data(new JsonObject().put("role", grant).put("source", "invitation"))))
                  .map(x -> m.put("changed", true)));
            });
          });
        });
      })))
      .map(m -> {
        if (m.containsKey("void")) {
          throw new ApiError(409, "invitation_void", "the person who invited you may no longer invite to this page; "
            + "ask for a new invitation");
        }
        boolean changed = (Boolean) m.remove("changed");
        if (changed) {
          env.publish("member.joined", Views.memberFact(org, m));
        }
        return ApiReply.status(changed ? 201 : 200, Views.publicMember(m));
      });
  }

  /** What an invitation of {@code role} grants when its inviter now holds {@code inviterRole}; null: nothing. */
  static String grantable(String role, String inviterRole) {
    if (inviterRole == null) {
      return null;
    }
    return Roles.ADMIN.equals(role) && Roles.OWNER.equals(inviterRole) ? Roles.ADMIN : Roles.MEMBER;
  }

  static String until(JsonObject sanction) {
    String at = sanction.getString("expiresAt");
    return at == null ? "" : " until " + at;
  }

  private Future<ApiReply> decline(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    UUID inviteId = ApiRequest.uuidOr404(req.pathParam("inviteId"), "invitation");
    return openInvitation(req, id, inviteId)
      .compose(inv -> addressedToCaller(req.org(), me, inv))
      .compose(v -> env.pool.withTransaction(conn -> invites.get(conn, req.org(), id, inviteId, true).compose(inv -> {
        if (!"pending".equals(inv.getString("status"))) {
          throw new ApiError(409, "invitation_closed", "this invitation is already " + inv.getString("status"));
        }
        return invites.close(conn, inviteId, "declined", me, me, env.now());
      })))
      .map(ApiReply::ok);
  }

  /** The caller's open invitations: to their verified address, or attached to them when they verified it. */
  private Future<ApiReply> mine(ApiRequest req) {
    String me = req.requireUser();
    return env.ask("profiles.account", new JsonObject().put("org", req.org()).put("userId", me))
      .map(acc -> Boolean.TRUE.equals(acc.getValue("emailVerified")) && acc.getValue("email") instanceof String
        ? Text.fold(acc.getString("email")) : null)
      // without the profiles module only the invitations attached at verification count
      .otherwise(err -> null)
      .compose(email -> invites.mine(env.pool, req.org(), email, me, 100))
      .map(list -> ApiReply.ok(new JsonObject().put("data", new JsonArray(list)).put("total", list.size())));
  }
}
