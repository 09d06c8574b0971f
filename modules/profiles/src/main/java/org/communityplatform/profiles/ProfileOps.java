package org.communityplatform.profiles;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.events.Event;
import org.communityplatform.core.paging.Paging;
import org.communityplatform.core.text.Text;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The profiles API's profiles: the list, one profile, community profiles, relationships, admin changes. */
final class ProfileOps {

  /** The kind of the profile list's keyset cursors. */
  private static final String CURSOR = "profiles";

  private final Env env;
  private final ProfilesStore store;

  ProfileOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("listProfiles", this::listProfiles);
    r.op("getProfile", this::getProfile);
    r.op("createCommunityProfile", this::createCommunity);
    r.op("updateRelationship", this::updateRelationship);
    r.op("adminUpdateProfile", this::adminUpdate);
  }

  private Future<ApiReply> listProfiles(ApiRequest req) {
    Paging paging = Paging.of(req, 20, 100);
    JsonArray status = new JsonArray();
    String statusParam = req.queryString("status");
    if (statusParam == null) {
      status.add("active");
    } else {
      new LinkedHashSet<>(List.of(statusParam.split(","))).forEach(status::add);
    }
    JsonObject filters = new JsonObject()
      .put("status", status)
      .put("type", req.queryString("type"))
      .put("following", req.queryBool("following"))
      .put("connected", req.queryString("connected"))
      .put("q", req.queryString("q"))
      .put("idTag", IdTags.normalize(req.queryString("idTag")));
    Long after = DirectoryStore.after(CURSOR, paging.cursor());
    String q = req.queryString("q");
    return env.self(req)
      .compose(me -> q != null && !Text.hasWords(q) ? Future.succeededFuture(DirectoryStore.empty())
        : env.directory.listProfiles(req.org(), me.getString("id"), filters.put("q", Text.nfc(q)), paging.limit(),
          paging.offset(), after))
      .map(result -> Views.page(req, result, Views::profile, paging, DirectoryStore.next(CURSOR, result),
        Views.time(store.now())));
  }

  private Future<ApiReply> getProfile(ApiRequest req) {
    String tag = IdTags.normalize(req.pathParam("idTag"));
    if (!IdTags.plausible(tag)) {
      throw ApiError.notFound("profile not found");
    }
    String org = req.org();
    String viewer = Env.viewer(req);
    return store.byTag(org, tag).compose(row -> {
      if (row == null) {
        throw ApiError.notFound("profile not found");
      }
      JsonObject view = Views.profile(row);
      if (viewer == null || viewer.equals(row.getString("id"))) {
        return Future.succeededFuture(env.wrap(req, 200, view));
      }
      return store.pool().withConnection(c -> env.directory.readPair(c, org, viewer, row.getString("id"))).map(pair -> {
        Views.relation(view, pair);
        return env.wrap(req, 200, view);
      });
    });
  }

  private Future<ApiReply> createCommunity(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String type = b.getString("type");
    String tag = AccountOps.acceptableTag(env.settings, req.pathParam("idTag"), type);
    String pic = b.getString("profilePic");
    String name = b.containsKey("name") ? Fields.displayName(b.getValue("name"), "name") : IdTags.defaultName(tag);
    return env.self(req).compose(owner -> (pic == null ? Future.<Row>succeededFuture(null)
        : env.accounts.file(org, pic, false))
      .compose(file -> {
        if (pic != null && file == null) {
          throw ApiError.badRequest("'profilePic' names no image uploaded to this organisation");
        }
        String id = UUID.randomUUID().toString();
        JsonObject fields = new JsonObject().put("idType", type).put("idTag", tag)
          .put("name", name)
          .put("image", pic == null ? null : OwnProfileOps.FILE_PATH + pic).put("appDomain", b.getString("appDomain"));
        String ownerId = owner.getString("id");
        return store.pool().withTransaction(conn -> store.insertCommunity(conn, org, id, ownerId, fields)
            .compose(row -> env.events.append(conn, Event.of("community_profile.created", org).actor(ownerId)
              .subject("idTag", tag).data(Views.community(row, owner.getString("id_tag")))).map(row)))
          .recover(Env::conflicts)
          .map(row -> {
            env.publish("community.created", new JsonObject().put("org", org).put("idTag", tag)
              .put("name", row.getString("name")).put("ownerId", owner.getString("id"))
              .put("communityId", id).put("tnId", row.getLong("tn_id")).put("profilePic", row.getString("image")));
            return env.wrap(req, 201, Views.community(row, owner.getString("id_tag")));
          });
      }));
  }

  private Future<ApiReply> updateRelationship(ApiRequest req) {
    String tag = IdTags.normalize(req.pathParam("idTag"));
    String action = req.body().getString("relationship");
    String org = req.org();
    return env.self(req).compose(me -> {
      if (!IdTags.plausible(tag)) {
        throw ApiError.notFound("profile not found");
      }
      return store.byTag(org, tag).compose(target -> {
        if (target == null) {
          throw ApiError.notFound("profile not found");
        }
        String a = me.getString("id");
        String b = target.getString("id");
        if (a.equals(b)) {
          throw ApiError.unprocessable("a relationship needs another profile than your own");
        }
        if (action.equals("connect") && !"person".equals(target.getString("type"))) {
          throw ApiError.unprocessable("connections are between people; follow a community instead");
        }
        OffsetDateTime now = store.now();
        return store.pool().withTransaction(conn -> env.directory.lockPair(conn, org, a, b).compose(pair -> {
          pair.apply(action);
          boolean changed = pair.changed();
          return env.directory.saveDirection(conn, org, a, b, pair.out, now)
            .compose(x -> env.directory.saveDirection(conn, org, b, a, pair.in, now))
            .compose(x -> !changed ? Future.succeededFuture() : env.events.append(conn,
              Event.of("profile.relationship.changed", org).actor(a).subject("userId", a).subject("targetUserId", b)
                .data(new JsonObject().put("relationship", action).put("following", pair.out.following)
                  .put("connected", pair.connected()).put("blocked", pair.out.blocking))))
            .map(pair);
        })).map(pair -> {
          JsonObject data = Views.relation(new JsonObject().put("idTag", tag).put("relationship", action), pair);
          data.remove("followedBy");
          data.put("updatedAt", Views.time(now));
          env.publish("relationship.updated", new JsonObject().put("org", org).put("userId", a).put("targetId", b)
            .put("targetIdTag", tag).put("relationship", action).put("following", pair.out.following)
            .put("connected", data.getString("connected")).put("blocked", pair.out.blocking));
          return env.wrap(req, 200, data);
        });
      });
    });
  }

  /** An audit entry with the before and after of the changed fields only. */
  private static AuditEntry changes(AuditEntry e, JsonObject before, JsonObject after, Iterable<String> fields) {
    JsonObject b = new JsonObject();
    JsonObject a = new JsonObject();
    for (String f : fields) {
      b.put(f, before.getValue(f));
      a.put(f, after.getValue(f));
    }
    return e.before(b).after(a);
  }

  private Future<ApiReply> adminUpdate(ApiRequest req) {
    JsonObject b = req.body();
    String org = req.org();
    String tag = IdTags.normalize(req.pathParam("idTag"));
    return env.requireAdmin(req).compose(me -> {
      if (!IdTags.plausible(tag)) {
        throw ApiError.notFound("profile not found");
      }
      return store.byTag(org, tag).compose(found -> found == null ? Future.succeededFuture(null)
          : store.own(org, found.getString("id")))
        .compose(target -> {
          if (target == null) {
            throw ApiError.notFound("profile not found");
          }
          String id = target.getString("id");
          String status = b.getString("status");
          JsonArray roles = b.getJsonArray("roles");
          if (id.equals(me) && ((status != null && !status.equals("active")) || (roles != null && !roles.contains("admin")))) {
            throw ApiError.unprocessable("admins cannot suspend, ban or demote themselves");
          }
          if (roles != null && !"person".equals(target.getString("type"))) {
            throw ApiError.unprocessable("platform roles belong to people, not communities");
          }
          Map<String, Object> cols = ProfilesStore.columns();
          if (b.containsKey("name")) {
            cols.put("name", Fields.displayName(b.getValue("name"), "name"));
          }
          if (status != null) {
            cols.put("status", status);
          }
          boolean lost = false;
          if (roles != null) {
            List<String> ordered = new ArrayList<>();
            for (String r : new String[] {"user", "moderator", "admin"}) {
              if (roles.contains(r)) {
                ordered.add(r);
              }
            }
            lost = !ordered.containsAll(ProfilesStore.strings(target, "roles").getList());
            cols.put("roles", ordered.toArray(new String[0]));
          }
          boolean revoke = (status != null && !status.equals("active")) || lost;
          // tokens are revoked first: should the update fail, signing in again is all it costs
          JsonObject before = Views.admin(target);
          return (revoke ? env.auth.revokeSubject(id) : Future.<Void>succeededFuture())
            .compose(x -> store.pool().withTransaction(conn -> env.updateProfile(conn, org, me, id, cols)
              .compose(row -> env.audit.append(conn, changes(AuditEntry.of(org, "profile.admin_updated").actor(me)
                .target("profile", id).reqId(req.reqId()), before, Views.admin(row), b.fieldNames())).map(row))))
            .map(row -> {
              env.publish("user.updated", Views.event(org, row));
              return env.wrap(req, 200, Views.admin(row));
            });
        });
    });
  }
}
