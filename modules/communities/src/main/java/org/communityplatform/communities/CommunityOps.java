package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.core.paging.Paging;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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
        }))
        .compose(saved -> env.event(conn, Env.ev("community.created", org, me, saved.id)
            .data(new JsonObject().put("name", saved.name).put("slug", saved.slug).put("isPrivate", saved.isPrivate)))
          .compose(x -> env.event(conn, Env.ev("community.member.joined", org, me, saved.id).subject("userId", me)
            .data(new JsonObject().put("role", Roles.OWNER))))
          .map(x -> saved)))
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
        JsonObject before = view(req, c);
        c.applyPlain(body);
        c.check();
        c.updatedAt = store.now();
        String role = c.callerRole;
        return store.update(conn, c).compose(saved -> {
          saved.callerRole = role;
          JsonObject[] d = Env.diff(before, view(req, saved));
          return env.event(conn, Env.ev("community.updated", org, me, id)
              .data(new JsonObject().put("fields", new JsonArray(new ArrayList<>(d[1].fieldNames())))))
            .compose(x -> env.audit(conn, req, "community.updated", id, "community", id, d[0], d[1]))
            .map(x -> saved);
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
        JsonObject before = new JsonObject().put("name", c.name).put("slug", c.slug).put("isPrivate", c.isPrivate);
        return store.delete(conn, org, id)
          .compose(x -> env.event(conn, Env.ev("community.deleted", org, me, id)))
          .compose(x -> env.audit(conn, req, "community.deleted", id, "community", id, before, null));
      }))
      .map(deleted -> {
        env.publish("community.deleted", org, new JsonObject().put("communityId", id.toString()).put("by", me));
        return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
      });
  }

  // ---- member directory -----------------------------------------------------------------------------

  /**
   * The member directory (001). Without {@code page}, or with a {@code cursor}, it is a keyset walk on
   * the member's join number ({@code seq}, given once at join, never reused): a member leaving or changing
   * role never moves another member across the cursor. With {@code page}, it is a positional page: one
   * index range on the dense positions, as cheap at page 50,000 as at page 1 (positions are refilled
   * when a member leaves, so page numbers are a quick jump, not a stable walk).
   */
  private Future<ApiReply> members(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    String role = req.queryString("role");
    Paging paging = Paging.of(req, 50, 100);
    int limit = paging.limit();
    String kind = "m2" + (role == null ? "*" : role);
    List<String> key = KeysetCursor.decode(kind, paging.cursor(), 1);
    long afterSeq = key == null ? 0 : parseSeq(key.get(0));
    boolean keyset = paging.cursor() != null || !req.query().containsKey("page");
    Integer page = keyset ? null : paging.page();
    return store.directoryHead(org, id, me).compose(head -> {
      Env.visible(head != null, head != null && head.getBoolean("is_private"), head == null ? null : head.getString("caller_role"));
      String callerRole = head.getString("caller_role");
      boolean seesEmails = Roles.atLeast(callerRole, Roles.ADMIN) || req.hasRole("admin");
      long total = role == null ? head.getInteger("member_count") : head.getInteger("count_" + role);
      long after = keyset ? 0 : paging.offset();
      if (!keyset && after >= total) {
        return Future.succeededFuture(ApiReply.ok(Env.pageOf(new JsonArray(), total, page, limit).putNull("nextCursor")));
      }
      Future<RowSet<Row>> rowsF = keyset ? store.directoryAfter(id, role, afterSeq, limit + 1)
        : store.directoryPage(id, role, after, limit);
      return rowsF.compose(rows -> {
        List<Row> list = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Row r : rows) {
          if (list.size() == limit) {
            break;
          }
          list.add(r);
          ids.add(r.getString("user_id"));
        }
        boolean more = keyset && rows.size() > limit;
        return env.profiles(org, ids, me, Roles.atLeast(callerRole, Roles.ADMIN)).map(profiles -> {
          JsonArray data = new JsonArray();
          for (Row r : list) {
            String user = r.getString("user_id");
            Object profile = profiles.getValue(user);
            JsonObject shown = profile instanceof JsonObject ? ((JsonObject) profile).copy() : null;
            // issue 10 (9): an address is personal data; only the member, the place's owners/admins and org admins see it
            if (shown != null && !seesEmails && !user.equals(me)) {
              shown.remove("email");
            }
            data.add(Views.member(user, r.getString("role"), r.getString("status"), r.getOffsetDateTime("joined_at"))
              .put("profile", shown));
          }
          String next = more ? KeysetCursor.encode(kind, list.get(list.size() - 1).getLong("seq")) : null;
          return ApiReply.ok(Env.pageOf(data, total, page, limit).put("nextCursor", next));
        });
      });
    });
  }

  private static long parseSeq(String s) {
    try {
      long v = Long.parseLong(s);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // the answer below
    }
    throw KeysetCursor.invalid();
  }

  // ---- roles and leaving --------------------------------------------------------------------------------

  /** The caller's and a target's roles in a community, and whether it is private. */
  private Future<Row> standing(SqlClient client, String org, UUID id, String me, String target) {
    return client.preparedQuery("SELECT c.is_private, m.role AS caller_role, t.role AS target_role "
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
    return store.pool().withTransaction(conn -> standing(conn, org, id, me, target).compose(s -> {
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
      return store.setRole(conn, org, id, target, theirs, role).compose(ch -> {
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
        if (!ch.status.equals("changed")) {
          return Future.succeededFuture(ch);
        }
        return env.event(conn, Env.ev("community.member.role_changed", org, me, id).subject("userId", target)
            .data(new JsonObject().put("role", role).put("previousRole", theirs)))
          .compose(x -> env.audit(conn, req, "community.member.role_changed", id, "user", target,
            new JsonObject().put("role", theirs), new JsonObject().put("role", role)))
          .map(x -> ch);
      });
    })).map(ch -> {
      if (ch.status.equals("changed")) {
        env.publish("member.role_changed", org, new JsonObject().put("communityId", id.toString()).put("userId", target)
          .put("role", role).put("previousRole", theirsOf(ch)).put("by", me));
      }
      return ApiReply.ok(Views.member(target, role, "active", ch.joinedAt).put("previousRole", theirsOf(ch)));
    });
  }

  private static String theirsOf(CommunityStore.Change ch) {
    return ch.role;
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
    return store.pool().withTransaction(conn -> standing(conn, org, id, me, target).compose(s -> {
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
      return takeOut(conn, req, id, target, theirs, leaving ? null : "removed");
    })).map(role -> {
      env.publish(leaving ? "member.left" : "member.removed", org, new JsonObject().put("communityId", id.toString())
        .put("userId", target).put("role", role).put("by", me));
      return ApiReply.ok(new JsonObject().put("communityId", id.toString()).put("userId", target).put("removed", true)
        .put("left", leaving));
    });
  }

  /**
   * Takes a member out of a community in the caller's transaction: the membership goes, and unless the
   * member left on their own ({@code reason} null), the removal is remembered (older invites stop
   * admitting them), their open invites are retired, and the act is audited. Appends
   * {@code community.member.left} or {@code .removed}. Gives the role the member had.
   */
  static Future<String> takeOut(Env env, SqlClient conn, String org, String reqId, String actor, UUID id, String target,
                                String expectedRole, String reason) {
    CommunityStore store = env.store;
    return store.removeMember(conn, org, id, target, expectedRole).compose(ch -> {
      if (ch == null) {
        throw ApiError.notFound("community not found");
      }
      boolean leaving = reason == null;
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
      Future<Void> event = env.event(conn, Env.ev(leaving ? "community.member.left" : "community.member.removed", org, actor, id)
        .subject("userId", target).data(new JsonObject().put("role", ch.role)));
      if (leaving) {
        return event.map(x -> ch.role);
      }
      return event
        .compose(x -> env.moderation.afterRemoval(conn, org, id, target, actor, reason, store.now()))
        .compose(x -> env.audit(conn, org, reqId, actor, "community.member.removed", id, "user", target,
          new JsonObject().put("role", ch.role), null))
        .map(x -> ch.role);
    });
  }

  private Future<String> takeOut(SqlClient conn, ApiRequest req, UUID id, String target, String expectedRole, String reason) {
    return takeOut(env, conn, req.org(), req.reqId(), Env.actor(req), id, target, expectedRole, reason);
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
