package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** The plain community API (001): communities, the member directory, roles, leaving, invites, chat token. */
final class CommunityOps {

  private final Env env;
  private final CommunityStore store;

  CommunityOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("listMyCommunities", this::listMine);
    r.op("createCommunity", this::create);
    r.op("getCommunity", this::get);
    r.op("updateCommunity", this::update);
    r.op("deleteCommunity", this::delete);
    r.op("listCommunityMembers", this::members);
    r.op("changeCommunityMemberRole", this::changeRole);
    r.op("removeCommunityMember", this::remove);
    r.op("inviteToCommunity", this::invite);
    r.op("acceptCommunityInvite", this::acceptInvite);
    r.op("createStreamToken", this::streamToken);
  }

  private Views.Text text(ApiRequest req, Community c) {
    return Views.text(c, req.lang(), env.settings.languageOf(req.org()));
  }

  private JsonObject view(ApiRequest req, Community c) {
    return Views.community(c, text(req, c), env.clock.instant());
  }

  private Future<ApiReply> listMine(ApiRequest req) {
    String me = req.requireUser();
    int page = Env.page(req);
    int limit = Env.limit(req, 20);
    return store.listMine(req.org(), me, page, limit).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(c -> data.add(view(req, c)));
      return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
    });
  }

  private Future<ApiReply> create(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    OffsetDateTime now = store.now();
    Community c = new Community();
    c.id = UUID.randomUUID();
    c.org = org;
    c.applyPlain(req.body());
    c.createdBy = me;
    c.createdAt = now;
    c.updatedAt = now;
    c.check();
    return store.pool().withTransaction(conn -> store.insert(conn, c)
        .compose(saved -> store.addMember(conn, org, saved.id, me, Roles.OWNER).map(ch -> {
          saved.callerRole = Roles.OWNER;
          saved.memberCount = 1;
          return saved;
        })))
      .map(saved -> {
        env.publish("community.created", org, new JsonObject().put("communityId", saved.id.toString())
          .put("name", saved.name).put("slug", saved.slug).put("isPrivate", saved.isPrivate).put("ownerId", me));
        env.publish("member.joined", org, new JsonObject().put("communityId", saved.id.toString()).put("userId", me)
          .put("role", Roles.OWNER));
        return ApiReply.created(view(req, saved));
      });
  }

  private Future<ApiReply> get(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    return store.find(req.org(), id, me).map(c -> ApiReply.ok(view(req, Env.visible(c))));
  }

  private Future<ApiReply> update(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    JsonObject body = req.body();
    return store.pool().withTransaction(conn -> store.lock(conn, org, id, me).compose(c -> {
        Env.visible(c);
        Env.require(c.callerRole, Roles.ADMIN, "only an owner or admin of the community can change it");
        c.applyPlain(body);
        c.check();
        c.updatedAt = store.now();
        String role = c.callerRole;
        return store.update(conn, c).map(saved -> {
          saved.callerRole = role;
          return saved;
        });
      }))
      .map(saved -> {
        env.publish("community.updated", org, new JsonObject().put("communityId", id.toString())
          .put("fields", new JsonArray(new ArrayList<>(body.fieldNames()))).put("by", me));
        return ApiReply.ok(view(req, saved));
      });
  }

  private Future<ApiReply> delete(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    return store.pool().withTransaction(conn -> store.lock(conn, org, id, me).compose(c -> {
        Env.visible(c);
        Env.require(c.callerRole, Roles.OWNER, "only an owner can delete the community");
        return store.delete(conn, org, id);
      }))
      .map(deleted -> {
        env.publish("community.deleted", org, new JsonObject().put("communityId", id.toString()).put("by", me));
        return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
      });
  }

  // ---- member directory -----------------------------------------------------------------------------

  private Future<ApiReply> members(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String role = req.queryString("role");
    int limit = Env.limit(req, 50);
    String cursor = req.queryString("cursor");
    Integer page = cursor == null ? Env.page(req) : null;
    long after = cursor == null ? (long) (page - 1) * limit : decodeCursor(cursor, role);
    return store.directoryHead(org, id, me).compose(head -> {
      Env.visible(head != null, head != null && head.getBoolean("is_private"), head == null ? null : head.getString("caller_role"));
      long total = role == null ? head.getInteger("member_count") : head.getInteger("count_" + role);
      if (after >= total) {
        return Future.succeededFuture(ApiReply.ok(Env.pageOf(new JsonArray(), total, page, limit).putNull("nextCursor")));
      }
      return store.directoryPage(id, role, after, limit).compose(rows -> {
        List<Row> list = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Row r : rows) {
          list.add(r);
          ids.add(r.getString("user_id"));
        }
        return env.profiles(org, ids).map(profiles -> {
          JsonArray data = new JsonArray();
          long last = after;
          for (Row r : list) {
            String user = r.getString("user_id");
            Object profile = profiles.getValue(user);
            data.add(Views.member(user, r.getString("role"), r.getString("status"), r.getOffsetDateTime("joined_at"))
              .put("profile", profile instanceof JsonObject ? profile : null));
            last = r.getInteger("pos");
          }
          String next = !list.isEmpty() && last < total ? encodeCursor(role, last) : null;
          return ApiReply.ok(Env.pageOf(data, total, page, limit).put("nextCursor", next));
        });
      });
    });
  }

  private static String encodeCursor(String role, long pos) {
    String raw = "m1:" + (role == null ? "*" : role) + ":" + pos;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  private static long decodeCursor(String cursor, String role) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      String[] parts = raw.split(":");
      if (parts.length == 3 && parts[0].equals("m1") && parts[1].equals(role == null ? "*" : role)) {
        long pos = Long.parseLong(parts[2]);
        if (pos >= 0 && pos < Integer.MAX_VALUE) {
          return pos;
        }
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw new ApiError(400, "invalid_cursor", "the cursor is not one this list gave out (was the role filter changed?)",
      new JsonArray().add(new JsonObject().put("in", "query").put("name", "cursor")));
  }

  // ---- roles and leaving --------------------------------------------------------------------------------

  /** The caller's and a target's roles in a community, and whether it is private. */
  private Future<Row> standing(String org, UUID id, String me, String target) {
    return store.pool().preparedQuery("SELECT c.is_private, m.role AS caller_role, t.role AS target_role "
        + "FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 "
        + "LEFT JOIN communities.members t ON t.community_id = c.id AND t.user_id = $4 WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(id, org, me, target))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private Future<ApiReply> changeRole(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String target = req.body().getString("targetUserId");
    String role = req.body().getString("role");
    return standing(org, id, me, target).compose(s -> {
      Env.visible(s != null, s != null && s.getBoolean("is_private"), s == null ? null : s.getString("caller_role"));
      String mine = s.getString("caller_role");
      String theirs = s.getString("target_role");
      Env.require(mine, Roles.ADMIN, "only an owner or admin can change member roles");
      if (theirs == null) {
        throw ApiError.notFound("that user is not a member of the community");
      }
      if (!Roles.OWNER.equals(mine) && (Roles.atLeast(role, Roles.ADMIN) || Roles.atLeast(theirs, Roles.ADMIN))) {
        throw ApiError.forbidden("only an owner can make admins or owners, or change an admin's or owner's role");
      }
      return store.setRole(store.pool(), org, id, target, theirs, role).map(ch -> {
        if (ch == null) {
          throw ApiError.notFound("community not found");
        }
        switch (ch.status) {
          case "not_member":
            throw ApiError.notFound("that user is not a member of the community");
          case "changed_meanwhile":
            throw ApiError.conflict("the member's role changed meanwhile; try again");
          case "last_owner":
            throw new ApiError(409, "last_owner", "the community's only owner cannot be demoted; make another owner first");
          default:
            break;
        }
        if (ch.status.equals("changed")) {
          env.publish("member.role_changed", org, new JsonObject().put("communityId", id.toString()).put("userId", target)
            .put("role", role).put("previousRole", theirs).put("by", me));
        }
        return ApiReply.ok(Views.member(target, role, "active", ch.joinedAt).put("previousRole", theirs));
      });
    });
  }

  private Future<ApiReply> remove(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String target = req.body().getString("targetUserId", req.queryString("targetUserId"));
    if (target == null) {
      throw Env.badField("targetUserId", "targetUserId is required (your own id to leave)");
    }
    boolean leaving = target.equals(me);
    return standing(org, id, me, target).compose(s -> {
      Env.visible(s != null, s != null && s.getBoolean("is_private"), s == null ? null : s.getString("caller_role"));
      String mine = s.getString("caller_role");
      String theirs = s.getString("target_role");
      if (leaving) {
        if (mine == null) {
          throw ApiError.notFound("you are not a member of the community");
        }
      } else {
        Env.require(mine, Roles.ADMIN, "only an owner or admin can remove members");
        if (theirs == null) {
          throw ApiError.notFound("that user is not a member of the community");
        }
        if (!Roles.OWNER.equals(mine) && Roles.atLeast(theirs, Roles.ADMIN)) {
          throw ApiError.forbidden("only an owner can remove an admin or owner");
        }
      }
      return store.removeMember(store.pool(), org, id, target, theirs).map(ch -> {
        if (ch == null) {
          throw ApiError.notFound("community not found");
        }
        switch (ch.status) {
          case "not_member":
            throw ApiError.notFound("that user is not a member of the community");
          case "changed":
            throw ApiError.conflict("the member's role changed meanwhile; try again");
          case "last_owner":
            throw new ApiError(409, "last_owner", leaving
              ? "the community's only owner cannot leave; make another owner first or delete the community"
              : "the community's only owner cannot be removed");
          default:
            break;
        }
        env.publish(leaving ? "member.left" : "member.removed", org, new JsonObject().put("communityId", id.toString())
          .put("userId", target).put("role", ch.role).put("by", me));
        return ApiReply.ok(new JsonObject().put("communityId", id.toString()).put("userId", target).put("removed", true)
          .put("left", leaving));
      });
    });
  }

  // ---- invites ------------------------------------------------------------------------------------------

  private Future<ApiReply> invite(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String email = req.body().getString("email").trim();
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
      return store.pool().withTransaction(conn -> store.insertInvite(conn, org, id, email, role, Secrets.sha256(token), me,
            now, expires)
          .compose(row -> env.outbox.enqueue(conn, new JsonObject().put("org", org).put("kind", "community.invite")
              .put("to", email).put("subject", "You are invited to join " + name)
              .put("text", "You have been invited to join the community \"" + name + "\" as " + role
                + ". The invitation can be used once and is valid until " + expires.toInstant() + ".")
              .put("link", link))
            .map(mailId -> row)))
        .map(row -> {
          env.publish("member.invited", org, new JsonObject().put("communityId", id.toString()).put("email", email)
            .put("role", role).put("invitedBy", me).put("inviteId", row.getUUID("id").toString()));
          return ApiReply.created(new JsonObject()
            .put("id", row.getUUID("id").toString())
            .put("communityId", id.toString())
            .put("email", row.getString("email"))
            .put("role", row.getString("role"))
            .put("token", token)
            .put("invitedBy", me)
            .put("createdAt", Views.time(row.getOffsetDateTime("created_at")))
            .put("expiresAt", Views.time(row.getOffsetDateTime("expires_at"))));
        });
    });
  }

  private Future<ApiReply> acceptInvite(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String hash = Secrets.sha256(req.body().getString("token"));
    String email = req.claim("email");
    return store.pool().withTransaction(conn -> store.lockInvite(conn, org, id, hash).compose(inv -> {
        if (inv == null) {
          throw new ApiError(404, "invite_not_found", "no invite of this community has that token");
        }
        if (inv.getOffsetDateTime("accepted_at") != null) {
          throw new ApiError(410, "invite_used", "this invite has already been used");
        }
        OffsetDateTime now = store.now();
        if (!now.isBefore(inv.getOffsetDateTime("expires_at"))) {
          throw new ApiError(410, "invite_expired", "this invite expired at " + inv.getOffsetDateTime("expires_at").toInstant());
        }
        if (email != null && !email.equalsIgnoreCase(inv.getString("email"))) {
          throw new ApiError(403, "invite_for_someone_else", "this invite was sent to another email address");
        }
        String role = inv.getString("role");
        return store.addMember(conn, org, id, me, role).compose(ch -> {
          if (ch == null) {
            throw ApiError.notFound("community not found");
          }
          Future<CommunityStore.Change> raised = !ch.created && Roles.rank(role) > Roles.rank(ch.role)
            ? store.setRole(conn, org, id, me, ch.role, role)
            : Future.succeededFuture(null);
          return raised.compose(r -> store.markInviteUsed(conn, inv.getUUID("id"), me, now).map(x -> new JsonObject()
            .put("created", ch.created).put("previousRole", ch.created ? null : ch.role)
            .put("role", r != null && r.status.equals("changed") ? role : ch.role)
            .put("joinedAt", Views.time(ch.joinedAt))));
        });
      }))
      .map(res -> {
        if (res.getBoolean("created")) {
          env.publish("member.joined", org, new JsonObject().put("communityId", id.toString()).put("userId", me)
            .put("role", res.getString("role")).put("via", "invite"));
        } else if (!res.getString("role").equals(res.getString("previousRole"))) {
          env.publish("member.role_changed", org, new JsonObject().put("communityId", id.toString()).put("userId", me)
            .put("role", res.getString("role")).put("previousRole", res.getString("previousRole")).put("via", "invite"));
        }
        return ApiReply.ok(new JsonObject().put("communityId", id.toString()).put("userId", me)
          .put("role", res.getString("role")).put("status", "active").put("joinedAt", res.getString("joinedAt"))
          .put("joined", res.getBoolean("created")));
      });
  }

  // ---- chat ---------------------------------------------------------------------------------------------

  private Future<ApiReply> streamToken(ApiRequest req) {
    String me = req.requireUser();
    Settings s = env.settings;
    if (!s.streamConfigured()) {
      throw new ApiError(503, "not_configured", "chat is not configured on this platform (no Stream API key and secret)");
    }
    long exp = s.streamTokenTtlSeconds > 0 ? Instant.now(env.clock).getEpochSecond() + s.streamTokenTtlSeconds : 0;
    return Future.succeededFuture(ApiReply.ok(new JsonObject()
      .put("token", Secrets.streamUserToken(me, s.streamSecret, exp))
      .put("userId", me)
      .put("apiKey", s.streamApiKey)));
  }
}
