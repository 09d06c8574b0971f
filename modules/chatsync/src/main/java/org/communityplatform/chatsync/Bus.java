package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiVerticle;

/**
 * The verticle's requests to other modules as the sync engine uses them: {@link ApiVerticle}'s
 * {@code ask} and {@code askIfRunning}, waiting {@code modules.chatsync.requestTimeoutMs} for an answer.
 */
interface Bus {

  /** Request/reply; fails with the {@link org.communityplatform.core.bus.ApiError} of the other side. */
  Future<JsonObject> ask(String address, JsonObject message);

  /** Request/reply with {@code absent} as the answer when no node runs the module serving {@code address}. */
  Future<JsonObject> askIfRunning(String address, JsonObject message, JsonObject absent);
}
