package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;

/**
 * The few calls of Stream Chat's server-side REST API the sync needs, on vertx-web-client (never
 * blocking an event loop). Every request carries the {@code api_key} query parameter, a server token
 * in {@code Authorization} (a JWT signed HS256 with the secret, payload {@code {"server": true}}) and
 * {@code stream-auth-type: jwt}, as Stream's server authentication asks.
 *
 * <p>A call succeeds on a 2xx answer; anything else (another status, no answer within
 * {@code requestTimeoutMs}, no connection) fails with a {@link StreamFailure} that tells its status and
 * Stream's Retry-After, if any.
 */
final class StreamClient {

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final WebClient web;
  private final Settings settings;
  private final String serverToken;

  StreamClient(Vertx vertx, Settings settings) {
    this.settings = settings;
    this.web = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.requestTimeoutMs))
      .setUserAgent("community-platform-chatsync"));
    this.serverToken = serverToken(settings.secret);
  }

  /** A server token: a JWT signed HS256 with {@code secret}, payload {@code {"server": true}}. */
  static String serverToken(String secret) {
    String input = B64URL.encodeToString(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode()
      .getBytes(StandardCharsets.UTF_8)) + "." + B64URL.encodeToString(new JsonObject().put("server", true).encode()
      .getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code POST /users}: creates or replaces users, each {@code {id, name?}} (at most 100 per call). */
  Future<JsonObject> upsertUsers(List<JsonObject> users) {
    JsonObject byId = new JsonObject();
    users.forEach(u -> byId.put(u.getString("id"), u));
    return call(HttpMethod.POST, "/users", new JsonObject().put("users", byId));
  }

  /**
   * {@code POST /channels/{type}/{id}/query}: gets the channel, creating it with {@code data}
   * ({@code created_by_id}, {@code name}, {@code members}) when it does not exist yet.
   */
  Future<JsonObject> getOrCreateChannel(String type, String id, JsonObject data) {
    return call(HttpMethod.POST, channel(type, id) + "/query", new JsonObject().put("data", data).put("state", false));
  }

  /** {@code POST /channels/{type}/{id}} with {@code add_members}. */
  Future<JsonObject> addMembers(String type, String id, JsonArray userIds) {
    return call(HttpMethod.POST, channel(type, id), new JsonObject().put("add_members", userIds));
  }

  /** {@code POST /channels/{type}/{id}} with {@code remove_members}. */
  Future<JsonObject> removeMembers(String type, String id, JsonArray userIds) {
    return call(HttpMethod.POST, channel(type, id), new JsonObject().put("remove_members", userIds));
  }

  /** {@code PATCH /channels/{type}/{id}} with {@code set}: changes only the fields named (the name). */
  Future<JsonObject> updateChannel(String type, String id, JsonObject set) {
    return call(HttpMethod.PATCH, channel(type, id), new JsonObject().put("set", set));
  }

  /** {@code DELETE /channels/{type}/{id}}. */
  Future<JsonObject> deleteChannel(String type, String id) {
    return call(HttpMethod.DELETE, channel(type, id), null);
  }

  void close() {
    web.close();
  }

  private static String channel(String type, String id) {
    return "/channels/" + type + "/" + id;
  }

  private Future<JsonObject> call(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> req = web.requestAbs(method, settings.baseUrl + path)
      .addQueryParam("api_key", settings.apiKey)
      .putHeader("Authorization", serverToken)
      .putHeader("stream-auth-type", "jwt")
      .timeout(settings.requestTimeoutMs);
    Future<HttpResponse<Buffer>> sent = body == null ? req.send() : req.sendJsonObject(body);
    return sent.recover(err -> Future.failedFuture(new StreamFailure(0, "no answer from Stream: " + err.getMessage(), 0)))
      .compose(res -> {
        if (res.statusCode() / 100 == 2) {
          Buffer b = res.body();
          try {
            return Future.succeededFuture(b == null || b.length() == 0 ? new JsonObject() : new JsonObject(b));
          } catch (RuntimeException e) {
            return Future.succeededFuture(new JsonObject());
          }
        }
        return Future.failedFuture(StreamFailure.of(res));
      });
  }
}
