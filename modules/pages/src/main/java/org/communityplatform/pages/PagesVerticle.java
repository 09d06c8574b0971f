package org.communityplatform.pages;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

import java.util.Set;
import java.util.function.Consumer;

/** Serves the page operations of the contract and the module's internal addresses over the bus. */
final class PagesVerticle extends ApiVerticle {

  private final ModuleContext ctx;
  private Env env;

  PagesVerticle(ModuleContext ctx) {
    this.ctx = ctx;
  }

  @Override
  protected String moduleName() {
    return "pages";
  }

  @Override
  protected Future<?> setUp() {
    Settings settings = new Settings(ctx.config());
    env = new Env(ctx, settings, this::publish, this::ask);
    return Future.succeededFuture();
  }

  @Override
  protected long askTimeoutMs() {
    return env.settings.lookupTimeoutMs;
  }

  @Override
  protected void register() {
    InvitationOps invitations = new InvitationOps(env);
    // operations where a waiting invitation of the caller's email must count at once
    Set<String> attaching = Set.of("joinPage", "getPage", "listMyPages");
    Env.Registry registry = new Env.Registry() {
      @Override
      public void op(String operationId, Operation handler) {
        operation(operationId, !attaching.contains(operationId) ? handler
          : req -> invitations.attachFor(req).compose(x -> {
            try {
              return handler.handle(req);
            } catch (Exception e) {
              return Future.failedFuture(e);
            }
          }));
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
    new PageOps(env).register(registry);
    new MembershipOps(env).register(registry);
    invitations.register(registry);
    new PostOps(env).register(registry);
    new InternalOps(env).register(registry);
  }
}
