package org.communityplatform.core.module;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/** Finds modules with {@link ServiceLoader}, migrates and deploys those the configuration enables. */
public final class ModuleLoader {

  private static final Logger LOG = LoggerFactory.getLogger(ModuleLoader.class);
  private static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9]{0,30}$");

  /** A module's state on this node. */
  public static final class ModuleState {
    public final PlatformModule module;
    public final boolean enabled;
    public final int instances;
    public volatile String deploymentId;

    ModuleState(PlatformModule module, boolean enabled, int instances) {
      this.module = module;
      this.enabled = enabled;
      this.instances = instances;
    }

    public JsonObject toJson() {
      return new JsonObject().put("name", module.name())
        .put("state", !enabled ? "disabled" : deploymentId != null ? "deployed" : "not deployed")
        .put("instances", enabled ? instances : 0);
    }
  }

  private final Map<String, ModuleState> modules = new LinkedHashMap<>();

  public ModuleLoader(ClassLoader loader, JsonObject config) {
    JsonObject modConfig = config.getJsonObject("modules", new JsonObject());
    List<PlatformModule> found = new ArrayList<>();
    ServiceLoader.load(PlatformModule.class, loader).forEach(found::add);
    found.sort(Comparator.comparing(PlatformModule::name));
    for (PlatformModule m : found) {
      if (!NAME.matcher(m.name()).matches()) {
        throw new IllegalStateException("module name '" + m.name() + "' must be lower-case letters and digits");
      }
      if (modules.containsKey(m.name())) {
        throw new IllegalStateException("two modules are named '" + m.name() + "'");
      }
      JsonObject c = modConfig.getJsonObject(m.name(), new JsonObject());
      int instances = c.getInteger("instances", 1);
      if (instances < 1 || instances > 256) {
        throw new IllegalArgumentException("key 'modules." + m.name() + ".instances' must be between 1 and 256");
      }
      modules.put(m.name(), new ModuleState(m, c.getBoolean("enabled", true), instances));
    }
  }

  public Map<String, ModuleState> modules() {
    return modules;
  }

  public List<ModuleState> enabled() {
    List<ModuleState> list = new ArrayList<>();
    modules.values().forEach(s -> {
      if (s.enabled) {
        list.add(s);
      }
    });
    return list;
  }

  /** Runs every enabled module's migrations (in parallel: each owns its schema). */
  public Future<Void> migrate(Database db) {
    List<Future<?>> all = new ArrayList<>();
    for (ModuleState s : enabled()) {
      String location = s.module.migrations();
      if (location != null) {
        all.add(db.migrate(s.module.name(), location).onSuccess(n -> {
          if (n > 0) {
            LOG.info("module {}: applied {} migration(s)", s.module.name(), n);
          }
        }));
      }
    }
    return Future.all(all).mapEmpty();
  }

  /** Deploys the enabled modules; logs one line per module. */
  public Future<Void> deploy(Vertx vertx, java.util.function.Function<String, ModuleContext> contexts) {
    List<Future<?>> all = new ArrayList<>();
    for (ModuleState s : modules.values()) {
      if (!s.enabled) {
        LOG.info("module {}: disabled", s.module.name());
        continue;
      }
      ModuleContext ctx = contexts.apply(s.module.name());
      all.add(vertx.deployVerticle(() -> s.module.createVerticle(ctx), new DeploymentOptions().setInstances(s.instances))
        .onSuccess(id -> {
          s.deploymentId = id;
          LOG.info("module {}: deployed, {} instance(s)", s.module.name(), s.instances);
        }));
    }
    return Future.all(all).mapEmpty();
  }

  /**
   * Deploys the enabled modules by verticle name through a registered {@code VerticleFactory}
   * ({@code verticleName.apply(module)}), as Vert.x HA requires: with {@code ha}, Vert.x redeploys
   * them on a surviving node of the HA group when this node dies.
   */
  public Future<Void> deployByName(Vertx vertx, java.util.function.Function<String, String> verticleName, boolean ha) {
    List<Future<?>> all = new ArrayList<>();
    for (ModuleState s : modules.values()) {
      if (!s.enabled) {
        LOG.info("module {}: disabled", s.module.name());
        continue;
      }
      all.add(vertx.deployVerticle(verticleName.apply(s.module.name()),
          new DeploymentOptions().setInstances(s.instances).setHa(ha))
        .onSuccess(id -> {
          s.deploymentId = id;
          LOG.info("module {}: deployed, {} instance(s){}", s.module.name(), s.instances, ha ? ", HA" : "");
        }));
    }
    return Future.all(all).mapEmpty();
  }

  /** Undeploys every deployed module. */
  public Future<Void> undeploy(Vertx vertx) {
    List<Future<?>> all = new ArrayList<>();
    for (ModuleState s : modules.values()) {
      if (s.deploymentId != null) {
        String id = s.deploymentId;
        s.deploymentId = null;
        all.add(vertx.undeploy(id));
      }
    }
    return Future.join(all).mapEmpty();
  }
}
