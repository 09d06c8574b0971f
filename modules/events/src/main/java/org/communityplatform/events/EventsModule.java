package org.communityplatform.events;

import io.vertx.core.Deployable;
import io.vertx.pgclient.PgConnectOptions;
import org.communityplatform.core.module.GatewayOperations;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/**
 * The event log, served three ways (docs/EVENTS.md): history ({@code GET /api/events}), live streams
 * (SSE and WebSocket, served on each gateway node) and signed, retried webhooks.
 */
public final class EventsModule implements PlatformModule {

  @Override
  public String name() {
    return "events";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new EventsVerticle(context, Settings.from(context.config()));
  }

  @Override
  public GatewayOperations gatewayOperations(ModuleContext context, PgConnectOptions db) {
    Settings settings = Settings.from(context.config());
    EventStore store = new EventStore(context.pool());
    return new StreamOps(context.vertx(), new Hub(store, db, settings), store, settings, context.auth(), context.clock(),
      Origins.from(context.platformConfig()));
  }
}
