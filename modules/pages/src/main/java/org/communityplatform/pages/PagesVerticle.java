package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.function.Consumer;

/** Serves the page operations of the contract and the module's internal addresses over the bus. */
final class PagesVerticle extends ApiVerticle {

  private Env env;

  PagesVerticle(ModuleContext ctx) {
    super(ctx);
  }

  @Override
  protected Future<?> setUp() {
    env = new Env(ctx, new Settings(ctx.config()), this::publish, this::ask);
    return Future.succeededFuture();
  }

  @Override
  protected long askTimeoutMs() {
    return env.settings.lookupTimeoutMs;
  }

  @Override
  protected void register() {
    Env.Registry registry = new Env.Registry() {
      @Override
      public void op(String operationId, Operation handler) {
        operation(operationId, handler);
      }

      @Override
      public void internal(String address, Internal handler) {
        PagesVerticle.this.internal(address, handler);
      }

      @Override
      public void on(String address, Consumer<JsonObject> handler) {
        PagesVerticle.this.on(address, handler);
      }
    };
    ModerationOps moderation = new ModerationOps(env);
    new PageOps(env).register(registry);
    new MembershipOps(env).register(registry);
    new InvitationOps(env).register(registry);
    new PostOps(env).register(registry);
    moderation.register(registry);
    new InternalOps(env, moderation).register(registry);
  }
}
