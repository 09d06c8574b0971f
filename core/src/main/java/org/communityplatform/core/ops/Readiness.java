package org.communityplatform.core.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.sqlclient.Pool;
import org.communityplatform.core.module.ModuleLoader;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The checks behind {@code GET /health/ready} (200 when all pass, 503 otherwise): the node is not
 * stopping, the database answers, every enabled module is deployed, and the cluster view.
 */
public final class Readiness {

  private Readiness() {
  }

  public static HealthChecks checks(Vertx vertx, Pool pool, ModuleLoader modules, BooleanSupplier stopping,
                                    Supplier<Future<JsonObject>> clusterView) {
    HealthChecks checks = HealthChecks.create(vertx);
    // not ready from the moment a stop is requested: load balancers stop sending new requests
    checks.register("accepting", p -> p.complete(stopping.getAsBoolean()
      ? Status.KO(new JsonObject().put("state", "stopping")) : Status.OK()));
    // a database that does not answer (frozen, unreachable) is a KO of our own before the library's
    // time-out, which it would report as a failed procedure (500) rather than as not ready (503)
    checks.register("database", 3000, p -> {
      long timer = vertx.setTimer(1500, id -> p.tryComplete(Status.KO(new JsonObject().put("error", "no answer within 1.5 s"))));
      pool.query("SELECT 1").execute()
        .onComplete(ar -> vertx.cancelTimer(timer))
        .onSuccess(r -> p.tryComplete(Status.OK()))
        .onFailure(e -> p.tryComplete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage())))));
    });
    for (ModuleLoader.ModuleState s : modules.modules().values()) {
      checks.register("modules/" + s.module.name(), p -> {
        JsonObject data = s.toJson();
        p.complete(!s.enabled || s.deploymentId != null ? Status.OK(data) : Status.KO(data));
      });
    }
    // what runs where: this node alone, or every member of the cluster and the modules each runs
    checks.register("cluster", 3000, p -> clusterView.get()
      .onSuccess(view -> p.complete(Status.OK(view)))
      .onFailure(e -> p.complete(Status.KO(new JsonObject().put("error", String.valueOf(e.getMessage()))))));
    return checks;
  }
}
