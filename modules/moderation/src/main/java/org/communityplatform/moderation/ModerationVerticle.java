package org.communityplatform.moderation;

import io.vertx.core.Future;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

/** Serves the moderation module's operations over the bus; the work is in the *Ops classes. */
final class ModerationVerticle extends ApiVerticle {

  private Env env;
  private long askTimeoutMs = 5000;

  ModerationVerticle(ModuleContext ctx) {
    super(ctx);
  }

  @Override
  protected long askTimeoutMs() {
    return askTimeoutMs;
  }

  @Override
  protected Future<?> setUp() {
    // a setting out of range throws: ApiVerticle fails the deployment with it
    Settings settings = new Settings(ctx.config());
    askTimeoutMs = settings.askTimeoutMs;
    env = new Env(ctx.pool(), new Places(this::ask), ctx.events(), ctx.audit(), ctx.throttle(), ctx.clock(), settings);
    return Future.succeededFuture();
  }

  @Override
  protected void register() {
    Env.Registry registry = this::operation;
    new ReportOps(env).register(registry);
    new QueueOps(env).register(registry);
    new AuditOps(env).register(registry);
  }
}
