package org.communityplatform.profiles;

import io.vertx.core.Future;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;

/** Serves the profiles operations of the contract and the module's internal addresses over the bus. */
final class ProfilesVerticle extends ApiVerticle {

  private final ProfilesSettings settings;
  private Env env;
  private ProfileCache cache;

  ProfilesVerticle(ModuleContext ctx, ProfilesSettings settings) {
    super(ctx);
    this.settings = settings;
  }

  @Override
  protected Future<?> setUp() {
    ProfilesStore store = new ProfilesStore(ctx.pool(), ctx.clock());
    DirectoryStore directory = new DirectoryStore(ctx.pool());
    AccountStore accounts = new AccountStore(ctx.pool(), store, directory);
    cache = new ProfileCache(vertx, ctx.pool(), settings.profileCacheSize);
    env = new Env(vertx, settings, store, accounts, directory, cache, ctx, this::publish, this::ask);
    return (settings.firstAdmin.isEmpty() ? Future.succeededFuture()
      : store.promoteFirstAdmin(settings.firstAdminOrg, settings.firstAdmin)).compose(x -> cache.start());
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> cache == null ? Future.succeededFuture() : cache.close());
  }

  @Override
  protected void register() {
    Env.Registry ops = this::operation;
    new AccountOps(env).register(ops);
    new OwnProfileOps(env).register(ops);
    new ProfileOps(env).register(ops);
    new PeopleOps(env).register(ops);
    new InternalOps(env).register(this::internal);
  }
}
