package org.communityplatform.moderation;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/**
 * Moderation: reports of posts, page posts and members, the moderation queue of each community and
 * page, resolutions carried out through the communities and pages modules, and the organisation's
 * audit log read and verified by its admins (issue 14).
 */
public final class ModerationModule implements PlatformModule {

  @Override
  public String name() {
    return "moderation";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    return new ModerationVerticle(context);
  }
}
