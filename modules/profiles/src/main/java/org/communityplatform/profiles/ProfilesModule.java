package org.communityplatform.profiles;

import io.vertx.core.Deployable;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/** Users and community profiles: identity, registration, sign-in, own profile, images, relationships, people. */
public final class ProfilesModule implements PlatformModule {

  @Override
  public String name() {
    return "profiles";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    ProfilesSettings settings = ProfilesSettings.from(context.config());
    return new ProfilesVerticle(context, settings);
  }
}
