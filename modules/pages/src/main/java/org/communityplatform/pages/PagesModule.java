package org.communityplatform.pages;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/** Pages: an organisation's shared spaces with members, invitations, posts and announcements. */
public final class PagesModule implements PlatformModule {

  @Override
  public String name() {
    return "pages";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new PagesVerticle(context);
  }
}
