package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.regex.Pattern;

/** Invitations by email (document 000, "Membership"). */
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
    r.op("invitePageMember", this::invite);
    // a sign-up: waiting invitations for that email become memberships
    r.internal("events.profiles.user.created", ev -> {
      String org = ev.getValue("org") instanceof String ? ev.getString("org") : "default";
      String userId = ev.getValue("userId") instanceof String ? ev.getString("userId") : null;
      String email = ev.getValue("email") instanceof String ? MembershipOps.normEmail(ev.getString("email")) : null;
      if (userId == null || userId.isBlank() || email == null || !EMAIL.matcher(email).matches()
        || !InternalOps.ORG.matcher(org).matches()) {
        return Future.succeededFuture();
      }
      return attach(org, email, userId);
    });
  }

  /** Attaches the waiting invitations of a signed-in caller's email first (before their operation). */
  Future<Void> attachFor(ApiRequest req) {
    String me = req.userId();
    String email = MembershipOps.email(req);
    if (me == null || email == null || "false".equals(req.claim("email_verified"))) {
      return Future.succeededFuture();
    }
    return attach(req.org(), email, me);
  }

  private Future<Void> attach(String org, String email, String userId) {
    // the common case (nothing waits for this email) costs one indexed lookup and no transaction
    return invites.anyPending(env.pool, org, email)
      .compose(any -> !any ? Future.succeededFuture(java.util.List.<JsonObject>of())
        : env.pool.withTransaction(conn -> invites.attach(conn, org, email, userId, env.now())))
      .onSuccess(list -> list.forEach(m -> env.publish("member.joined", Views.memberFact(org, m))))
      .onFailure(err -> LOG.warn("could not attach invitations of {} in {}: {}", userId, org, err.toString()))
      .<Void>mapEmpty()
      .recover(err -> Future.succeededFuture());
  }

  private Future<ApiReply> invite(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String email = MembershipOps.normEmail(req.body().getString("email"));
    if (email == null || !EMAIL.matcher(email).matches()) {
      throw ApiError.badRequest("email is not a valid address");
    }
    String org = req.org();
    Future<String> invitee = email.equals(MembershipOps.email(req)) ? Future.succeededFuture(me) : userIdByEmail(org, email);
    return invitee.compose(userId -> env.pool.withTransaction(conn -> store.access(conn, org, id, me, "NO KEY UPDATE")
      .compose(a -> {
        Env.visible(a);
        if (a.role() == null) {
          throw ApiError.forbidden("only members of the page may invite");
        }
        if (userId != null) {
          return store.insertMember(conn, org, id, userId, email, Roles.MEMBER, "invitation", me, env.now(), env.now())
            .compose(m -> m == null
              ? store.member(conn, id, userId, false).map(x -> invitation(x, email).put("changed", false))
              : invites.dropPending(conn, id, email).map(x -> invitation(m, email).put("changed", true)));
        }
        return invites.insertPending(conn, org, id, email, me, env.now()).compose(m -> m == null
          ? invites.pending(conn, id, email).map(x -> invitation(x, email).put("changed", false))
          : mail(conn, req, a, email).map(x -> invitation(m, email).put("changed", true)));
      }))).map(inv -> {
        boolean changed = (Boolean) inv.remove("changed");
        if (changed) {
          env.publish("member.invited", new JsonObject().put("org", org).put("pageId", id.toString()).put("email", email)
            .put("userId", inv.getString("userId")).put("invitedBy", me).put("status", inv.getString("status")));
          if (inv.getString("userId") != null) {
            env.publish("member.joined", Views.memberFact(org, inv.copy().put("joinedAt", inv.getString("invitedAt"))));
          }
        }
        return ApiReply.status(changed ? 201 : 200, inv);
      });
  }

  private Future<?> mail(io.vertx.sqlclient.SqlConnection conn, ApiRequest req, Access a, String email) {
    if (!env.settings.inviteEmails) {
      return Future.succeededFuture();
    }
    String who = req.claim("name") != null ? req.claim("name") : MembershipOps.email(req) != null ? MembershipOps.email(req) : "A member";
    String name = a.page().getString("name");
    return env.outbox.enqueue(conn, new JsonObject().put("org", req.org()).put("kind", "page-invitation").put("to", email)
      .put("subject", "You are invited to the page \"" + name + "\"")
      .put("text", who + " invited you to join the page \"" + name
        + "\". Sign up or sign in with this email address and you will find it among your pages.")
      .put("link", env.outbox.publicUrl() + "/client/community/pages/" + a.page().getString("id")));
  }

  /** The user id of an account with this email (profiles.byEmail); null when unknown or unavailable. */
  private Future<String> userIdByEmail(String org, String email) {
    return env.ask("profiles.byEmail", new JsonObject().put("org", org).put("email", email))
      .map(body -> {
        JsonObject profile = body.getValue("profile") instanceof JsonObject ? body.getJsonObject("profile") : null;
        Object id = profile == null ? null : profile.getValue("userId");
        return id instanceof String && !((String) id).isBlank() ? (String) id : null;
      })
      .otherwise(err -> null);
  }

  private static JsonObject invitation(JsonObject m, String email) {
    return new JsonObject().put("pageId", m.getString("pageId")).put("email", email)
      .put("userId", m.getString("userId")).put("role", m.getString("role")).put("source", m.getString("source"))
      .put("invitedBy", m.getString("invitedBy")).put("invitedAt", m.getString("invitedAt"))
      .put("status", m.getString("userId") == null ? "pending" : "member");
  }
}
