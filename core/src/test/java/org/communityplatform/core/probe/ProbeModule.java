package org.communityplatform.core.probe;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.module.ModuleContext;
import org.communityplatform.core.module.PlatformModule;

/** A module that exists only in core's tests: it shows what the gateway hands a handler. */
public final class ProbeModule implements PlatformModule {

  /** Requests of probeHold now waiting. */
  public static final java.util.concurrent.atomic.AtomicInteger HELD = new java.util.concurrent.atomic.AtomicInteger();
  private static volatile boolean released;

  /** Lets every held (and future) probeHold request answer. */
  public static void release() {
    released = true;
  }

  /** Makes probeHold wait again. */
  public static void hold() {
    released = false;
    HELD.set(0);
  }

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public Deployable createVerticle(ModuleContext context) {
    Pool pool = context.pool();
    long holdMaxMs = context.config().getLong("holdMaxMs");
    return new ApiVerticle() {
      @Override
      protected String moduleName() {
        return "probe";
      }

      @Override
      protected void register() {
        operation("probeWhoami", req -> Future.succeededFuture(ApiReply.ok(new JsonObject()
          .put("principal", req.principal()).put("org", req.org()).put("lang", req.lang())
          .put("client", req.clientAddress()))));
        operation("probeMaybe", req -> Future.succeededFuture(ApiReply.ok(new JsonObject().put("user", req.userId()))));
        operation("probePublic", req -> Future.succeededFuture(ApiReply.ok(new JsonObject().put("user", req.userId()))));
        operation("probeSearch", req -> Future.succeededFuture(ApiReply.ok(new JsonObject().put("q", req.query().getValue("q")))));
        operation("probeEcho", req -> Future.succeededFuture(ApiReply.ok(new JsonObject()
          .put("value", req.pathParam("value")).put("tag", req.query().getValue("tag")))));
        operation("probeAdmin", req -> Future.succeededFuture(ApiReply.ok(new JsonObject().put("org", req.org()))));
        operation("probeAddNote", req -> pool.preparedQuery("INSERT INTO probe.notes (org, text) VALUES ($1, $2) RETURNING id")
          .execute(Tuple.of(req.org(), req.body().getString("text")))
          .map(rows -> ApiReply.created(new JsonObject().put("id", rows.iterator().next().getLong(0)))));
        operation("probeListNotes", req -> pool.preparedQuery("SELECT text FROM probe.notes WHERE org = $1 ORDER BY id LIMIT $2")
          .execute(Tuple.of(req.org(), req.queryInt("limit", 10)))
          .map(rows -> {
            JsonArray data = new JsonArray();
            rows.forEach(r -> data.add(r.getString(0)));
            return ApiReply.ok(new JsonObject().put("data", data).put("limitType", req.query().getValue("limit") == null
              ? null : req.query().getValue("limit").getClass().getSimpleName()));
          }));
        operation("probeUpload", req -> Future.succeededFuture(ApiReply.ok(req.bodyBuffer())
          .header("Content-Type", "image/png").header("x-bytes", String.valueOf(req.bodyBuffer().length()))));
        operation("probeSlow", req -> vertx.timer(60_000).map(x -> ApiReply.ok(new JsonObject())));
        operation("probeHold", req -> {
          HELD.incrementAndGet();
          long max = holdMaxMs;
          long t0 = System.nanoTime();
          io.vertx.core.Promise<ApiReply> answer = io.vertx.core.Promise.promise();
          // polled on this verticle's own context: the test thread only flips a flag
          vertx.setPeriodic(10, id -> {
            if (released || System.nanoTime() - t0 > max * 1_000_000) {
              vertx.cancelTimer(id);
              HELD.decrementAndGet();
              answer.tryComplete(ApiReply.ok(new JsonObject().put("released", released)));
            }
          });
          return answer.future();
        });
        operation("probeLog", req -> {
          org.slf4j.LoggerFactory.getLogger("probe").info("probe serving a request");
          return Future.succeededFuture(ApiReply.ok(new JsonObject()));
        });
        operation("probeBoom", req -> {
          throw new IllegalStateException("deliberate failure");
        });
      }
    };
  }
}
