package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Community invites (001, issue 10): sending, accepting, listing and revoking. An invite is a one-time
 * token (only its SHA-256 is stored) for one address. Accepting needs the caller's VERIFIED address
 * (asked of {@code profiles.account}) to be that address, compared folded ({@link Text#fold}); it grants
 * no more than the inviter may grant at accept time and nothing once the inviter may no longer invite;
 * it retires the address's other open invites to the community. A removal or a ban retires invites
 * issued before it.
 */
final class InviteOps {

  private final Env env;
  private final CommunityStore store;
  private final ModerationStore moderation;

  InviteOps(Env env) {
    this.env = env;
    this.store = env.store;
    this.moderation = env.moderation;
  }

  void register(Env.Registry r) {
    r.op("inviteToCommunity", req -> env.limited(req, "communityInvites", () -> invite(req)));
    r.op("acceptCommunityInvite", this::accept);
    r.op("listCommunityInvites", this::list);
    r.op("revokeCommunityInvite", this::revoke);
  }

  static JsonObject view(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("communityId", row.getUUID("community_id").toString())
      .put("email", row.getString("email"))
      .put("role", row.getString("role"))
      .put("invitedBy", row.getString("invited_by"))
      .put("createdAt", Views.time(row.getOffsetDateTime("created_at")))
      .put("expiresAt", Views.time(row.getOffsetDateTime("expires_at")));
  }

  private Future<ApiReply> invite(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String email = Text.nfc(req.body().getString("email").trim());
    String role = req.body().getString("role", Roles.MEMBER);
    return store.find(org, id, me).compose(found -> {
      Community c = Env.visible(found);
      if (c.callerRole == null) {
        throw ApiError.forbidden("only members of the community can invite");
      }
      if (Roles.rank(role) > Roles.rank(c.callerRole)) {
        throw new ApiError(403, "role_above_inviter", "you can invite with your own role (" + c.callerRole + ") at most",
          new JsonArray().add(new JsonObject().put("path", "/role").put("message", "above the inviter's role")));
      }
      String token = Secrets.randomToken(32);
      OffsetDateTime now = store.now();
      OffsetDateTime expires = now.plusSeconds(env.settings.inviteTtlSeconds);
      String link = env.outbox.publicUrl() + "/communities/" + id + "/invite/accept?token=" + token;
      String name = Views.text(c, null, env.settings.languageOf(org)).get("name", c.name);
      return store.pool().withTransaction(conn -> env.joins.insertInvite(conn, org, id, email, role, Secrets.sha256(token), me,
            now, expires)
          .compose(row -> env.outbox.enqueue(conn, new JsonObject().put("org", org).put("kind", "community.invite")
              .put("to", email).put("subject", "You are invited to join " + name)
              .put("text", "You have been invited to join the community \"" + name + "\" as " + role
                + ". The invitation can be used once and is valid until " + expires.toInstant() + ".")
              .put("link", link))
            // the event carries the role only: never the token, and the address only admins see
            .compose(mailId -> env.event(conn, Env.ev("community.invite.sent", org, me, id).subject("inviteId", row.getUUID("id"))
              .data(new JsonObject().put("role", role))))
            // an administrative act (issue 14): the role granted and until when; the token never, and the
            // address stays on the invite (its readers see it there), out of the hash-chained record
            .compose(x -> env.audit(conn, req, "community.invite.sent", id, "invite", row.getUUID("id"), null,
              new JsonObject().put("role", role).put("status", "open").put("expiresAt", Views.time(expires))))
            .map(x -> row)))
        .map(row -> ApiReply.created(view(row).put("token", token)));
    });
  }

  /** The caller's verified address from profiles.account, folded; null when the account has none verified. */
  private Future<String> verifiedAddress(String org, String userId) {
    return env.ask("profiles.account", new JsonObject().put("org", org).put("userId", userId)).map(acc ->
      acc.getBoolean("exists", false) && acc.getBoolean("emailVerified", false) && acc.getString("email") != null
        ? Text.fold(acc.getString("email")) : null);
  }

  private Future<ApiReply> accept(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String hash = Secrets.sha256(req.body().getString("token"));
    String msg = "too many invite tokens tried; try again later";
    String userKey = org + ":" + me;
    String clientKey = org + ":" + req.clientAddress();
    return env.throttle.check("communityInviteTokenPerUser", userKey, msg)
      .compose(x -> env.throttle.check("communityInviteTokenPerClient", clientKey, msg))
      .compose(x -> verifiedAddress(org, me))
      // the community lock first, the lock (and order) a ban takes: a ban at the same moment is seen below
      .compose(address -> store.pool().withTransaction(conn -> store.lockRow(conn, org, id)
        .compose(l -> env.joins.lockInvite(conn, org, id, hash)).compose(inv -> {
        if (inv == null) {
          // a wrong token is a guess: it counts against both limits
          return env.throttle.hit("communityInviteTokenPerUser", userKey)
            .compose(y -> env.throttle.hit("communityInviteTokenPerClient", clientKey))
            .compose(y -> Future.failedFuture(new ApiError(404, "invite_not_found", "no invite of this community has that token")));
        }
        OffsetDateTime now = store.now();
        if (inv.getOffsetDateTime("accepted_at") != null) {
          throw new ApiError(410, "invite_used", "this invite has already been used");
        }
        if (inv.getOffsetDateTime("revoked_at") != null) {
          throw new ApiError(410, "invite_revoked", "this invite was withdrawn");
        }
        if (!now.isBefore(inv.getOffsetDateTime("expires_at"))) {
          throw new ApiError(410, "invite_expired", "this invite expired at " + inv.getOffsetDateTime("expires_at").toInstant());
        }
        if (address == null || !address.equals(inv.getString("email_folded"))) {
          throw new ApiError(403, "invite_for_someone_else", address == null
            ? "accepting an invite needs a verified email address on your account"
            : "this invite was sent to another email address");
        }
        return JoinOps.notBanned(env, conn, id, me)
          .compose(x -> moderation.removedAt(conn, id, me))
          .compose(removedAt -> {
            if (removedAt != null && !inv.getOffsetDateTime("created_at").isAfter(removedAt)) {
              throw new ApiError(410, "invite_revoked", "this invite was issued before you were removed from the community");
            }
            return store.roleOf(conn, id, inv.getString("invited_by"));
          })
          .compose(inviterRole -> grant(req, conn, id, inv, inviterRole, now));
      })))
      .map(res -> {
        if (res.getBoolean("created")) {
          env.publish("member.joined", org, new JsonObject().put("communityId", id.toString()).put("userId", me)
            .put("role", res.getString("role")).put("via", "invite"));
        }
        return ApiReply.ok(new JsonObject().put("communityId", id.toString()).put("userId", me)
          .put("role", res.getString("role")).put("status", "active").put("joinedAt", res.getString("joinedAt"))
          .put("joined", res.getBoolean("created")));
      });
  }

  /**
   * Carries out an accepted invite: the role is the invite's, capped at what the inviter holds now; an
   * inviter who is no longer a member grants nothing (403). An existing member is raised, never lowered.
   */
  private Future<JsonObject> grant(ApiRequest req, io.vertx.sqlclient.SqlClient conn, UUID id, Row inv, String inviterRole,
                                   OffsetDateTime now) {
    String me = req.userId();
    String org = req.org();
    if (inviterRole == null) {
      throw new ApiError(403, "inviter_cannot_invite", "the person who sent this invite can no longer invite to this community");
    }
    String asked = inv.getString("role");
    String role = Roles.rank(asked) <= Roles.rank(inviterRole) ? asked
      : Roles.rank(inviterRole) >= Roles.rank(Roles.ADMIN) ? Roles.ADMIN : inviterRole;
    UUID inviteId = inv.getUUID("id");
    return store.addMember(conn, org, id, me, role).compose(ch -> {
      if (ch == null) {
        throw ApiError.notFound("community not found");
      }
      boolean raise = !ch.created && Roles.rank(role) > Roles.rank(ch.role);
      Future<CommunityStore.Change> raised = raise ? store.setRole(conn, org, id, me, ch.role, role) : Future.succeededFuture(null);
      return raised.compose(r -> {
        String now2 = r != null && r.status.equals("changed") ? role : ch.role;
        Future<Void> events = env.event(conn, Env.ev("community.invite.accepted", org, me, id).subject("inviteId", inviteId)
          .data(new JsonObject().put("role", now2)));
        if (ch.created) {
          events = events.compose(x -> env.event(conn, Env.ev("community.member.joined", org, me, id).subject("userId", me)
            .data(new JsonObject().put("role", now2))));
        } else if (!now2.equals(ch.role)) {
          events = events.compose(x -> env.event(conn, Env.ev("community.member.role_changed", org, me, id).subject("userId", me)
              .data(new JsonObject().put("role", now2).put("previousRole", ch.role))))
            .compose(x -> env.audit(conn, req, "community.member.role_changed", id, "user", me,
              new JsonObject().put("role", ch.role), new JsonObject().put("role", now2).put("via", "invite")));
        }
        return events
          .compose(x -> env.joins.markInviteUsed(conn, inviteId, me, now))
          .compose(x -> moderation.supersede(conn, id, inv.getString("email_folded"), inviteId, me, now))
          .compose(this::noop)
          .map(x -> new JsonObject().put("created", ch.created).put("role", now2).put("joinedAt", Views.time(ch.joinedAt)));
      });
    });
  }

  private Future<Void> noop(List<UUID> ids) {
    return Future.succeededFuture();
  }

  /** The caller's standing for invite administration: owners/admins manage every invite, other members their own. */
  private Future<Community> inviter(ApiRequest req, UUID id) {
    return store.find(req.org(), id, req.requireUser()).map(found -> {
      Community c = Env.visible(found);
      if (c.callerRole == null) {
        throw ApiError.forbidden("only members of the community can see or withdraw its invites");
      }
      return c;
    });
  }

  /** Open invites: owners and admins see all of them, other members the ones they sent. */
  private Future<ApiReply> list(ApiRequest req) {
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    Paging paging = Paging.of(req, 50, 100);
    return inviter(req, id).compose(c -> moderation.openInvites(id,
        Roles.atLeast(c.callerRole, Roles.ADMIN) ? null : req.userId(), store.now(), paging.limit(), paging.offset()))
      .map(p -> {
        JsonArray data = new JsonArray();
        p.data.forEach(r -> data.add(view(r)));
        return ApiReply.ok(paging.result(data, p.total));
      });
  }

  private Future<ApiReply> revoke(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    UUID inviteId = Env.uuid(req.pathParam("inviteId"), "invite");
    return inviter(req, id).compose(c -> store.pool().withTransaction(conn -> moderation.lockInviteById(conn, id, inviteId)
      .compose(inv -> {
        if (inv == null || (!Roles.atLeast(c.callerRole, Roles.ADMIN) && !me.equals(inv.getString("invited_by")))) {
          throw new ApiError(404, "invite_not_found", "no open invite of yours has that id in this community");
        }
        if (inv.getOffsetDateTime("accepted_at") != null || inv.getOffsetDateTime("revoked_at") != null) {
          throw new ApiError(409, "invite_closed", "this invite was already accepted or withdrawn");
        }
        return moderation.revokeInvite(conn, inviteId, me, "revoked", store.now())
          .compose(x -> env.event(conn, Env.ev("community.invite.revoked", org, me, id).subject("inviteId", inviteId)
            .data(new JsonObject().put("role", inv.getString("role")))))
          .compose(x -> env.audit(conn, req, "community.invite.revoked", id, "invite", inviteId,
            new JsonObject().put("status", "open").put("role", inv.getString("role")), new JsonObject().put("status", "revoked")))
          .map(x -> ApiReply.ok(view(inv).put("revoked", true)));
      })));
  }
}
