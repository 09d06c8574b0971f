package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The operations of the core contract, answered by the gateway node itself. */
final class CoreOperations {

  private final PlatformAuth auth;
  private final Clock clock;

  CoreOperations(PlatformAuth auth, Clock clock) {
    this.auth = auth;
    this.clock = clock;
  }

  Map<String, Function<ApiRequest, Future<ApiReply>>> handlers() {
    Map<String, Function<ApiRequest, Future<ApiReply>>> map = new HashMap<>();
    map.put("health", req -> Future.succeededFuture(ApiReply.ok(new JsonObject()
      .put("status", "ok").put("timestamp", Instant.now(clock).toString())
      .put("version", org.communityplatform.core.ops.BuildInfo.current().version())
      .put("commit", org.communityplatform.core.ops.BuildInfo.current().commit()))));
    map.put("listApiTokens", req -> {
      requireAdmin(req);
      return auth.listApiTokens(req.org()).map(ApiReply::ok);
    });
    map.put("createApiToken", req -> {
      requireAdmin(req);
      return auth.createApiToken(req.org(), req.body().getString("name"), req.userId()).map(ApiReply::created);
    });
    map.put("revokeApiToken", req -> {
      requireAdmin(req);
      return auth.revokeApiToken(req.org(), ApiRequest.uuidOr404(req.pathParam("tokenId"), "API token"))
        .map(ok -> {
          if (!ok) {
            throw ApiError.notFound("API token not found");
          }
          return ApiReply.ok(new JsonObject().put("id", req.pathParam("tokenId")).put("revoked", true));
        });
    });
    return map;
  }

  private static void requireAdmin(ApiRequest req) {
    req.requireUser();
    if (!req.hasRole("admin")) {
      throw ApiError.forbidden("only an organisation admin may manage API tokens");
    }
  }
}
