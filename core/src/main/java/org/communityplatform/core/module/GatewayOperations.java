package org.communityplatform.core.module;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.communityplatform.core.bus.ApiRequest;

import java.util.Map;

/**
 * Operations a module serves itself on every gateway node, outside the request/reply bus dispatch:
 * long-lived answers such as Server-Sent Events or WebSocket upgrades, which a bus reply cannot carry.
 *
 * <p>Each operation is still declared in the module's contract (its operationId keys
 * {@link #operations()}), and the gateway still routes, authenticates and validates it exactly as
 * any other operation: the handler receives the {@link ApiRequest} envelope the bus would have
 * carried (organisation, principal, typed query) together with the raw {@link RoutingContext}, and
 * owns the response from then on.
 */
public interface GatewayOperations {

  /** Serves one operation: write to {@code ctx.response()}; a failed future before anything is written becomes the error answer. */
  @FunctionalInterface
  interface RawOperation {
    /**
     * @return a future completed when the answer is over (stream closed), or failed with an
     *   {@link org.communityplatform.core.bus.ApiError} to let the gateway answer in the error shape
     */
    Future<Void> serve(RoutingContext ctx, ApiRequest request);
  }

  /** The operations, keyed by operationId (each must exist in the module's contract). */
  Map<String, RawOperation> operations();

  /** Releases what the operations hold on this node (connections, listeners); called at shutdown. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
