package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Objects;
import java.util.UUID;

/** Groups and posts of communities (001). */
final class ContentOps {

  private final Env env;
  private final ContentStore content;

  ContentOps(Env env) {
    this.env = env;
    this.content = env.content;
  }

  void register(Env.Registry r) {
    r.op("listCommunityGroups", this::listGroups);
    r.op("createCommunityGroup", this::createGroup);
    r.op("getCommunityGroup", this::getGroup);
    r.op("updateCommunityGroup", this::updateGroup);
    r.op("deleteCommunityGroup", this::deleteGroup);
    r.op("addCommunityGroupMember", this::addGroupMember);
    r.op("listCommunityPosts", this::listPosts);
    r.op("createCommunityPost", req -> env.limited(req, "communityPosts", () -> createPost(req)));
    r.op("getCommunityPost", this::getPost);
    r.op("updateCommunityPost", this::updatePost);
    r.op("deleteCommunityPost", this::deletePost);
  }

  // ---- visibility -----------------------------------------------------------------------------------

  /** A group row the caller may see: its community is visible, and a private group only to its members and community admins. */
  private static Row visibleGroup(Row g) {
    if (g == null || !seesGroup(g.getBoolean("community_private"), g.getString("caller_role"), g.getBoolean("is_private"),
      g.getString("caller_group_role"))) {
      throw ApiError.notFound("group not found");
    }
    return g;
  }

  /**
   * The rule for a group itself (GET /api/groups, a group's page, and its events through
   * {@code communities.membership}): its community is visible to the caller, and a private group
   * only to its members and the community's owner and admins.
   */
  static boolean seesGroup(boolean communityPrivate, String callerRole, boolean groupPrivate, String callerGroupRole) {
    return !(communityPrivate && callerRole == null)
      && !(groupPrivate && callerGroupRole == null && !Roles.atLeast(callerRole, Roles.ADMIN));
  }

  /**
   * The rule for a group's posts (a post's page, the group feed, and post events through
   * {@code communities.membership}): its community is visible, and a private group's posts only to
   * the group's members.
   */
  static boolean seesGroupPosts(boolean communityPrivate, String callerRole, boolean groupPrivate, String callerGroupRole) {
    return !(communityPrivate && callerRole == null) && !(groupPrivate && callerGroupRole == null);
  }

  /** A post row the caller may see: its community is visible, and a private group's posts only to the group's members. */
  private static Row visiblePost(Row p) {
    if (p == null || !seesGroupPosts(p.getBoolean("community_private"), p.getString("caller_role"),
      p.getUUID("group_id") != null && Boolean.TRUE.equals(p.getBoolean("group_private")), p.getString("caller_group_role"))) {
      throw ApiError.notFound("post not found");
    }
    return p;
  }

  /** The scope of a feed or a new post: the community must be visible, and the group (if any) exist in it and be readable. */
  private static Row visibleScope(Row s, UUID groupId) {
    if (s == null || (s.getBoolean("community_private") && s.getString("caller_role") == null)) {
      throw ApiError.notFound("community not found");
    }
    if (groupId != null && (s.getUUID("group_id") == null
      || (s.getBoolean("group_private") && s.getString("caller_group_role") == null))) {
      throw ApiError.notFound("group not found in this community");
    }
    return s;
  }

  private static UUID optionalUuid(String value, String what) {
    return value == null ? null : Env.uuid(value, what);
  }

  // ---- groups ---------------------------------------------------------------------------------------

  private Future<ApiReply> listGroups(ApiRequest req) {
    String me = req.requireUser();
    UUID communityId = Env.uuid(req.queryString("communityId"), "community");
    int page = Env.page(req);
    int limit = Env.limit(req, 50);
    return content.scope(req.org(), communityId, null, me).compose(s -> {
      visibleScope(s, null);
      boolean seesPrivate = Roles.atLeast(s.getString("caller_role"), Roles.ADMIN);
      return content.groups(communityId, me, seesPrivate, page, limit);
    }).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(r -> data.add(Views.group(r)));
      return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
    });
  }

  private Future<ApiReply> createGroup(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    JsonObject body = req.body();
    UUID communityId = Env.uuid(body.getString("communityId"), "community");
    return content.scope(org, communityId, null, me).compose(s -> {
      visibleScope(s, null);
      Env.require(s.getString("caller_role"), Roles.ADMIN, "only an owner or admin of the community can create groups");
      return env.store.pool().withTransaction(conn -> content.createGroup(conn, org, communityId, body, me)
        .compose(g -> env.event(conn, Env.ev("group.created", org, me, communityId).subject("groupId", g.getUUID("id"))
            .data(new JsonObject().put("name", g.getString("name")).put("isPrivate", g.getBoolean("is_private"))))
          .map(x -> g)));
    }).map(g -> {
      env.publish("group.created", org, new JsonObject().put("communityId", communityId.toString())
        .put("groupId", g.getUUID("id").toString()).put("name", g.getString("name"))
        .put("isPrivate", g.getBoolean("is_private")).put("by", me));
      return ApiReply.created(Views.group(g));
    });
  }

  private Future<ApiReply> getGroup(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("groupId"), "group");
    return content.group(env.store.pool(), req.org(), id, me, false).map(g -> ApiReply.ok(Views.group(visibleGroup(g))));
  }

  private Future<ApiReply> updateGroup(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("groupId"), "group");
    JsonObject body = req.body();
    return env.store.pool().withTransaction(conn -> content.group(conn, org, id, me, true).compose(g -> {
      visibleGroup(g);
      if (!"admin".equals(g.getString("caller_group_role"))) {
        throw ApiError.forbidden("only an admin of the group can change it");
      }
      JsonObject before = Views.group(g);
      UUID communityId = g.getUUID("community_id");
      return content.updateGroup(conn, org, id, body, me).compose(after -> {
        JsonObject[] d = Env.diff(before, Views.group(after));
        return env.event(conn, Env.ev("group.updated", org, me, communityId).subject("groupId", id)
            .data(new JsonObject().put("fields", new JsonArray(new ArrayList<>(d[1].fieldNames())))))
          .compose(x -> env.audit(conn, req, "group.updated", communityId, "group", id, d[0], d[1]))
          .map(x -> after);
      });
    })).map(g -> {
      env.publish("group.updated", org, new JsonObject().put("communityId", g.getUUID("community_id").toString())
        .put("groupId", id.toString()).put("fields", new JsonArray(new ArrayList<>(body.fieldNames()))).put("by", me));
      return ApiReply.ok(Views.group(g));
    });
  }

  private Future<ApiReply> deleteGroup(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("groupId"), "group");
    return env.store.pool().withTransaction(conn -> content.group(conn, org, id, me, true).compose(g -> {
      visibleGroup(g);
      if (!"admin".equals(g.getString("caller_group_role")) && !Roles.atLeast(g.getString("caller_role"), Roles.ADMIN)) {
        throw ApiError.forbidden("only an admin of the group, or an owner or admin of the community, can delete the group");
      }
      String communityId = g.getUUID("community_id").toString();
      JsonObject before = new JsonObject().put("name", g.getString("name")).put("isPrivate", g.getBoolean("is_private"));
      return content.deleteGroup(conn, org, id)
        .compose(x -> env.event(conn, Env.ev("group.deleted", org, me, communityId).subject("groupId", id)))
        .compose(x -> env.audit(conn, req, "group.deleted", communityId, "group", id, before, null))
        .map(x -> communityId);
    })).map(communityId -> {
      env.publish("group.deleted", org, new JsonObject().put("communityId", communityId).put("groupId", id.toString())
        .put("by", me));
      return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
    });
  }

  private Future<ApiReply> addGroupMember(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("groupId"), "group");
    String target = req.body().getString("targetUserId");
    String role = req.body().getString("role", "member");
    return content.group(env.store.pool(), org, id, me, false).compose(g -> {
      visibleGroup(g);
      if (!"admin".equals(g.getString("caller_group_role"))) {
        throw ApiError.forbidden("only an admin of the group can add members to it");
      }
      UUID communityId = g.getUUID("community_id");
      return env.store.pool().withTransaction(conn -> content.addGroupMember(conn, org, id, communityId, target, role, me)
        .compose(m -> !m.getBoolean("created") ? Future.succeededFuture(m)
          : env.event(conn, Env.ev("group.member.added", org, me, communityId).subject("groupId", id).subject("userId", target)
            .data(new JsonObject().put("role", m.getString("role")))).map(x -> m))).map(m -> {
        boolean created = m.getBoolean("created");
        if (created) {
          env.publish("group.member_added", org, new JsonObject().put("communityId", communityId.toString())
            .put("groupId", id.toString()).put("userId", target).put("role", m.getString("role")).put("by", me));
        }
        JsonObject json = new JsonObject().put("groupId", id.toString()).put("userId", m.getString("user_id"))
          .put("role", m.getString("role")).put("joinedAt", Views.time(m.getOffsetDateTime("joined_at")))
          .put("added", created);
        return created ? ApiReply.created(json) : ApiReply.ok(json);
      });
    });
  }

  // ---- posts ----------------------------------------------------------------------------------------

  private Future<ApiReply> listPosts(ApiRequest req) {
    String me = req.requireUser();
    UUID communityId = Env.uuid(req.queryString("communityId"), "community");
    UUID groupId = optionalUuid(req.queryString("groupId"), "group");
    if (req.queryString("cursor") != null || !req.query().containsKey("page")) {
      return content.scope(req.org(), communityId, groupId, me)
        .compose(s -> {
          visibleScope(s, groupId);
          return new PostFeed(content, communityId, groupId).walk(req);
        });
    }
    int page = Env.page(req);
    int limit = Env.limit(req, 20);
    return content.scope(req.org(), communityId, groupId, me).compose(s -> {
      visibleScope(s, groupId);
      return content.posts(communityId, groupId, page, limit);
    }).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(r -> data.add(Views.post(r)));
      return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
    });
  }

  private Future<ApiReply> createPost(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    JsonObject body = req.body();
    UUID communityId = Env.uuid(body.getString("communityId"), "community");
    UUID groupId = optionalUuid(body.getString("groupId"), "group");
    return content.scope(org, communityId, groupId, me).compose(s -> {
      visibleScope(s, groupId);
      String role = s.getString("caller_role");
      if (role == null) {
        throw ApiError.forbidden("only members of the community can post in it");
      }
      if (groupId != null && s.getString("caller_group_role") == null) {
        throw ApiError.forbidden("only members of the group can post in it");
      }
      if (Boolean.TRUE.equals(body.getBoolean("isPinned")) && !Roles.atLeast(role, Roles.MODERATOR)) {
        throw ApiError.forbidden("only an owner, admin or moderator can pin posts");
      }
      return env.store.pool().withTransaction(conn -> env.moderation.active(conn, false, communityId, me, env.store.now())
        .compose(mute -> {
          if (mute != null) {
            OffsetDateTime until = mute.getOffsetDateTime("expires_at");
            throw new ApiError(403, "muted", until == null ? "you are muted in this community"
              : "you are muted in this community until " + until.toInstant());
          }
          return content.createPost(conn, org, communityId, groupId, me, body);
        })
        .compose(p -> env.event(conn, Env.ev("post.created", org, me, communityId).subject("groupId", groupId)
            .subject("postId", p.getUUID("id")).data(new JsonObject().put("authorId", me).put("isPinned", p.getBoolean("is_pinned"))))
          .compose(x -> !p.getBoolean("is_pinned") ? Future.succeededFuture()
            : env.event(conn, Env.ev("post.pinned", org, me, communityId).subject("groupId", groupId).subject("postId", p.getUUID("id"))))
          .map(x -> p)));
    }).map(p -> {
      env.publish("post.created", org, new JsonObject().put("communityId", communityId.toString())
        .put("groupId", groupId == null ? null : groupId.toString()).put("postId", p.getUUID("id").toString())
        .put("authorId", me).put("isPinned", p.getBoolean("is_pinned")));
      return ApiReply.created(Views.post(p));
    });
  }

  private Future<ApiReply> getPost(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("postId"), "post");
    return content.post(env.store.pool(), req.org(), id, me, false).map(p -> ApiReply.ok(Views.post(visiblePost(p))));
  }

  private Future<ApiReply> updatePost(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("postId"), "post");
    JsonObject body = req.body();
    return env.store.pool().withTransaction(conn -> content.post(conn, org, id, me, true).compose(p -> {
      visiblePost(p);
      boolean author = me.equals(p.getString("author_id"));
      boolean edits = body.containsKey("title") || body.containsKey("content") || body.containsKey("attachments");
      if (edits && !author) {
        throw ApiError.forbidden("only the author can edit a post");
      }
      // pinning is for owners, admins and moderators; an author may resend the current value with an edit
      boolean unchanged = Objects.equals(body.getBoolean("isPinned"), p.getBoolean("is_pinned"));
      if (body.containsKey("isPinned") && !Roles.atLeast(p.getString("caller_role"), Roles.MODERATOR)
        && !(author && unchanged)) {
        throw ApiError.forbidden("only an owner, admin or moderator can pin or unpin posts");
      }
      boolean wasPinned = p.getBoolean("is_pinned");
      UUID communityId = p.getUUID("community_id");
      UUID groupId = p.getUUID("group_id");
      // a mute keeps a member from saying anything new, editing included (issue 14)
      Future<Void> mayEdit = !edits ? Future.succeededFuture()
        : env.moderation.active(conn, false, communityId, me, env.store.now()).map(mute -> {
          if (mute != null) {
            OffsetDateTime until = mute.getOffsetDateTime("expires_at");
            throw new ApiError(403, "muted", until == null ? "you are muted in this community"
              : "you are muted in this community until " + until.toInstant());
          }
          return null;
        });
      return mayEdit.compose(m -> content.updatePost(conn, id, body)).compose(after -> {
        Future<Void> f = Future.succeededFuture();
        if (edits) {
          f = env.event(conn, Env.ev("post.updated", org, me, communityId).subject("groupId", groupId).subject("postId", id));
        }
        if (after.getBoolean("is_pinned") != wasPinned) {
          String type = after.getBoolean("is_pinned") ? "post.pinned" : "post.unpinned";
          f = f.compose(x -> env.event(conn, Env.ev(type, org, me, communityId).subject("groupId", groupId).subject("postId", id)));
        }
        return f.map(x -> after);
      });
    })).map(p -> {
      env.publish("post.updated", org, new JsonObject().put("communityId", p.getUUID("community_id").toString())
        .put("postId", id.toString()).put("fields", new JsonArray(new ArrayList<>(body.fieldNames()))).put("by", me));
      return ApiReply.ok(Views.post(p));
    });
  }

  private Future<ApiReply> deletePost(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("postId"), "post");
    return env.store.pool().withTransaction(conn -> content.post(conn, org, id, me, true).compose(p -> {
      visiblePost(p);
      if (!me.equals(p.getString("author_id")) && !Roles.atLeast(p.getString("caller_role"), Roles.MODERATOR)) {
        throw ApiError.forbidden("only the author, or an owner, admin or moderator, can delete a post");
      }
      String communityId = p.getUUID("community_id").toString();
      return content.deletePost(conn, id)
        .compose(x -> env.event(conn, Env.ev("post.deleted", org, me, communityId).subject("groupId", p.getUUID("group_id"))
          .subject("postId", id)))
        .map(x -> communityId);
    })).map(communityId -> {
      env.publish("post.deleted", org, new JsonObject().put("communityId", communityId).put("postId", id.toString())
        .put("by", me));
      return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
    });
  }
}
