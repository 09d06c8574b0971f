package org.communityplatform.communities;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/**
 * Communities: the community model (plain, administrative and join APIs over the same rows),
 * members and roles, invites, join requests, groups, posts and the chat token.
 */
public final class CommunitiesModule implements PlatformModule {

  @Override
  public String name() {
    return "communities";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new CommunitiesVerticle(context);
  }
}
