package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.cluster.ModuleVerticleFactory;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.ModuleLoader;
import org.communityplatform.core.module.PlatformModule;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The modules of one node once the platform's services exist: the context each module is given, their
 * deployment (by name through a verticle factory under Vert.x HA), the modules whose routes the gateway
 * serves, and how many instances of each run here.
 */
final class ModuleDeployment {

  private final Platform platform;
  private final ModuleLoader modules;
  private ModuleVerticleFactory factory;

  ModuleDeployment(Platform platform, ModuleLoader modules) {
    this.platform = platform;
    this.modules = modules;
  }

  /** The context of module {@code name}: its own config section plus the platform's shared services. */
  ModuleContext context(String name) {
    JsonObject config = platform.config();
    return new ModuleContext(name, platform.vertx(), platform.database().pool(),
      config.getJsonObject("modules").getJsonObject(name, new JsonObject()), config, platform.auth(), platform.clock(),
      platform.outbox(), platform.events(), platform.audit(), platform.throttle());
  }

  /**
   * Deploys this node's modules. With Vert.x HA they are deployed by name through a verticle
   * factory, so that a surviving node of the HA group can deploy them again when this one dies.
   */
  Future<Void> deploy() {
    var cluster = platform.cluster();
    if (cluster == null || !cluster.settings().ha()) {
      return modules.deploy(platform.vertx(), this::context);
    }
    Map<String, PlatformModule> all = new LinkedHashMap<>();
    modules.modules().forEach((name, s) -> all.put(name, s.module));
    factory = new ModuleVerticleFactory(all, this::context, m -> {
      ModuleLoader.ModuleState s = modules.modules().get(m.name());
      // a module this node runs was migrated at start-up; one taken over from a dead node is checked now
      return s.enabled || m.migrations() == null ? Future.succeededFuture() : platform.database().migrate(m.name(), m.migrations());
    });
    platform.vertx().registerVerticleFactory(factory);
    return modules.deployByName(platform.vertx(), ModuleVerticleFactory::verticleName, true);
  }

  /**
   * The modules whose routes the gateway serves: on a single node those it runs; in a cluster
   * every module on the classpath, wherever it runs (the bus finds it, or answers 503).
   */
  Collection<ModuleLoader.ModuleState> routed() {
    return platform.cluster() == null ? modules.enabled() : modules.modules().values();
  }

  /** Instances of a module deployed at start-up on this node (0 when it does not run here). */
  int ownInstances(ModuleLoader.ModuleState s) {
    return s.deploymentId != null ? s.instances : 0;
  }

  /** Instances of a module this node took over from a dead node of its HA group. */
  int takenOver(ModuleLoader.ModuleState s) {
    return factory == null ? 0 : Math.max(0, factory.instancesCreated(s.module.name()) - ownInstances(s));
  }
}
