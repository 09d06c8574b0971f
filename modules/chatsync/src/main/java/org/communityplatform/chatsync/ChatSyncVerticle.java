package org.communityplatform.chatsync;

import io.vertx.core.Future;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves the sync's operator routes and, when Stream keys are set, runs the sync engine (which acts
 * only while this node holds the leader lock). Without keys nothing is read, queued or sent.
 */
final class ChatSyncVerticle extends ApiVerticle {

  private final ModuleContext ctx;
  private Settings settings;
  private SyncStore store;
  private StreamClient stream;
  private SyncLeader leader;
  private Backfill backfill;

  ChatSyncVerticle(ModuleContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected String moduleName() {
    return "chatsync";
  }

  @Override
  protected Future<?> setUp() {
    try {
      settings = new Settings(ctx.platformConfig(), ctx.config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    store = new SyncStore(ctx.pool());
    Planner planner = new Planner(store, settings);
    backfill = new Backfill(vertx, store, planner, settings, ctx.clock());
    if (settings.configured()) {
      stream = new StreamClient(vertx, settings);
      StepRunner runner = new StepRunner(vertx, store, stream, settings, ctx.clock());
      leader = new SyncLeader(vertx, store, planner, runner, settings, ctx.clock());
    }
    return Future.succeededFuture();
  }

  @Override
  protected void register() {
    new AdminOps(vertx, store, settings, backfill, ctx.clock()).register(this::operation);
    if (leader != null) {
      on(AdminOps.WAKE, msg -> leader.wake());
      leader.start();
    }
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> done = new ArrayList<>();
    done.add(super.stop());
    if (leader != null) {
      done.add(leader.stop());
    }
    return Future.join(done).onComplete(x -> {
      if (stream != null) {
        stream.close();
      }
    });
  }
}
