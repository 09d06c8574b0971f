package org.communityplatform.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one way to ask another module over the event bus (request/reply), for code that is not an
 * {@link ApiVerticle} (for example a module's stream served on the gateway node, see
 * {@code GatewayOperations}); verticles use {@link ApiVerticle#ask} which calls this. Messages and
 * replies travel with {@link LocalJsonCodec} (no copy on one node).
 */
public final class BusCalls {

  private BusCalls() {
  }

  /**
   * Sends {@code message} to {@code address} and waits at most {@code timeoutMs} ms (&gt; 0) for the
   * reply. The future fails with the {@link ApiError} the other side answered, 503 when no node serves
   * the address, 504 on time-out ({@link ApiError#from}); a reply that is not a JSON object reads as
   * an empty one.
   */
  public static Future<JsonObject> ask(Vertx vertx, String address, JsonObject message, long timeoutMs) {
    return request(vertx, address, message, timeoutMs).recover(err -> Future.failedFuture(ApiError.from(err)));
  }

  /**
   * Same as {@link #ask} for an optional partner module: when no node serves the address the answer is
   * {@code absent}; every other failure fails as in {@link #ask}.
   */
  public static Future<JsonObject> askIfRunning(Vertx vertx, String address, JsonObject message, long timeoutMs,
                                                JsonObject absent) {
    return request(vertx, address, message, timeoutMs).recover(err ->
      err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.NO_HANDLERS
        ? Future.succeededFuture(absent) : Future.failedFuture(ApiError.from(err)));
  }

  private static Future<JsonObject> request(Vertx vertx, String address, JsonObject message, long timeoutMs) {
    return vertx.eventBus().<Object>request(address, message, LocalJsonCodec.options().setSendTimeout(timeoutMs))
      .map(reply -> reply.body() instanceof JsonObject ? (JsonObject) reply.body() : new JsonObject());
  }
}
