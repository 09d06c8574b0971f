package org.communityplatform.chatsync;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Serves the sync's operator routes and, when Stream keys are set, runs the sync engine (which acts
 * only while this node holds the leader lock). Without keys nothing is read, queued or sent.
 */
final class ChatSyncVerticle extends ApiVerticle {

  private Settings settings;
  private SyncStore store;
  private StreamClient stream;
  private SyncLeader leader;
  private Backfill backfill;

  ChatSyncVerticle(ModuleContext ctx) {
    super(ctx);
  }

  @Override
  protected Future<?> setUp() {
    // a setting out of range throws: ApiVerticle fails the deployment with it
    settings = new Settings(ctx.platformConfig(), ctx.config());
    store = new SyncStore(ctx.pool());
    Planner planner = new Planner(store, settings);
    Bus bus = new Bus() {
      @Override
      public Future<JsonObject> ask(String address, JsonObject message) {
        return ChatSyncVerticle.this.ask(address, message);
      }

      @Override
      public Future<JsonObject> askIfRunning(String address, JsonObject message, JsonObject absent) {
        return ChatSyncVerticle.this.askIfRunning(address, message, absent);
      }
    };
    backfill = new Backfill(bus, store, planner, ctx.clock());
    if (settings.configured()) {
      stream = new StreamClient(vertx, settings);
      StepRunner runner = new StepRunner(bus, store, stream, settings, ctx.clock());
      leader = new SyncLeader(vertx, store, planner, runner, settings, ctx.clock());
    }
    return Future.succeededFuture();
  }

  /** Requests to communities and profiles wait {@code modules.chatsync.requestTimeoutMs}. */
  @Override
  protected long askTimeoutMs() {
    return settings.requestTimeoutMs;
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
