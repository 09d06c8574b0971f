package org.communityplatform.moderation;

import io.vertx.core.Future;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

/** Serves the moderation module's operations over the bus; the work is in the *Ops classes. */
final class ModerationVerticle extends ApiVerticle {

  private final ModuleContext ctx;
  private Env env;
  private long askTimeoutMs = 5000;

  ModerationVerticle(ModuleContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected String moduleName() {
    return "moderation";
  }

  @Override
  protected long askTimeoutMs() {
    return askTimeoutMs;
  }

  @Override
  protected Future<?> setUp() {
    Settings settings;
    try {
      settings = new Settings(ctx.config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
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
