package org.communityplatform.core.module;

import io.vertx.core.Deployable;

/**
 * A feature module, found with {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/org.communityplatform.core.module.PlatformModule}.
 *
 * <p>A module brings an OpenAPI 3.1 fragment (its {@code paths} and {@code components}), Flyway
 * migrations for its own schema, and the verticle that consumes {@code api.<name>.<operationId>}.
 */
public interface PlatformModule {

  /** Short lower-case name; it names the config section, the schema and the bus addresses. */
  String name();

  /** Classpath location of the module's OpenAPI fragment (YAML or JSON). */
  default String contract() {
    return name() + "/openapi.yaml";
  }

  /** Classpath location of the module's Flyway migrations, or null when it keeps no data. */
  default String migrations() {
    return "db/" + name();
  }

  /** Creates one verticle instance; called {@code modules.<name>.instances} times. */
  Deployable createVerticle(ModuleContext context);

  /**
   * Operations this module serves itself on each gateway node (streams, WebSockets), or null when
   * every operation goes over the bus. Called once per gateway node, whether or not the module's
   * verticles run on that node.
   *
   * @param db how to open a dedicated connection (for example a LISTEN subscriber)
   */
  default GatewayOperations gatewayOperations(ModuleContext context, io.vertx.pgclient.PgConnectOptions db) {
    return null;
  }
}
