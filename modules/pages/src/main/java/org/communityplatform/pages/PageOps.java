package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import io.vertx.core.json.JsonArray;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;

import java.util.List;

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
    String q = req.queryString("q");
    if (q != null && !Text.hasWords(q)) {
      // a search without a letter or digit finds nothing (issue 12): it is not "no filter"
      return Future.succeededFuture(ApiReply.ok(paging.result(new JsonArray(), 0).putNull("nextCursor")));
    }
    boolean orgAdmin = Env.orgAdmin(req);
    PagesStore.PageFilter f = new PagesStore.PageFilter(req.queryString("type"), req.queryString("category"),
      Search.tsquery(q));
    return store.listPages(env.pool, req.org(), req.userId(), f, after, paging.fetch(), paging.offset())
      .map(s -> ApiReply.ok(Env.result(paging, s, Cursors::pages,
        page -> Views.pageFor(page, page.getString("role"), orgAdmin))));
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
    JsonObject body = Views.nfc(req.body().copy());
    return env.pool.withTransaction(conn -> store.insertPage(conn, id, req.org(), body, me, email, env.now())
        .compose(page -> store.insertMember(conn, req.org(), id, me, MembershipOps.normEmail(email), Roles.OWNER, "auto",
            null, null, env.now())
          .compose(m -> env.append(conn, Env.event("page.created", req.org(), me, id)
            .data(new JsonObject().put("name", page.getString("name")).put("visibility", page.getString("visibility")))))
          .map(m -> page.put("memberCount", 1).put("role", Roles.OWNER))))
      .map(page -> {
        env.publish("page.created", Views.pageFact(page));
        return ApiReply.created(page);
      });
  }

  private Future<ApiReply> mine(ApiRequest req) {
    String me = req.requireUser();
    Paging paging = Paging.of(req, 20, 100);
    boolean orgAdmin = Env.orgAdmin(req);
    return store.listMine(env.pool, req.org(), me, req.queryString("role"), paging.limit(), (long) (paging.page() - 1) * paging.limit())
      .map(s -> {
        JsonArray data = new JsonArray();
        s.rows().forEach(page -> data.add(Views.pageFor(page, page.getString("role"), orgAdmin)));
        return ApiReply.ok(new Paging(paging.page(), paging.limit(), null).result(data, s.total(), null).putNull("nextCursor"));
      });
  }

  private Future<ApiReply> get(ApiRequest req) {
    return store.access(env.pool, req.org(), Env.pageId(req), req.userId(), null)
      .map(a -> ApiReply.ok(Views.pageFor(Views.page(Env.visible(a)), a.role(), Env.orgAdmin(req))));
  }

  /**
   * Changes a page (owner or admin). {@code replace}: description and image not sent are cleared;
   * otherwise only the fields sent change. Visibility changes only when sent.
   */
  private Future<ApiReply> update(ApiRequest req, boolean replace) {
    String me = req.requireUser();
    UUID id = Env.pageId(req);
    JsonObject body = Views.nfc(req.body().copy());
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
      JsonObject before = new JsonObject();
      columns.fieldNames().forEach(c -> before.put(c, a.page().getValue(c)));
      return store.updatePage(conn, req.org(), id, columns, env.now())
        .compose(page -> env.append(conn, Env.event("page.updated", req.org(), me, id)
            .data(new JsonObject().put("fields", new JsonArray(List.copyOf(columns.fieldNames())))))
          .compose(x -> env.audit(conn, Env.entry(req.org(), "page.updated", me, req.reqId(), id, "page", id)
            .before(before).after(columns)))
          .map(x -> new JsonObject().put("page", page.put("role", a.role())).put("changed", true)));
    })).map(o -> {
      JsonObject page = o.getJsonObject("page");
      if (o.getBoolean("changed")) {
        env.publish("page.updated", Views.pageFact(page).put("updatedBy", me));
      }
      return ApiReply.ok(Views.pageFor(page, page.getString("role"), Env.orgAdmin(req)));
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
      return env.append(conn, Env.event("page.deleted", req.org(), me, id))
        .compose(x -> env.audit(conn, Env.entry(req.org(), "page.deleted", me, req.reqId(), id, "page", id)
          .before(new JsonObject().put("name", a.page().getString("name")).put("visibility", a.page().getString("visibility"))
            .put("memberCount", a.page().getInteger("memberCount")))))
        .compose(x -> store.deletePage(conn, req.org(), id)).map(x -> a.page());
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
          .compose(page -> env.append(conn,
              Env.event("page.transferred", req.org(), me, id).data(new JsonObject().put("owner", target)),
              Env.event("page.member.role_changed", req.org(), me, id).subject("userId", me)
                .data(new JsonObject().put("role", Roles.ADMIN)),
              Env.event("page.member.role_changed", req.org(), me, id).subject("userId", target)
                .data(new JsonObject().put("role", Roles.OWNER)))
            .compose(x -> env.audit(conn, Env.entry(req.org(), "page.transferred", me, req.reqId(), id, "page", id)
              .before(new JsonObject().put("owner", me)).after(new JsonObject().put("owner", target))))
            .map(x -> page.put("role", Roles.ADMIN)));
      });
    })).map(page -> {
      env.publish("page.updated", Views.pageFact(page).put("previousOwner", me));
      return ApiReply.ok(Views.pageFor(page, Roles.ADMIN, true));
    });
  }
}
