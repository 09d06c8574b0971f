package org.communityplatform.events;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One live stream client (SSE or WebSocket): it first replays the log from where the client left
 * off, then continues with the hub's batches, skipping anything at or before its position, so the
 * client gets every event it may see exactly once and in log order.
 *
 * <p>Runs on the connection's own event loop; the hub's batches hop onto it and queue behind the
 * replay. A client too slow to drain its socket is disconnected (it resumes with its last id).
 */
final class Connection implements Hub.Listener {

  /** Where events go: an SSE response or a WebSocket. */
  interface Sink {
    /** Event {@code i} of {@code batch}, whose encodings are made once per batch and shared by every client. */
    void event(EventStore.Batch batch, int i);

    boolean full();

    /** Completes once the socket has room again. */
    Future<Void> drained();

    void close();
  }

  private static final int REPLAY_PAGE = 500;

  private final Context context;
  private final Hub hub;
  private final EventStore store;
  private final Viewer viewer;
  private final EventStore.Filter filter;
  private final Sink sink;
  private final long visibilityTimeoutMs;
  private final BooleanSupplier allowed;
  private final Runnable deny;
  private EventStore.Pos pos;
  private Future<Void> tail;
  private boolean closed;

  Connection(Context context, Hub hub, EventStore store, Viewer viewer, EventStore.Filter filter, Sink sink,
             long visibilityTimeoutMs, BooleanSupplier allowed, Runnable deny) {
    this.allowed = allowed;
    this.deny = deny;
    this.context = context;
    this.hub = hub;
    this.store = store;
    this.viewer = viewer;
    this.filter = filter;
    this.sink = sink;
    this.visibilityTimeoutMs = visibilityTimeoutMs;
  }

  /**
   * Starts the connection: after {@code resume} (replayed from the log first), or live from the
   * hub's head when {@code resume} is null. Call on the connection's loop.
   */
  Future<Void> start(EventStore.Pos resume) {
    Promise<Void> started = Promise.promise();
    tail = started.future();
    hub.add(this).onComplete(ar -> context.runOnContext(x -> {
      if (ar.failed()) {
        started.fail(ar.cause());
        return;
      }
      if (resume == null) {
        pos = ar.result();
        started.complete();
      } else {
        pos = resume;
        replay().onComplete(started);
      }
    }));
    return started.future();
  }

  @Override
  public void shutdown() {
    context.runOnContext(v -> {
      closed = true;
      hub.remove(this);
      sink.close();
    });
  }

  /** Ends the connection (socket closed). */
  void stop() {
    closed = true;
    hub.remove(this);
  }

  @Override
  public void offer(EventStore.Batch batch, Visibility visibility) {
    context.runOnContext(v -> {
      if (!closed && !allowed.getAsBoolean()) {
        // the credential expired since the last batch: end the stream rather than deliver more
        closed = true;
        deny.run();
      } else if (!closed) {
        tail = tail.compose(x -> deliver(batch, visibility, true), err -> Future.failedFuture(err));
      }
    });
  }

  /** Reads the log page by page from {@code pos} until it has caught up. */
  private Future<Void> replay() {
    if (closed) {
      return Future.succeededFuture();
    }
    return store.page(viewer.org(), pos, filter, REPLAY_PAGE).compose(page ->
      deliver(page, new Visibility(context.owner(), visibilityTimeoutMs), false)
        .compose(v -> sink.full() ? sink.drained() : Future.succeededFuture())
        .compose(v -> page.events().size() < REPLAY_PAGE ? Future.succeededFuture() : replay()));
  }

  /** Writes the events of {@code batch} after {@code pos} that this viewer may see, in order. */
  private Future<Void> deliver(EventStore.Batch batch, Visibility visibility, boolean live) {
    List<Future<Boolean>> checks = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < batch.events().size(); i++) {
      JsonObject e = batch.events().get(i);
      if (batch.positions().get(i).after(pos) && viewer.org().equals(e.getString("org")) && filter.matches(e)) {
        checks.add(visibility.visible(viewer, e));
        index.add(i);
      }
    }
    EventStore.Pos last = batch.last();
    if (checks.isEmpty()) {
      if (last != null && last.after(pos)) {
        pos = last;
      }
      return Future.succeededFuture();
    }
    if (Vertx.currentContext() == context && checks.stream().allMatch(Future::isComplete)) {
      // answered already (API tokens, public subjects, cached questions): no hop through the loop's queue
      write(batch, checks, index, live);
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    Future.join(checks).onComplete(ar -> context.runOnContext(v -> {
      write(batch, checks, index, live);
      done.complete();
    }));
    return done.future();
  }

  /** Writes the visible events among the checked ones and moves the position past the batch. On the connection's loop. */
  private void write(EventStore.Batch batch, List<Future<Boolean>> checks, List<Integer> index, boolean live) {
    for (int k = 0; k < checks.size() && !closed; k++) {
      Future<Boolean> c = checks.get(k);
      if (c.succeeded() && c.result()) {
        sink.event(batch, index.get(k));
      }
    }
    EventStore.Pos last = batch.last();
    if (last.after(pos)) {
      pos = last;
    }
    if (live && sink.full() && !closed) {
      // the client does not keep up: let it go; it resumes from its last id without loss
      sink.close();
    }
  }
}
