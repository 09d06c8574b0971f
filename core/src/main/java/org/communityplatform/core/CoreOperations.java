package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.communityplatform.core.audit.AuditEntry;
import org.communityplatform.core.audit.AuditLog;
import org.communityplatform.core.auth.ApiTokens;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The operations of the core contract, answered by the gateway node itself. The API token routes
 * act only in the caller's organisation ({@code req.org()}, decided by the gateway from the token),
 * and each creation or revocation is written to the audit log in the same transaction.
 */
final class CoreOperations {

  private final ApiTokens tokens;
  private final AuditLog audit;
  private final Pool pool;
  private final Clock clock;

  CoreOperations(ApiTokens tokens, AuditLog audit, Pool pool, Clock clock) {
    this.tokens = tokens;
    this.audit = audit;
    this.pool = pool;
    this.clock = clock;
  }

  Map<String, Function<ApiRequest, Future<ApiReply>>> handlers() {
    Map<String, Function<ApiRequest, Future<ApiReply>>> map = new HashMap<>();
    map.put("health", req -> Future.succeededFuture(ApiReply.ok(new JsonObject()
      .put("status", "ok").put("timestamp", Instant.now(clock).toString()))));
    map.put("listApiTokens", req -> {
      requireAdmin(req);
      return tokens.list(req.org()).map(ApiReply::ok);
    });
    map.put("createApiToken", req -> {
      String admin = requireAdmin(req);
      String name = req.body().getString("name");
      return pool.withTransaction(conn -> tokens.create(conn, req.org(), name, admin)
          .compose(created -> audit.append(conn, AuditEntry.of(req.org(), "api_token.created").actor(admin)
              .target("api_token", created.getString("id")).after(new JsonObject().put("name", name))
              .reqId(req.reqId()))
            .map(created)))
        .map(ApiReply::created);
    });
    map.put("revokeApiToken", req -> {
      String admin = requireAdmin(req);
      UUID id = ApiRequest.uuidOr404(req.pathParam("tokenId"), "API token");
      return pool.withTransaction(conn -> tokens.revoke(conn, req.org(), id).compose(revoked -> {
          if (revoked == null) {
            return Future.failedFuture(ApiError.notFound("API token not found"));
          }
          return audit.append(conn, AuditEntry.of(req.org(), "api_token.revoked").actor(admin)
              .target("api_token", id.toString()).before(new JsonObject().put("name", revoked.getString("name")))
              .reqId(req.reqId()))
            .map(revoked.getString("hash"));
        }))
        .map(hash -> {
          tokens.forget(hash);
          return ApiReply.ok(new JsonObject().put("id", id.toString()).put("revoked", true));
        });
    });
    return map;
  }

  /** The caller's user id when they are an admin of the request's organisation; 401/403 otherwise. */
  private static String requireAdmin(ApiRequest req) {
    String me = req.requireUser();
    if (req.principal().getBoolean("apiToken", false) || !req.hasRole("admin")) {
      throw ApiError.forbidden("only an organisation admin may manage API tokens");
    }
    return me;
  }
}
