package org.communityplatform.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The audit log's write cost (issue 14, "Done when": posts/s with and without it, same run): a second
 * platform node on the same database with {@code audit.enabled: false}, and the two nodes measured
 * alternately (on, off, on, off) by a closed loop in this JVM on
 * <ul>
 *   <li>an audited write: {@code PATCH /api/v2/admin/communities/{id}} with the organisation API token,
 *       the banner title alternating between two values over the data set's communities, so each
 *       request changes the community and appends one entry to the organisation's hash chain (whose
 *       per-organisation lock serialises the appends: that is part of the cost measured);</li>
 *   <li>{@code POST /api/posts} (distinct authors), a write the audit log does not record: the control.</li>
 * </ul>
 * Needs no wrk, so it runs in quick mode too ({@code --smoke --audit}).
 */
final class AuditPhase {

  /** One measured write: its label and the request of the i-th call. */
  private record Write(String label, IntFunction<Call> call) {
  }

  private record Call(HttpMethod method, String path, Buffer body, String bearer) {
  }

  private final Run run;
  private final Vertx vertx = Vertx.vertx();
  /** The first refusal of a load run, for the progress log. */
  private final java.util.concurrent.atomic.AtomicReference<String> first = new java.util.concurrent.atomic.AtomicReference<>();

  AuditPhase(Run run) {
    this.run = run;
  }

  /** Measures both writes on {@code auditOn} (the main node) and on a node started here with the log off. */
  void measure(Node auditOn, Endpoints endpoints, Results res) throws Exception {
    Options o = run.o;
    int seconds = o.smoke ? 3 : o.duration;
    int concurrency = o.smoke ? 8 : o.connections;
    List<Write> writes = new ArrayList<>();
    int communities = Math.max(1, run.ds.communities);
    writes.add(new Write("PATCH /api/v2/admin/communities/{id} (audited)", i -> new Call(HttpMethod.PATCH,
      "/api/v2/admin/communities/" + DataSet.communityId(i % communities),
      Buffer.buffer(new JsonObject().put("bannerTitle", "bench audit " + ((i / communities) % 2 == 0 ? "a" : "b")).encode()),
      null)));
    List<String> authors = Files.readAllLines(endpoints.tokDir.resolve("post-authors.txt"));
    Endpoint post = endpoints.list.stream().filter(e -> e.key().equals("post-create")).findFirst().orElse(null);
    if (post != null && !authors.isEmpty()) {
      Buffer body = Buffer.buffer(post.wrk().body());
      writes.add(new Write("POST /api/posts (not audited)", i -> new Call(HttpMethod.POST, "/api/posts", body,
        authors.get(i % authors.size()))));
    }
    Node auditOff = Node.startPlatform("platform-audit-off", o.jar, o.platformJvm, withAuditOff(run.env(Node.freePort(),
      "audit-off")), o.work, true, 180_000);
    try {
      for (Write w : writes) {
        double[] on = new double[2];
        double[] off = new double[2];
        // alternated (on, off, on, off): noise from other processes falls on both
        for (int round = 0; round < 2; round++) {
          on[round] = load(auditOn, w, concurrency, seconds);
          off[round] = load(auditOff, w, concurrency, seconds);
        }
        double a = (on[0] + on[1]) / 2;
        double b = (off[0] + off[1]) / 2;
        String line = String.format(Locale.ROOT, "audit log cost, %s: %.0f req/s with the log, %.0f without: %.2fx"
          + " (%d in flight, 2 x %d s each, alternated)", w.label(), a, b, b > 0 ? a / b : 0, concurrency, seconds);
        run.say("  %s", line);
        res.auditCost.add(line);
      }
    } finally {
      auditOff.stop();
    }
  }

  private static Map<String, String> withAuditOff(Map<String, String> env) {
    Map<String, String> m = new java.util.LinkedHashMap<>(env);
    m.put("PLATFORM_AUDIT_ENABLED", "false");
    return m;
  }

  /** Requests per second of 2xx answers over {@code seconds}, {@code concurrency} in flight. */
  private double load(Node node, Write w, int concurrency, int seconds) throws InterruptedException {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port)
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicInteger next = new AtomicInteger();
    first.set(null);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      loop(client, w, next, ok, failed, end, done);
    }
    done.await(seconds + 30L, TimeUnit.SECONDS);
    client.close();
    if (failed.get() > 0) {
      run.say("    %s on %s: %d non-2xx answers, the first: %s", w.label(), node.name, failed.get(), first.get());
    }
    return ok.get() / (double) seconds;
  }

  private void loop(HttpClient client, Write w, AtomicInteger next, AtomicLong ok, AtomicLong failed, long end,
                    CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    Call c = w.call().apply(next.getAndIncrement());
    RequestOptions ro = new RequestOptions().setMethod(c.method()).setURI(c.path())
      .putHeader("content-type", "application/json").putHeader("orgid", DataSet.ORG);
    if (c.bearer() != null) {
      ro.putHeader("authorization", "Bearer " + c.bearer());
    } else {
      ro.putHeader("x-api-token", Run.API_TOKEN);
    }
    client.request(ro).compose(req -> req.send(c.body())).compose(resp -> resp.body().map(b -> {
        if (resp.statusCode() / 100 != 2) {
          first.compareAndSet(null, resp.statusCode() + " " + Run.abbreviate(b.toString(), 200));
        }
        return resp.statusCode();
      }))
      .onComplete(ar -> {
        if (ar.succeeded() && ar.result() / 100 == 2) {
          ok.incrementAndGet();
        } else {
          first.compareAndSet(null, ar.failed() ? ar.cause().toString() : null);
          failed.incrementAndGet();
        }
        loop(client, w, next, ok, failed, end, done);
      });
  }

  void close() {
    vertx.close();
  }
}
