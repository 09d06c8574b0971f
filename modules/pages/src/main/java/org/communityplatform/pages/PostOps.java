package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.util.UUID;

/** Posts and announcements of a page (document 000). */
final class PostOps {

  private final Env env;
  private final PostStore posts;

  PostOps(Env env) {
    this.env = env;
    this.posts = env.posts;
  }

  void register(Env.Registry r) {
    r.op("listPagePosts", this::list);
    r.op("createPagePost", req -> env.limited(req, "pagePosts", () -> create(req)));
    r.op("deletePagePost", this::delete);
  }

  private Future<ApiReply> list(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    Object[] after = Cursors.posts(paging.cursor());
    UUID id = Env.pageId(req);
    String viewer = req.userId();
    boolean orgAdmin = Env.orgAdmin(req);
    String[] viewerRole = new String[1];
    return env.store.access(env.pool, req.org(), id, viewer, null)
      .compose(a -> {
        Env.visible(a);
        viewerRole[0] = a.role();
        return posts.list(env.pool, req.org(), id, req.queryBool("announcement"), after, paging.fetch(), paging.offset());
      })
      .compose(s -> env.withProfiles(req.org(), Env.result(paging, s, Cursors::posts, p -> p), "authorId", "author", viewer,
        viewerRole[0], orgAdmin))
      .map(ApiReply::ok);
  }

  private Future<ApiReply> create(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    JsonObject body = Views.nfc(req.body().copy());
    boolean announcement = body.getBoolean("announcement", false);
    return env.pool.withTransaction(conn -> env.store.access(conn, req.org(), id, me, "KEY SHARE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members may post on this page");
      }
      if (announcement && !a.manager()) {
        throw ApiError.forbidden("only the page's owner or an admin may publish announcements");
      }
      return env.sanctions.inForce(conn, id, me, ModerationOps.MUTE, env.now()).compose(mute -> {
        if (mute != null) {
          throw new ApiError(403, "muted", "you are muted on this page" + InvitationOps.until(mute));
        }
        return posts.insert(conn, req.org(), id, me, announcement, body.getString("title"), body.getString("body"), env.now());
      }).compose(post -> env.append(conn, Env.event("page.post.created", req.org(), me, id).subject("postId", post.getString("id"))
        .data(new JsonObject().put("announcement", announcement))).map(x -> post));
    })).map(post -> {
      env.publish("post.created", post.copy().put("org", req.org()));
      return ApiReply.created(post);
    });
  }

  private Future<ApiReply> delete(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    UUID postId = ApiRequest.uuidOr404(req.pathParam("postId"), "post");
    return env.pool.withTransaction(conn -> env.store.access(conn, req.org(), id, me, "KEY SHARE").compose(a -> {
      Env.visible(a);
      return posts.lockedPost(conn, req.org(), id, postId).compose(post -> {
        if (post == null) {
          throw ApiError.notFound("post not found");
        }
        if (!me.equals(post.getString("authorId")) && !a.manager()) {
          throw ApiError.forbidden("only the author, the page's owner or an admin may delete this post");
        }
        boolean moderated = !me.equals(post.getString("authorId"));
        return posts.delete(conn, postId)
          .compose(x -> env.append(conn, Env.event("page.post.deleted", req.org(), me, id).subject("postId", postId)))
          .compose(x -> !moderated ? Future.succeededFuture() : env.audit(conn, Env.entry(req.org(), "page.post.removed", me,
            req.reqId(), id, "post", postId).before(new JsonObject().put("authorId", post.getString("authorId")))))
          .map(x -> post);
      });
    })).map(post -> {
      env.publish("post.deleted", new JsonObject().put("org", req.org()).put("id", post.getString("id"))
        .put("pageId", post.getString("pageId")).put("deletedBy", me));
      return ApiReply.ok(new JsonObject().put("id", postId.toString()).put("deleted", true));
    });
  }
}
