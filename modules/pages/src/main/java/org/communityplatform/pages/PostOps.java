package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.util.LinkedHashSet;
import java.util.Set;
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
    r.op("createPagePost", this::create);
    r.op("deletePagePost", this::delete);
  }

  private Future<ApiReply> list(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    Object[] after = Cursors.posts(paging.cursor());
    UUID id = Env.pageId(req);
    return env.store.access(env.pool, req.org(), id, req.userId(), null)
      .compose(a -> {
        Env.visible(a);
        return posts.list(env.pool, req.org(), id, req.queryBool("announcement"), after, paging.fetch(), paging.offset());
      })
      .compose(s -> {
        JsonObject list = Env.result(paging, s, Cursors::posts, p -> p);
        JsonArray data = list.getJsonArray("data");
        Set<String> ids = new LinkedHashSet<>();
        data.forEach(o -> ids.add(((JsonObject) o).getString("authorId")));
        return env.profiles(req.org(), ids).map(profiles -> {
          data.forEach(o -> {
            JsonObject row = (JsonObject) o;
            Object p = profiles.getValue(row.getString("authorId"));
            row.put("author", p instanceof JsonObject ? p : null);
          });
          return ApiReply.ok(list);
        });
      });
  }

  private Future<ApiReply> create(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    JsonObject body = req.body();
    boolean announcement = body.getBoolean("announcement", false);
    return env.pool.withTransaction(conn -> env.store.access(conn, req.org(), id, me, "KEY SHARE").compose(a -> {
      Env.visible(a);
      if (a.role() == null) {
        throw ApiError.forbidden("only members may post on this page");
      }
      if (announcement && !a.manager()) {
        throw ApiError.forbidden("only the page's owner or an admin may publish announcements");
      }
      return posts.insert(conn, req.org(), id, me, announcement, body.getString("title"), body.getString("body"), env.now());
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
        return posts.delete(conn, postId).map(x -> post);
      });
    })).map(post -> {
      env.publish("post.deleted", new JsonObject().put("org", req.org()).put("id", post.getString("id"))
        .put("pageId", post.getString("pageId")).put("deletedBy", me));
      return ApiReply.ok(new JsonObject().put("id", postId.toString()).put("deleted", true));
    });
  }
}
