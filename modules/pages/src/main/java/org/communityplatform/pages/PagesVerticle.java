package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.mail.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Serves the page operations of the contract over the bus, plus {@code pages.memberIds}. */
final class PagesVerticle extends ApiVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(PagesVerticle.class);
  private static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s\\x00]+@[^@\\s\\x00.]+(?:\\.[^@\\s\\x00.]+)+$");
  private static final int DEFAULT_LIMIT = 20;

  private final PagesStore store;
  private final Outbox outbox;
  private final long lookupTimeoutMs;
  private final boolean inviteEmails;

  PagesVerticle(PagesStore store, Outbox outbox, JsonObject config) {
    this.store = store;
    this.outbox = outbox;
    this.lookupTimeoutMs = Math.max(100, config.getLong("lookupTimeoutMs", 2000L));
    this.inviteEmails = config.getBoolean("inviteEmails", true);
  }

  @Override
  protected String moduleName() {
    return "pages";
  }

  @Override
  protected void register() {
    op("listPages", req -> {
      int limit = req.queryInt("limit", DEFAULT_LIMIT);
      int page = req.queryInt("page", 1);
      Cursor.Key cursor = Cursor.decode(Cursor.PAGES, req.queryString("cursor"));
      PagesStore.PageFilter f = new PagesStore.PageFilter(req.queryString("type"), req.queryString("category"),
        req.queryString("q"));
      return store.listPages(req.org(), req.userId(), f, limit, page, cursor).map(ApiReply::ok);
    });

    op("createPage", req -> {
      String me = req.requireUser();
      // owner and ownerEmail come from the token only; whatever the body says about them is ignored
      String ownerEmail = req.claim("email");
      if (ownerEmail != null && (ownerEmail.isBlank() || ownerEmail.length() > 320)) {
        ownerEmail = null;
      }
      return store.createPage(req.org(), me, ownerEmail == null ? null : ownerEmail.trim(), req.body()).map(page -> {
        publish("page.created", event(page));
        return ApiReply.created(page);
      });
    });

    op("listMyPages", req -> store.listMine(req.org(), req.requireUser(), req.queryString("role"),
      req.queryInt("limit", DEFAULT_LIMIT), req.queryInt("page", 1)).map(ApiReply::ok));

    op("getPage", req -> store.visibleAccess(req.org(), pageId(req), req.userId())
      .map(a -> ApiReply.ok(a.pageWithRole())));

    op("updatePage", req -> update(req, false));
    op("replacePage", req -> update(req, true));

    op("deletePage", req -> {
      UUID id = pageId(req);
      return store.deletePage(req.org(), id, req.requireUser()).map(page -> {
        publish("page.deleted", event(page).put("deletedBy", req.userId()));
        return ApiReply.ok(new JsonObject().put("id", id.toString()).put("deleted", true));
      });
    });

    op("joinPage", req -> {
      String me = req.requireUser();
      UUID id = pageId(req);
      return store.join(req.org(), id, me, email(req)).map(o -> {
        if (o.changed()) {
          publish("member.joined", memberEvent(req.org(), o.body()));
        }
        return ApiReply.status(o.changed() ? 201 : 200, PagesStore.publicMember(o.body()));
      });
    });

    op("leavePage", req -> {
      String me = req.requireUser();
      UUID id = pageId(req);
      return store.leave(req.org(), id, me).map(o -> {
        if (o.changed()) {
          publish("member.left", memberEvent(req.org(), o.body()));
        }
        return ApiReply.ok(new JsonObject().put("pageId", id.toString()).put("userId", me).put("left", o.changed()));
      });
    });

    op("invitePageMember", this::invite);

    op("transferPageOwnership", req -> {
      String me = req.requireUser();
      String target = req.body().getString("userId");
      return store.transfer(req.org(), pageId(req), me, target).map(page -> {
        publish("page.updated", event(page).put("previousOwner", me));
        return ApiReply.ok(page);
      });
    });

    op("listPageMembers", req -> {
      int limit = req.queryInt("limit", DEFAULT_LIMIT);
      int page = req.queryInt("page", 1);
      Cursor.Key cursor = Cursor.decode(Cursor.MEMBERS, req.queryString("cursor"));
      String role = req.queryString("role");
      return store.visibleAccess(req.org(), pageId(req), req.userId())
        .compose(a -> store.listMembers(a, req.org(), role, limit, page, cursor))
        .compose(list -> {
          JsonArray rows = list.getJsonArray("data");
          JsonArray data = new JsonArray();
          rows.forEach(o -> data.add(PagesStore.publicMember((JsonObject) o)));
          list.put("data", data);
          return withProfiles(req.org(), data, "userId", "profile").map(x -> ApiReply.ok(list));
        });
    });

    op("updatePageMember", req -> {
      String me = req.requireUser();
      return store.setRole(req.org(), pageId(req), me, req.pathParam("userId"), req.body().getString("role"))
        .map(o -> {
          JsonObject m = PagesStore.publicMember(o.body());
          if (o.changed()) {
            publish("member.updated", memberEvent(req.org(), o.body()).put("changedBy", me));
          }
          return ApiReply.ok(m);
        });
    });

    op("removePageMember", req -> {
      String me = req.requireUser();
      UUID id = pageId(req);
      String target = req.pathParam("userId");
      return store.removeMember(req.org(), id, me, target).map(m -> {
        publish("member.left", memberEvent(req.org(), m).put("removedBy", me));
        return ApiReply.ok(new JsonObject().put("pageId", id.toString()).put("userId", target).put("removed", true));
      });
    });

    op("listPagePosts", req -> {
      int limit = req.queryInt("limit", DEFAULT_LIMIT);
      int page = req.queryInt("page", 1);
      Cursor.Key cursor = Cursor.decode(Cursor.POSTS, req.queryString("cursor"));
      UUID id = pageId(req);
      return store.visibleAccess(req.org(), id, req.userId())
        .compose(a -> store.listPosts(req.org(), id, req.queryBool("announcement"), limit, page, cursor))
        .compose(list -> withProfiles(req.org(), list.getJsonArray("data"), "authorId", "author")
          .map(x -> ApiReply.ok(list)));
    });

    op("createPagePost", req -> {
      String me = req.requireUser();
      JsonObject body = req.body();
      return store.createPost(req.org(), pageId(req), me, body.getString("title"), body.getString("body"),
          body.getBoolean("announcement", false))
        .map(post -> {
          publish("post.created", post.copy().put("org", req.org()));
          return ApiReply.created(post);
        });
    });

    op("deletePagePost", req -> {
      String me = req.requireUser();
      UUID postId = ApiRequest.uuidOr404(req.pathParam("postId"), "post");
      return store.deletePost(req.org(), pageId(req), postId, me).map(post -> {
        publish("post.deleted", new JsonObject().put("org", req.org()).put("id", post.getString("id"))
          .put("pageId", post.getString("pageId")).put("deletedBy", me));
        return ApiReply.ok(new JsonObject().put("id", postId.toString()).put("deleted", true));
      });
    });

    // module to module: the member ids of a page, for the profiles module's people search
    internal("pages.memberIds", msg -> {
      String org = msg.getValue("org") instanceof String ? msg.getString("org") : null;
      UUID id = uuidOrNull(msg.getValue("pageId"));
      if (org == null || !ORG.matcher(org).matches() || id == null) {
        return Future.succeededFuture(new JsonObject().put("userIds", new JsonArray()).put("exists", false));
      }
      int limit = msg.getValue("limit") instanceof Number ? msg.getInteger("limit") : 1000;
      limit = Math.max(1, Math.min(limit, 10_000));
      String viewer = msg.getValue("viewerId") instanceof String ? msg.getString("viewerId") : null;
      return store.memberIds(org, id, limit, viewer);
    });

    // a sign-up: waiting invitations for that email become memberships
    internal("events.profiles.user.created", ev -> {
      String org = ev.getValue("org") instanceof String ? ev.getString("org") : "default";
      String userId = ev.getValue("userId") instanceof String ? ev.getString("userId") : null;
      String email = ev.getValue("email") instanceof String ? PagesStore.normEmail(ev.getString("email")) : null;
      if (userId == null || userId.isBlank() || email == null || !EMAIL.matcher(email).matches() || !ORG.matcher(org).matches()) {
        return Future.succeededFuture();
      }
      return attach(org, email, userId);
    });
  }

  /**
   * Registers an operation whose signed-in caller first gets the waiting invitations of their
   * token's email attached, so an invitation sent before they had an account counts at once.
   */
  private void op(String operationId, Operation handler) {
    operation(operationId, req -> {
      String me = req.userId();
      String email = email(req);
      if (me == null || email == null || "false".equals(req.claim("email_verified"))) {
        return handler.handle(req);
      }
      return attach(req.org(), email, me)
        .transform(ar -> {
          try {
            return handler.handle(req);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
        });
    });
  }

  private Future<Void> attach(String org, String email, String userId) {
    return store.attachInvitations(org, email, userId)
      .onSuccess(list -> list.forEach(m -> publish("member.joined", memberEvent(org, m))))
      .onFailure(err -> LOG.warn("could not attach invitations of {} in {}: {}", userId, org, err.toString()))
      .<Void>mapEmpty()
      .recover(err -> Future.succeededFuture());
  }

  private Future<ApiReply> update(ApiRequest req, boolean replace) {
    String me = req.requireUser();
    return store.updatePage(req.org(), pageId(req), me, req.body(), replace).map(o -> {
      if (o.changed()) {
        publish("page.updated", event(o.body()).put("updatedBy", me));
      }
      return ApiReply.ok(o.body());
    });
  }

  private Future<ApiReply> invite(ApiRequest req) {
    String me = req.requireUser();
    UUID id = pageId(req);
    String email = PagesStore.normEmail(req.body().getString("email"));
    if (email == null || !EMAIL.matcher(email).matches()) {
      throw ApiError.badRequest("email is not a valid address");
    }
    String org = req.org();
    Future<String> invitee = email.equals(email(req)) ? Future.succeededFuture(me) : userIdByEmail(org, email);
    return invitee.compose(userId -> store.invite(org, id, me, email, userId, (conn, page) -> {
      if (!inviteEmails) {
        return Future.succeededFuture();
      }
      String who = req.claim("name") != null ? req.claim("name") : email(req) != null ? email(req) : "A member";
      String link = outbox.publicUrl() + "/client/community/pages/" + page.getString("id");
      return outbox.enqueue(conn, new JsonObject().put("org", org).put("kind", "page-invitation").put("to", email)
        .put("subject", "You are invited to the page \"" + page.getString("name") + "\"")
        .put("text", who + " invited you to join the page \"" + page.getString("name")
          + "\". Sign up or sign in with this email address and you will find it among your pages.")
        .put("link", link));
    })).map(o -> {
      JsonObject inv = o.body();
      if (o.changed()) {
        publish("member.invited", new JsonObject().put("org", org).put("pageId", id.toString()).put("email", email)
          .put("userId", inv.getString("userId")).put("invitedBy", me).put("status", inv.getString("status")));
        if (inv.getString("userId") != null) {
          publish("member.joined", memberEvent(org, inv.copy().put("joinedAt", inv.getString("invitedAt"))));
        }
      }
      return ApiReply.status(o.changed() ? 201 : 200, inv);
    });
  }

  /** The user id of an account with this email, asked of the profiles module; null when unknown or unavailable. */
  private Future<String> userIdByEmail(String org, String email) {
    return vertx.eventBus().<Object>request("profiles.byEmail", new JsonObject().put("org", org).put("email", email),
        new DeliveryOptions().setSendTimeout(lookupTimeoutMs))
      .map(msg -> {
        Object body = msg.body();
        JsonObject profile = body instanceof JsonObject ? ((JsonObject) body).getJsonObject("profile") : null;
        Object id = profile == null ? null : profile.getValue("userId");
        return id instanceof String && !((String) id).isBlank() ? (String) id : null;
      })
      .otherwise(err -> null);
  }

  /**
   * Adds each row's public profile under {@code target}, with ONE {@code profiles.lookup} request for
   * the whole page of rows; null where the profile is unknown or the profiles module does not answer.
   */
  private Future<Void> withProfiles(String org, JsonArray rows, String idField, String target) {
    Set<String> ids = new LinkedHashSet<>();
    rows.forEach(o -> {
      String id = ((JsonObject) o).getString(idField);
      if (id != null) {
        ids.add(id);
      }
    });
    rows.forEach(o -> ((JsonObject) o).put(target, null));
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<Object>request("profiles.lookup",
        new JsonObject().put("org", org).put("ids", new JsonArray(List.copyOf(ids))),
        new DeliveryOptions().setSendTimeout(lookupTimeoutMs))
      .map(msg -> {
        Object body = msg.body();
        JsonObject profiles = body instanceof JsonObject ? ((JsonObject) body).getJsonObject("profiles") : null;
        if (profiles != null) {
          rows.forEach(o -> {
            JsonObject row = (JsonObject) o;
            Object p = profiles.getValue(row.getString(idField, ""));
            row.put(target, p instanceof JsonObject ? p : null);
          });
        }
        return (Void) null;
      })
      .otherwise(err -> {
        LOG.debug("profiles.lookup unavailable: {}", err.toString());
        return null;
      });
  }

  private static UUID pageId(ApiRequest req) {
    return ApiRequest.uuidOr404(req.pathParam("pageId"), "page");
  }

  private static String email(ApiRequest req) {
    String e = PagesStore.normEmail(req.claim("email"));
    return e == null || e.isEmpty() || e.length() > 254 ? null : e;
  }

  private static UUID uuidOrNull(Object v) {
    try {
      return v instanceof String ? UUID.fromString((String) v) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonObject event(JsonObject page) {
    JsonObject e = page.copy();
    e.remove("role");
    return e;
  }

  private static JsonObject memberEvent(String org, JsonObject m) {
    return new JsonObject().put("org", org).put("pageId", m.getString("pageId")).put("userId", m.getString("userId"))
      .put("role", m.getString("role")).put("source", m.getString("source")).put("invitedBy", m.getString("invitedBy"))
      .put("joinedAt", m.getString("joinedAt"));
  }
}
