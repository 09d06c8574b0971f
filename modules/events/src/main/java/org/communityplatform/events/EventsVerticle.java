package org.communityplatform.events;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves the event history and webhook management over the bus, and runs this node's share of the
 * background work: webhook fan-out and sending, and the retention purge. The live streams are not
 * here: the gateway node serves them itself ({@link StreamOps}).
 */
final class EventsVerticle extends ApiVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(EventsVerticle.class);

  private final Settings settings;
  private EventStore store;
  private WebhookWorker worker;
  private WebhookOps webhooks;
  private final List<Long> timers = new ArrayList<>();

  EventsVerticle(ModuleContext ctx, Settings settings) {
    super(ctx);
    this.settings = settings;
  }

  @Override
  protected Future<?> setUp() {
    store = new EventStore(ctx.pool());
    TargetGuard guard = new TargetGuard(vertx, settings.allowPrivateTargets());
    worker = new WebhookWorker(vertx, ctx, settings, guard);
    timers.add(vertx.setPeriodic(settings.webhookPollMs(), id -> worker.tick()));
    timers.add(vertx.setPeriodic(settings.purgeIntervalSeconds() * 1000, id -> purge()));
    webhooks = new WebhookOps(ctx, new WebhookStore(ctx.pool()), guard, settings);
    // webhooks see what happens from the module's first start on: the position is set before it serves
    return worker.startPosition();
  }

  @Override
  protected void register() {
    webhooks.register(this::operation);
    operation("listEvents", req -> {
      Viewer viewer = Viewer.of(req);
      EventStore.Filter filter = Queries.filter(req.query());
      Long after = Queries.eventId(req.queryString("after"), "after");
      int limit = req.queryInt("limit", 100);
      Visibility visibility = new Visibility(vertx, settings.visibilityTimeoutMs());
      return store.resolve(viewer.org(), after == null ? 0 : after)
        .compose(pos -> store.page(viewer.org(), pos, filter, limit))
        .compose(page -> {
          List<Future<Boolean>> checks = new ArrayList<>();
          page.events().forEach(e -> checks.add(visibility.visible(viewer, e)));
          return Future.join(checks).transform(x -> {
            JsonArray data = new JsonArray();
            for (int i = 0; i < checks.size(); i++) {
              if (checks.get(i).succeeded() && checks.get(i).result()) {
                data.add(page.events().get(i));
              }
            }
            // more may follow only when the page is full; the cursor passes events hidden from this caller too
            String next = page.events().size() < limit ? null : String.valueOf(page.last().id());
            return Future.succeededFuture(ApiReply.ok(new JsonObject().put("data", data).put("nextCursor", next)));
          });
        });
    });
  }

  /** Removes events past the retention, batch by batch, while this node holds the purge lock. */
  private void purge() {
    store.purge(ctx.clock().instant().minus(Duration.ofDays(settings.retentionDays())), settings.purgeBatch())
      .onSuccess(n -> {
        if (n >= settings.purgeBatch()) {
          vertx.runOnContext(v -> purge());
        } else if (n > 0) {
          LOG.info("event log: removed events older than {} days", settings.retentionDays());
        }
      })
      .onFailure(e -> LOG.warn("event log purge failed: {}", e.toString()));
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    if (worker != null) {
      worker.close();
    }
    return super.stop();
  }
}
