package org.communityplatform.communities;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.paging.KeysetCursor;
import org.communityplatform.core.paging.Paging;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
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
    r.op("joinCommunity", req -> env.limited(req, "communityJoins", () -> join(req)));
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
        return notBanned(env, store.pool(), c.id, me)
          .compose(v -> checkSecrets(req, c, body))
          .compose(v -> c.access.equals("request") ? request(req, c, me) : add(req, c, me));
      });
  }

  /**
   * As {@link #notBanned}, in a member-adding transaction: takes the community row's lock first, the
   * lock a ban takes, so a ban and a way in at the same moment are serialised (the ban either sees the
   * new member and takes them out, or is seen here and refuses them).
   */
  static Future<Void> notBannedLocked(Env env, io.vertx.sqlclient.SqlClient conn, String org, UUID community, String userId) {
    return env.store.lockRow(conn, org, community).compose(x -> notBanned(env, conn, community, userId));
  }

  /** 403 {@code banned} while a ban of the user is in force in the community (issue 14). */
  static Future<Void> notBanned(Env env, io.vertx.sqlclient.SqlClient client, UUID community, String userId) {
    return env.moderation.active(client, true, community, userId, env.store.now()).map(ban -> {
      if (ban != null) {
        throw banned(ban.getOffsetDateTime("expires_at"));
      }
      return null;
    });
  }

  /** The 403 {@code banned} of a ban in force until {@code until} (null: permanent). */
  static ApiError banned(OffsetDateTime until) {
    return new ApiError(403, "banned", until == null ? "you are banned from this community"
      : "you are banned from this community until " + until.toInstant());
  }

  /**
   * The guessable secrets of a join (the join code and the community password), throttled (issue 10,
   * issue 14): every attempt that carries one counts against {@code throttle.communityJoinSecretPerUser}
   * (per organisation and user) and wrong ones against {@code throttle.communityJoinSecretPerClient} (per
   * organisation and client address); over either: 429 with the headers of the limit that refused. Wrong
   * ones also count against {@code throttle.communityJoinSecretPerCommunity}, from anyone; past that
   * ceiling each attempt first waits {@code joinSecretSlowdownMs} and the right secret still joins, as a
   * sign-in does (a ceiling that refused it would let an outsider lock every member out).
   */
  private Future<Void> checkSecrets(ApiRequest req, Community c, JsonObject body) {
    checkAge(c, claims(req));
    String code = joinCode(c);
    if (code == null && c.passwordHash == null) {
      return Future.succeededFuture();
    }
    if (c.passwordHash != null && body.getString("password") == null) {
      return Future.failedFuture(new ApiError(403, "password_required", "this community needs a password to join",
        new JsonArray().add(new JsonObject().put("path", "/password").put("message", "required"))));
    }
    String msg = "too many join attempts with a code or password; try again later";
    String userKey = req.org() + ":" + req.userId();
    String clientKey = req.org() + ":" + req.clientAddress();
    String communityKey = req.org() + ":" + c.id;
    return env.throttle.check("communityJoinSecretPerClient", clientKey, msg)
      .compose(x -> env.throttle.acquire("communityJoinSecretPerUser", userKey, msg))
      .compose(x -> env.throttle.peek("communityJoinSecretPerCommunity", communityKey))
      .compose(all -> all.hits() >= all.limit().max() ? slowdown() : Future.<Void>succeededFuture())
      .compose(x -> {
        if (code != null && !code.equals(body.getString("code"))) {
          return Future.<Void>failedFuture(new ApiError(403, "requirement_not_met", "joining this community needs its join code",
            new JsonArray().add(new JsonObject().put("path", "/code").put("message", "missing or wrong"))));
        }
        return checkPassword(c, body.getString("password"));
      })
      .recover(err -> err instanceof ApiError && ((ApiError) err).status() == 403
        ? Future.all(env.throttle.hit("communityJoinSecretPerCommunity", communityKey),
            env.throttle.hit("communityJoinSecretPerClient", clientKey)).compose(x -> Future.failedFuture(err))
        : Future.failedFuture(err));
  }

  /** The wait of a secret attempt on a community guessed at too often; a timer, not a blocked thread. */
  private Future<Void> slowdown() {
    long ms = env.settings.joinSecretSlowdownMs;
    if (ms <= 0) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    env.vertx.setTimer(ms, t -> p.complete());
    return p.future();
  }

  private Future<ApiReply> add(ApiRequest req, Community c, String me) {
    String org = req.org();
    // the lock, the ban check and the insert in one statement: the join holds the community lock shortest
    return store.pool().withTransaction(conn -> store.joinMember(conn, org, c.id, me, Roles.MEMBER).compose(ch -> {
      if (ch == null) {
        throw ApiError.notFound("community not found");
      }
      return !ch.created ? Future.succeededFuture(ch)
        : env.event(conn, Env.ev("community.member.joined", org, me, c.id).subject("userId", me)
          .data(new JsonObject().put("role", ch.role))).map(x -> ch);
    })).map(ch -> {
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
    return store.pool().withTransaction(conn -> notBannedLocked(env, conn, org, c.id, me)
      .compose(x -> env.joins.openJoinRequest(conn, org, c.id, me)).compose(row -> {
      if (row == null) {
        throw ApiError.conflict("the join request changed meanwhile; try again");
      }
      return !row.getBoolean("created") ? Future.succeededFuture(row)
        : env.event(conn, Env.ev("community.join_request.created", org, me, c.id).subject("userId", me)
          .subject("joinRequestId", row.getUUID("id"))).map(x -> row);
    })).map(row -> {
      if (row.getBoolean("created")) {
        env.publish("joinrequest.created", org, new JsonObject().put("communityId", c.id.toString()).put("userId", me)
          .put("requestId", row.getUUID("id").toString()));
      }
      return ApiReply.ok(Views.joinAnswer(new JsonArray().add(Views.joinRequest(row)),
        new JsonArray().add(Views.joinUser(c.id.toString(), me, null, row.getOffsetDateTime("created_at"), claims(req))),
        new JsonArray()));
    });
  }

  /** The join code a community requires, or null. */
  private static String joinCode(Community c) {
    JsonArray reqs = c.details.getJsonArray("memberRequirements");
    if (reqs == null) {
      return null;
    }
    for (Object o : reqs) {
      if (o instanceof JsonObject && "code".equals(((JsonObject) o).getString("type"))
        && ((JsonObject) o).getValue("code") instanceof String) {
        return ((JsonObject) o).getString("code");
      }
    }
    return null;
  }

  /** The minimum-age requirement, checked against the token's age or birthdate claim when it has one. */
  private void checkAge(Community c, JsonObject claims) {
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

  /**
   * Join requests in one status, oldest first. With {@code page}: a numbered page; without it, or with
   * a {@code cursor}: a keyset walk on (created_at, id), which never changes for a request, so deciding
   * requests during a walk neither repeats nor skips another one.
   */
  private Future<ApiReply> list(ApiRequest req) {
    String me = req.requireUser();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    Paging paging = Paging.of(req, 50, 100);
    int limit = paging.limit();
    String status = req.queryString("status") == null ? "pending" : req.queryString("status");
    String kind = "jr" + status;
    List<String> key = KeysetCursor.decode(kind, paging.cursor(), 2);
    boolean keyset = paging.cursor() != null || !req.query().containsKey("page");
    OffsetDateTime afterAt;
    UUID afterId;
    try {
      afterAt = key == null ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : OffsetDateTime.parse(key.get(0));
      afterId = key == null ? new UUID(Long.MIN_VALUE, Long.MIN_VALUE) : UUID.fromString(key.get(1));
    } catch (RuntimeException e) {
      throw KeysetCursor.invalid();
    }
    if (!keyset) {
      int page = paging.page();
      return reviewer(req, id, me).compose(c -> env.joins.joinRequests(id, status, page, limit)).map(p -> {
        JsonArray data = new JsonArray();
        p.data.forEach(r -> data.add(Views.joinRequest(r)));
        return ApiReply.ok(Env.pageOf(data, p.total, page, limit));
      });
    }
    return reviewer(req, id, me).compose(c -> env.joins.joinRequestsAfter(id, status, afterAt, afterId, limit + 1))
      .compose(rows -> env.joins.countJoinRequests(id, status).map(total -> {
        JsonArray data = new JsonArray();
        Row last = null;
        for (Row r : rows) {
          if (data.size() == limit) {
            break;
          }
          data.add(Views.joinRequest(r));
          last = r;
        }
        String next = rows.size() > limit ? KeysetCursor.encode(kind, last.getOffsetDateTime("created_at").toString(),
          last.getUUID("id")) : null;
        return ApiReply.ok(Env.pageOf(data, total, null, limit).put("nextCursor", next));
      }));
  }

  private Future<ApiReply> decide(ApiRequest req, boolean approve) {
    String me = req.requireUser();
    String org = req.org();
    UUID id = Env.uuid(req.pathParam("communityId"), "community");
    UUID requestId = Env.uuid(req.pathParam("requestId"), "join request");
    // the community lock first (the order a ban takes them in: community, then its join requests)
    return reviewer(req, id, me).compose(c -> store.pool().withTransaction(conn -> store.lockRow(conn, org, id).compose(l ->
        env.joins.decide(conn, id, requestId, approve ? "approved" : "rejected", me)).compose(row -> {
          if (row == null) {
            return env.joins.joinRequest(conn, id, requestId).map(existing -> {
              if (existing == null) {
                throw new ApiError(404, "not_found", "join request not found");
              }
              throw new ApiError(409, "already_decided", "this join request was already " + existing.getString("status"));
            });
          }
          String user = row.getString("user_id");
          Future<Void> decided = env.event(conn, Env.ev(approve ? "community.join_request.approved"
            : "community.join_request.rejected", org, me, id).subject("userId", user).subject("joinRequestId", requestId));
          if (!approve) {
            return decided.map(x -> new Object[] {row, null});
          }
          return decided.compose(x -> notBanned(env, conn, id, user)).compose(x -> store.addMember(conn, org, id, user, Roles.MEMBER))
            .compose(ch -> {
              if (ch == null) {
                throw ApiError.notFound("community not found");
              }
              return !ch.created ? Future.succeededFuture(new Object[] {row, ch})
                : env.event(conn, Env.ev("community.member.joined", org, me, id).subject("userId", user)
                  .data(new JsonObject().put("role", ch.role))).map(x -> new Object[] {row, ch});
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
