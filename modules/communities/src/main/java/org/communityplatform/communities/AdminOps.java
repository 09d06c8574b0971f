package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.UUID;

/** The administrative community API (003), for organisation API tokens ({@code x-api-token}). */
final class AdminOps {

  private final Env env;
  private final CommunityStore store;

  AdminOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("adminListCommunities", this::list);
    r.op("adminCreateCommunity", this::create);
    r.op("adminGetCommunity", this::get);
    r.op("adminUpdateCommunity", this::update);
  }

  /** The gateway has verified the token and set the organisation; refuse anything else. */
  private static void requireApiToken(ApiRequest req) {
    JsonObject p = req.principal();
    if (p == null || !p.getBoolean("apiToken", false)) {
      throw ApiError.unauthorized("a valid x-api-token header is required");
    }
  }

  private JsonObject view(ApiRequest req, Community c) {
    return Views.admin(c, Views.text(c, req.lang(), env.settings.languageOf(req.org())), env.clock.instant());
  }

  /** Hashes a password sent in the body on a worker thread; null when none is sent. */
  private Future<String> hash(JsonObject body) {
    String password = body.getValue("password") instanceof String ? body.getString("password") : null;
    if (password == null) {
      return Future.succeededFuture(null);
    }
    int iterations = env.settings.passwordIterations;
    return env.vertx.executeBlocking(() -> Secrets.hashPassword(password, iterations), false);
  }

  private Future<ApiReply> list(ApiRequest req) {
    requireApiToken(req);
    int page = Env.page(req);
    int limit = Env.limit(req, 20);
    return store.listAdmin(req.org(), req.query(), page, limit).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(c -> data.add(view(req, c)));
      return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
    });
  }

  private Future<ApiReply> get(ApiRequest req) {
    requireApiToken(req);
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    return store.findAdmin(store.pool(), req.org(), id).map(c -> {
      if (c == null) {
        throw ApiError.notFound("community not found");
      }
      return ApiReply.ok(view(req, c));
    });
  }

  private Future<ApiReply> create(ApiRequest req) {
    requireApiToken(req);
    String org = req.org();
    JsonObject body = req.body();
    String owner = body.getString("ownerId");
    OffsetDateTime now = store.now();
    Community c = new Community();
    c.id = UUID.randomUUID();
    c.org = org;
    c.createdBy = owner;
    c.createdAt = now;
    c.updatedAt = now;
    // every check first, so that a bad body costs no hashing
    c.applyAdmin(body, null);
    c.check();
    return hash(body).compose(hash -> {
      if (hash != null) {
        c.passwordHash = hash;
        c.hasPassword = true;
      }
      String actor = Env.actor(req);
      return store.pool().withTransaction(conn -> store.insert(conn, c)
        .compose(saved -> owner == null ? Future.succeededFuture(saved)
          : store.addMember(conn, org, saved.id, owner, Roles.OWNER).map(ch -> saved))
        .compose(saved -> store.findAdmin(conn, org, saved.id))
        .compose(saved -> env.event(conn, Env.ev("community.created", org, actor, saved.id)
            .data(new JsonObject().put("name", saved.name).put("slug", saved.slug).put("isPrivate", saved.isPrivate)))
          .compose(x -> owner == null ? Future.succeededFuture()
            : env.event(conn, Env.ev("community.member.joined", org, actor, saved.id).subject("userId", owner)
              .data(new JsonObject().put("role", Roles.OWNER))))
          .compose(x -> env.audit(conn, req, "community.created", saved.id, "community", saved.id, null,
            new JsonObject().put("name", saved.name).put("slug", saved.slug).put("ownerId", owner)))
          .map(x -> saved)));
    }).map(saved -> {
      env.publish("community.created", org, new JsonObject().put("communityId", saved.id.toString())
        .put("name", saved.name).put("slug", saved.slug).put("isPrivate", saved.isPrivate).put("ownerId", owner)
        .put("via", "admin"));
      if (owner != null) {
        env.publish("member.joined", org, new JsonObject().put("communityId", saved.id.toString()).put("userId", owner)
          .put("role", Roles.OWNER).put("via", "admin"));
      }
      return ApiReply.created(view(req, saved));
    });
  }

  private Future<ApiReply> update(ApiRequest req) {
    requireApiToken(req);
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    JsonObject body = req.body();
    return hash(body).compose(hash -> store.pool().withTransaction(conn -> store.lock(conn, org, id, null)
        .compose(c -> {
          if (c == null) {
            throw ApiError.notFound("community not found");
          }
          JsonObject before = view(req, c);
          c.applyAdmin(body, hash);
          c.check();
          c.updatedAt = store.now();
          return store.update(conn, c).compose(x -> store.findAdmin(conn, org, id)).compose(saved -> {
            JsonObject[] d = Env.diff(before, view(req, saved));
            if (hash != null) {
              // that the password changed is recorded; the password and its hash never are
              d[1].put("passwordChanged", true);
            }
            return env.event(conn, Env.ev("community.updated", org, Env.actor(req), id)
                .data(new JsonObject().put("fields", new JsonArray(new ArrayList<>(d[1].fieldNames())))))
              .compose(y -> env.audit(conn, req, "community.updated", id, "community", id, d[0], d[1]))
              .map(y -> saved);
          });
        })))
      .map(saved -> {
        env.publish("community.updated", org, new JsonObject().put("communityId", id.toString())
          .put("fields", new JsonArray(new ArrayList<>(body.fieldNames()))).put("via", "admin"));
        return ApiReply.ok(view(req, saved));
      });
  }
}
