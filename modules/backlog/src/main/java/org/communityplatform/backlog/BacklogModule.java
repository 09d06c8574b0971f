package org.communityplatform.backlog;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/** The product backlog: items any client session logs and tracks. */
public final class BacklogModule implements PlatformModule {

  @Override
  public String name() {
    return "backlog";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new BacklogVerticle(context, new BacklogStore(context.pool(), context.clock(), context.events()));
  }
}
