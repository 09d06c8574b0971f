package org.communityplatform.chatsync;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/**
 * Chat sync: keeps Stream Chat channels in step with communities and groups (issue 17, after the
 * community-cloud document's promise that each community and group has its channel). It follows
 * the event log, records each change for Stream as a step in PostgreSQL, and carries the steps out
 * through Stream's server-side REST API, at least once, on one node of a cluster.
 */
public final class ChatSyncModule implements PlatformModule {

  @Override
  public String name() {
    return "chatsync";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new ChatSyncVerticle(context);
  }
}
