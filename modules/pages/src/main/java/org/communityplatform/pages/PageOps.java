package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.Paging;

import java.util.UUID;

/** Pages themselves (document 000, "Listing pages"): browse, create, read, change, delete, hand over. */
final class PageOps {

  private static final String[] FIELDS = {"name", "type", "category", "description", "image", "visibility"};

  private final Env env;
  private final PagesStore store;

  PageOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("listPages", this::list);
    r.op("createPage", this::create);
    r.op("listMyPages", this::mine);
    r.op("getPage", this::get);
    r.op("updatePage", req -> update(req, false));
    r.op("replacePage", req -> update(req, true));
    r.op("deletePage", this::delete);
    r.op("transferPageOwnership", this::transfer);
  }

  private Future<ApiReply> list(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    Object[] after = Cursors.pages(paging.cursor());
    PagesStore.PageFilter f = new PagesStore.PageFilter(req.queryString("type"), req.queryString("category"),
      Search.tsquery(req.queryString("q")));
    return store.listPages(env.pool, req.org(), req.userId(), f, after, paging.fetch(), paging.offset())
      .map(s -> ApiReply.ok(Env.result(paging, s, Cursors::pages, page -> page)));
  }

  private Future<ApiReply> create(ApiRequest req) {
    String me = req.requireUser();
    // owner and ownerEmail come from the token only; whatever the body says about them is ignored
    String ownerEmail = req.claim("email");
    if (ownerEmail != null && (ownerEmail.isBlank() || ownerEmail.length() > 320)) {
      ownerEmail = null;
    }
    String email = ownerEmail == null ? null : ownerEmail.trim();
    UUID id = UUID.randomUUID();
    return env.pool.withTransaction(conn -> store.insertPage(conn, id, req.org(), req.body(), me, email, env.now())
        .compose(page -> store.insertMember(conn, req.org(), id, me, MembershipOps.normEmail(email), Roles.OWNER, "auto",
            null, null, env.now())
          .map(m -> page.put("memberCount", 1).put("role", Roles.OWNER))))
      .map(page -> {
        env.publish("page.created", Views.pageFact(page));
        return ApiReply.created(page);
      });
  }

  private Future<ApiReply> mine(ApiRequest req) {
    String me = req.requireUser();
    Paging paging = Paging.of(req, 20, 100);
    return store.listMine(env.pool, req.org(), me, req.queryString("role"), paging.limit(), (long) (paging.page() - 1) * paging.limit())
      .map(s -> ApiReply.ok(new Paging(paging.page(), paging.limit(), null)
        .result(new io.vertx.core.json.JsonArray(s.rows()), s.total(), null).putNull("nextCursor")));
  }

  private Future<ApiReply> get(ApiRequest req) {
    return store.access(env.pool, req.org(), Env.pageId(req), req.userId(), null)
      .map(a -> ApiReply.ok(Views.page(Env.visible(a))));
  }

  /**
   * Changes a page (owner or admin). {@code replace}: description and image not sent are cleared;
   * otherwise only the fields sent change. Visibility changes only when sent.
   */
  private Future<ApiReply> update(ApiRequest req, boolean replace) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    JsonObject body = req.body();
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.manager(a, "only the page's owner or an admin may change it");
      JsonObject columns = new JsonObject();
      for (String field : FIELDS) {
        boolean clearable = field.equals("description") || field.equals("image");
        if (body.containsKey(field) || (replace && clearable)) {
          String v = body.getString(field);
          if (v != null || clearable) {
            columns.put(field, v);
          }
        }
      }
      if (columns.isEmpty()) {
        return Future.succeededFuture(new JsonObject().put("page", Views.page(a)).put("changed", false));
      }
      return store.updatePage(conn, req.org(), id, columns, env.now())
        .map(page -> new JsonObject().put("page", page.put("role", a.role())).put("changed", true));
    })).map(o -> {
      JsonObject page = o.getJsonObject("page");
      if (o.getBoolean("changed")) {
        env.publish("page.updated", Views.pageFact(page).put("updatedBy", me));
      }
      return ApiReply.ok(page);
    });
  }

  private Future<ApiReply> delete(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "UPDATE").compose(a -> {
      Env.visible(a);
      if (!a.owner()) {
        throw ApiError.forbidden("only the page's owner may delete it");
      }
      return store.deletePage(conn, req.org(), id).map(x -> a.page());
    })).map(page -> {
      env.publish("page.deleted", Views.pageFact(page).put("deletedBy", me));
      return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
    });
  }

  /** Hands the page to another member; the former owner becomes an admin. */
  private Future<ApiReply> transfer(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    String target = req.body().getString("userId");
    return env.pool.withTransaction(conn -> store.access(conn, req.org(), id, me, "NO KEY UPDATE").compose(a -> {
      Env.visible(a);
      if (!a.owner()) {
        throw ApiError.forbidden("only the owner may hand the page over");
      }
      if (target.equals(me)) {
        throw ApiError.conflict("you already own this page");
      }
      return store.member(conn, id, target, true).compose(m -> {
        if (m == null) {
          throw ApiError.notFound("the new owner must already be a member of the page");
        }
        // the former owner steps down first: one owner per page at every moment
        return store.setRole(conn, id, me, Roles.ADMIN)
          .compose(x -> store.setRole(conn, id, target, Roles.OWNER))
          .compose(x -> store.setOwner(conn, req.org(), id, target, m.getString("email"), env.now()))
          .map(page -> page.put("role", Roles.ADMIN));
      });
    })).map(page -> {
      env.publish("page.updated", Views.pageFact(page).put("previousOwner", me));
      return ApiReply.ok(page);
    });
  }
}
