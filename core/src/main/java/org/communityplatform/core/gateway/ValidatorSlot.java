package org.communityplatform.core.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.util.List;

/**
 * The {@link OperationValidator} of one operation, built on a worker thread when first needed
 * instead of before the server listens. Building the validators of a hundred operations takes
 * about a second of CPU (each copies the schema repository's index); a node that builds them lazily
 * serves its first request that second earlier, and {@link #prebuild} builds the rest one at a time
 * in the background right after. Never builds on an event loop. Thread-safe: the routes of one
 * operation run on every event loop.
 */
final class ValidatorSlot {

  private final Vertx vertx;
  private final OpenAPIContract contract;
  private final Operation operation;
  private volatile Future<OperationValidator> built;
  private volatile OperationValidator ready;

  ValidatorSlot(Vertx vertx, OpenAPIContract contract, Operation operation) {
    this.vertx = vertx;
    this.contract = contract;
    this.operation = operation;
  }

  /**
   * The validator; completes at once after the first build, which runs on a worker (unordered).
   * While the build runs, the caller's continuation is handed back to the caller's own context (a
   * request's event loop and its request-scoped data, such as the request id of its log lines), not
   * run on whichever context started the build.
   */
  Future<OperationValidator> get() {
    OperationValidator v = ready;
    if (v != null) {
      // a future of no context: the caller's continuation runs right here (a completed future of the
      // build's context would dispatch it onto that context instead)
      return Future.succeededFuture(v);
    }
    Future<OperationValidator> f = build();
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return f;
    }
    Promise<OperationValidator> here = Promise.promise();
    f.onComplete(ar -> caller.runOnContext(x -> here.handle(ar)));
    return here.future();
  }

  private Future<OperationValidator> build() {
    Future<OperationValidator> f = built;
    if (f != null) {
      return f;
    }
    synchronized (this) {
      if (built == null) {
        Future<OperationValidator> started = vertx.executeBlocking(() -> new OperationValidator(contract, operation), false);
        built = started;
        started.onComplete(ar -> {
          if (ar.succeeded()) {
            ready = ar.result();
          } else {
            synchronized (this) {
              // not kept: the next request tries again rather than failing until a restart
              built = null;
            }
          }
        });
      }
      return built;
    }
  }

  /**
   * Builds every slot's validator, one after another (a request's own build still starts at once),
   * so that a freshly started node does not spend the cores on all of them together. The future
   * completes when all were tried; it fails with the last failure when one failed (that slot is
   * tried again by its next request). Once {@code stopping} answers true, no further build starts.
   */
  static Future<Void> prebuild(List<ValidatorSlot> slots, java.util.function.BooleanSupplier stopping) {
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Future<?> chain = Future.succeededFuture();
    for (ValidatorSlot s : slots) {
      // a stopping node starts no more builds (a build still running when Vert.x closes fails noisily)
      chain = chain.compose(x -> stopping.getAsBoolean() ? Future.succeededFuture() : s.build().<Void>mapEmpty().recover(err -> {
        failed.set(err);
        return Future.succeededFuture();
      }));
    }
    return chain.compose(x -> failed.get() == null ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(failed.get()));
  }
}
