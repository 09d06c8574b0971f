package org.communityplatform.core.cluster;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.VerticleFactory;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Creates module verticles by name, {@code platform-module:<module>}, which is what Vert.x HA needs:
 * it records HA deployments by verticle name and, when their node dies, deploys that name again on
 * a surviving node of the group. There the module's migrations are checked first (a no-op when the
 * shared database has them), then the verticle gets this node's context (pool, auth, config).
 */
public final class ModuleVerticleFactory implements VerticleFactory {

  public static final String PREFIX = "platform-module";

  private final Map<String, PlatformModule> modules;
  private final Function<String, ModuleContext> contexts;
  private final Function<PlatformModule, Future<?>> prepare;
  private final Map<String, Integer> created = new ConcurrentHashMap<>();

  /**
   * @param modules  every module on the classpath, by name
   * @param contexts the context a module's verticles get on this node
   * @param prepare  run before a module is deployed here (its migrations)
   */
  public ModuleVerticleFactory(Map<String, PlatformModule> modules, Function<String, ModuleContext> contexts,
                               Function<PlatformModule, Future<?>> prepare) {
    this.modules = modules;
    this.contexts = contexts;
    this.prepare = prepare;
  }

  /** The verticle name of a module. */
  public static String verticleName(String module) {
    return PREFIX + ":" + module;
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void createVerticle2(String verticleName, ClassLoader classLoader, Promise<Callable<? extends Deployable>> promise) {
    String name = VerticleFactory.removePrefix(verticleName);
    PlatformModule module = modules.get(name);
    if (module == null) {
      promise.fail("no module named '" + name + "' on this node's classpath");
      return;
    }
    prepare.apply(module).onComplete(ar -> {
      if (ar.failed()) {
        promise.fail(ar.cause());
        return;
      }
      ModuleContext ctx = contexts.apply(name);
      promise.complete(() -> {
        created.merge(name, 1, Integer::sum);
        return module.createVerticle(ctx);
      });
    });
  }

  /** Verticle instances of {@code module} this factory has created on this node (own and taken over). */
  public int instancesCreated(String module) {
    return created.getOrDefault(module, 0);
  }
}
