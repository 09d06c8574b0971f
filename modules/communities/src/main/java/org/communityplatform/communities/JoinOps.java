package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The join API (004): joining, join requests and their approval. */
final class JoinOps {

  private final Env env;
  private final CommunityStore store;

  JoinOps(Env env) {
    this.env = env;
    this.store = env.store;
  }

  void register(Env.Registry r) {
    r.op("joinCommunity", this::join);
    r.op("listCommunityJoinRequests", this::list);
    r.op("approveCommunityJoinRequest", req -> decide(req, true));
    r.op("rejectCommunityJoinRequest", req -> decide(req, false));
  }

  private static JsonObject claims(ApiRequest req) {
    JsonObject p = req.principal();
    return p == null ? new JsonObject() : p.getJsonObject("claims", new JsonObject());
  }

  private Future<ApiReply> join(ApiRequest req) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    JsonObject body = req.body();
    return store.pool().preparedQuery("SELECT " + Community.COLUMNS + ", c.password_hash, m.role AS caller_role, "
        + "m.joined_at AS caller_joined_at FROM communities.communities c "
        + "LEFT JOIN communities.members m ON m.community_id = c.id AND m.user_id = $3 WHERE c.id = $1 AND c.org = $2")
      .execute(Tuple.of(id, org, me))
      .compose(rows -> {
        Community c = Env.visible(rows.size() == 0 ? null : Community.from(rows.iterator().next()));
        if (c.callerRole != null) {
          // already a member: joining again changes nothing
          OffsetDateTime since = rows.iterator().next().getOffsetDateTime("caller_joined_at");
          return Future.succeededFuture(ApiReply.ok(Views.joinAnswer(new JsonArray(),
            new JsonArray().add(Views.joinUser(id.toString(), me, c.callerRole, since, claims(req))),
            new JsonArray().add(Views.role(c.callerRole, c.createdAt)))));
        }
        String status = Views.status(c, env.clock.instant());
        if (!status.equals("live")) {
          throw new ApiError(403, "community_not_open", "this community does not take members while it is " + status);
        }
        checkRequirements(c, body, claims(req));
        return checkPassword(c, body.getString("password")).compose(v -> c.access.equals("request")
          ? request(req, c, me) : add(req, c, me));
      });
  }

  private Future<ApiReply> add(ApiRequest req, Community c, String me) {
    String org = req.org();
    return store.addMember(store.pool(), org, c.id, me, Roles.MEMBER).map(ch -> {
      if (ch == null) {
        throw ApiError.notFound("community not found");
      }
      if (ch.created) {
        env.publish("member.joined", org, new JsonObject().put("communityId", c.id.toString()).put("userId", me)
          .put("role", ch.role).put("via", "join"));
      }
      return ApiReply.ok(Views.joinAnswer(new JsonArray(),
        new JsonArray().add(Views.joinUser(c.id.toString(), me, ch.role, ch.joinedAt, claims(req))),
        new JsonArray().add(Views.role(ch.role, c.createdAt))));
    });
  }

  private Future<ApiReply> request(ApiRequest req, Community c, String me) {
    String org = req.org();
    return store.openJoinRequest(store.pool(), org, c.id, me).map(row -> {
      if (row == null) {
        throw ApiError.conflict("the join request changed meanwhile; try again");
      }
      if (row.getBoolean("created")) {
        env.publish("joinrequest.created", org, new JsonObject().put("communityId", c.id.toString()).put("userId", me)
          .put("requestId", row.getUUID("id").toString()));
      }
      return ApiReply.ok(Views.joinAnswer(new JsonArray().add(Views.joinRequest(row)),
        new JsonArray().add(Views.joinUser(c.id.toString(), me, null, row.getOffsetDateTime("created_at"), claims(req))),
        new JsonArray()));
    });
  }

  /** The member requirements the data lets us check: a minimum age (from the token) and a join code. */
  private void checkRequirements(Community c, JsonObject body, JsonObject claims) {
    JsonArray reqs = c.details.getJsonArray("memberRequirements");
    if (reqs == null) {
      return;
    }
    for (Object o : reqs) {
      if (!(o instanceof JsonObject)) {
        continue;
      }
      JsonObject r = (JsonObject) o;
      Integer minimumAge = r.getValue("minimumAge") instanceof Number ? r.getInteger("minimumAge") : null;
      if (minimumAge != null) {
        Integer age = age(claims);
        if (age != null && age < minimumAge) {
          throw new ApiError(403, "requirement_not_met", "members of this community must be at least " + minimumAge
            + " years old");
        }
      }
      if ("code".equals(r.getString("type")) && r.getValue("code") instanceof String) {
        if (!r.getString("code").equals(body.getString("code"))) {
          throw new ApiError(403, "requirement_not_met", "joining this community needs its join code",
            new JsonArray().add(new JsonObject().put("path", "/code").put("message", "missing or wrong")));
        }
      }
    }
  }

  private Integer age(JsonObject claims) {
    Object age = claims.getValue("age");
    if (age instanceof Number) {
      return ((Number) age).intValue();
    }
    Object birth = claims.getValue("birthdate");
    if (birth instanceof String) {
      try {
        LocalDate born = LocalDate.parse((String) birth);
        return Period.between(born, LocalDate.ofInstant(Instant.now(env.clock), ZoneOffset.UTC)).getYears();
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** Checks the community password on a worker thread (the hash is deliberately slow). */
  private Future<Void> checkPassword(Community c, String password) {
    if (c.passwordHash == null) {
      return Future.succeededFuture();
    }
    if (password == null) {
      return Future.failedFuture(new ApiError(403, "password_required", "this community needs a password to join",
        new JsonArray().add(new JsonObject().put("path", "/password").put("message", "required"))));
    }
    return env.vertx.executeBlocking(() -> Secrets.verifyPassword(password, c.passwordHash), false).compose(ok -> ok
      ? Future.succeededFuture()
      : Future.failedFuture(new ApiError(403, "wrong_password", "the community password is not right",
        new JsonArray().add(new JsonObject().put("path", "/password").put("message", "wrong")))));
  }

  /** The caller must see the community and be its owner, admin or moderator. */
  private Future<Community> reviewer(ApiRequest req, UUID id, String me) {
    return store.find(req.org(), id, me).map(found -> {
      Community c = Env.visible(found);
      Env.require(c.callerRole, Roles.MODERATOR, "only an owner, admin or moderator can review join requests");
      return c;
    });
  }

  private Future<ApiReply> list(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    int page = Env.page(req);
    int limit = Env.limit(req, 50);
    String status = req.queryString("status") == null ? "pending" : req.queryString("status");
    return reviewer(req, id, me).compose(c -> store.joinRequests(id, status, page, limit)).map(p -> {
      JsonArray data = new JsonArray();
      p.data.forEach(r -> data.add(Views.joinRequest(r)));
      return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
    });
  }

  private Future<ApiReply> decide(ApiRequest req, boolean approve) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    UUID requestId = Env.uuid(req.pathParam("requestId"), "join request");
    return reviewer(req, id, me).compose(c -> store.pool().withTransaction(conn ->
        store.decide(conn, id, requestId, approve ? "approved" : "rejected", me).compose(row -> {
          if (row == null) {
            return store.joinRequest(conn, id, requestId).map(existing -> {
              if (existing == null) {
                throw new ApiError(404, "not_found", "join request not found");
              }
              throw new ApiError(409, "already_decided", "this join request was already " + existing.getString("status"));
            });
          }
          if (!approve) {
            return Future.succeededFuture(new Object[] {row, null});
          }
          return store.addMember(conn, org, id, row.getString("user_id"), Roles.MEMBER).map(ch -> {
            if (ch == null) {
              throw ApiError.notFound("community not found");
            }
            return new Object[] {row, ch};
          });
        }))
      .map(result -> {
        Row row = (Row) result[0];
        CommunityStore.Change ch = (CommunityStore.Change) result[1];
        String user = row.getString("user_id");
        env.publish(approve ? "joinrequest.approved" : "joinrequest.rejected", org, new JsonObject()
          .put("communityId", id.toString()).put("userId", user).put("requestId", requestId.toString()).put("by", me));
        JsonArray users = new JsonArray();
        JsonArray roles = new JsonArray();
        if (ch != null) {
          if (ch.created) {
            env.publish("member.joined", org, new JsonObject().put("communityId", id.toString()).put("userId", user)
              .put("role", ch.role).put("via", "approval"));
          }
          users.add(Views.joinUser(id.toString(), user, ch.role, ch.joinedAt, null));
          roles.add(Views.role(ch.role, c.createdAt));
        }
        return ApiReply.ok(Views.joinAnswer(new JsonArray().add(Views.joinRequest(row)), users, roles));
      }));
  }
}
