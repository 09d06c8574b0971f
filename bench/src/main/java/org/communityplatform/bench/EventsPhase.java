package org.communityplatform.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event log's costs (issue 13): write throughput with {@code events.log.enabled} true and false
 * in the same run (a second platform node on the same database with the log switched off, the two
 * measured alternately), and SSE fan-out: N stream clients connected, then events written one by
 * one; for each (client, event) the time from the event's {@code occurredAt} (the database clock of
 * the writing transaction, on this machine) to its arrival at the client.
 *
 * <p>Load is a closed loop in this JVM ({@code concurrency} requests in flight), so it needs no wrk
 * and runs in quick mode too ({@code --smoke --events}).
 */
final class EventsPhase {

  /** Events written before the measured ones (not counted), so the stream path runs compiled as in every wrk run. */
  static final int WARM_EVENTS = 10;
  private static final String OCCURRED_AT = "\"occurredAt\":\"";

  /** Streams of the full mode: issue 13's fan-out goal is stated for 1,000 connected clients. */
  static final int FULL_STREAMS = 1000;

  private final Run run;
  private final Vertx vertx = Vertx.vertx();
  private int failures;

  EventsPhase(Run run) {
    this.run = run;
  }

  /**
   * Runs both measurements into {@code res}; {@code logOn} is the node of the main run (log
   * enabled). Full mode: 1,000 streams x 30 events; smoke: 100 x 10. Returns the number of
   * failures (non-2xx writes, streams that did not open, events that did not arrive).
   */
  int measure(Node logOn, Endpoints endpoints, Results res) throws Exception {
    Options o = run.o;
    int seconds = o.smoke ? 3 : o.duration;
    int concurrency = o.smoke ? 8 : o.connections;
    failures = 0;
    Node logOff = Node.startPlatform("platform-log-off", o.jar, o.platformJvm, withLogOff(run.env(Node.freePort(), "log-off")),
      o.work, true, 180_000);
    try {
      // the health route answers before every module is deployed: wait for a write to succeed
      awaitWrites(logOff, 120);
      List<String> authors = Files.readAllLines(endpoints.tokDir.resolve("post-authors.txt"));
      Endpoint post = endpoints.list.stream().filter(e -> e.key().equals("post-create")).findFirst().orElse(null);
      String postBody = post == null ? null : post.wrk().body();
      String backlogBody = new JsonObject().put("title", "bench").put("type", "bug").put("priority", "low")
        .put("session", "api").encode();
      for (String[] w : List.<String[]>of(new String[] {"POST /api/posts", "/api/posts", postBody},
        new String[] {"POST /api/backlog", "/api/backlog", backlogBody})) {
        if (w[2] == null) {
          continue;
        }
        boolean auth = w[1].equals("/api/posts");
        double[] on = new double[2];
        double[] off = new double[2];
        // alternated (on, off, on, off): noise from other processes falls on both
        for (int round = 0; round < 2; round++) {
          on[round] = load(logOn, w[1], w[2], auth ? authors : null, concurrency, seconds);
          off[round] = load(logOff, w[1], w[2], auth ? authors : null, concurrency, seconds);
        }
        double a = (on[0] + on[1]) / 2;
        double b = (off[0] + off[1]) / 2;
        String line = String.format(java.util.Locale.ROOT, "event log cost, %s: %.0f req/s with the log, %.0f without: %.2fx"
          + " (%d in flight, 2 x %d s each, alternated)", w[0], a, b, b > 0 ? a / b : 0, concurrency, seconds);
        run.say("  %s", line);
        run.notes.add(line);
        if (auth) {
          res.postsLogOn = a;
          res.postsLogOff = b;
        }
      }
    } finally {
      logOff.stop();
    }
    fanOut(logOn, o.smoke ? 100 : FULL_STREAMS, o.smoke ? 10 : 30, res);
    Report goals = new Report("target", "goal", "measured", "met");
    res.eventTargets(goals);
    run.say("%s", goals.text());
    return failures;
  }

  private static Map<String, String> withLogOff(Map<String, String> env) {
    Map<String, String> m = new java.util.LinkedHashMap<>(env);
    m.put("PLATFORM_EVENTS_LOG_ENABLED", "false");
    return m;
  }

  /** Waits (at most {@code seconds}) until {@code node} answers a backlog write with 201. */
  private void awaitWrites(Node node, int seconds) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port));
    String body = new JsonObject().put("title", "ready?").put("type", "bug").put("priority", "low").put("session", "api").encode();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int status = 0;
    try {
      while (System.nanoTime() < end) {
        try {
          status = client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/backlog")
              .putHeader("content-type", "application/json").putHeader("orgid", DataSet.ORG))
            .compose(req -> req.send(body)).map(resp -> resp.statusCode())
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          status = -1;
        }
        if (status == 201) {
          return;
        }
        Thread.sleep(250);
      }
      run.say("    %s never accepted a write (last answer %d)", node.name, status);
      failures++;
    } finally {
      client.close();
    }
  }

  /** Requests per second of 2xx answers over {@code seconds}, {@code concurrency} in flight. */
  private double load(Node node, String path, String body, List<String> tokens, int concurrency, int seconds)
    throws InterruptedException {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port)
      .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicInteger next = new AtomicInteger();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(concurrency);
    Buffer payload = Buffer.buffer(body);
    for (int i = 0; i < concurrency; i++) {
      loop(client, path, payload, tokens, next, ok, failed, end, done);
    }
    done.await(seconds + 30L, TimeUnit.SECONDS);
    client.close();
    if (failed.get() > 0) {
      run.say("    %s on %s: %d non-2xx answers", path, node.name, failed.get());
      failures++;
    }
    return ok.get() / (double) seconds;
  }

  private void loop(HttpClient client, String path, Buffer body, List<String> tokens, AtomicInteger next, AtomicLong ok,
                    AtomicLong failed, long end, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
      .putHeader("content-type", "application/json").putHeader("orgid", DataSet.ORG);
    if (tokens != null) {
      ro.putHeader("authorization", "Bearer " + tokens.get(Math.floorMod(next.getAndIncrement(), tokens.size())));
    }
    client.request(ro).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
      .onComplete(ar -> {
        if (ar.succeeded() && ar.result() / 100 == 2) {
          ok.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
        loop(client, path, body, tokens, next, ok, failed, end, done);
      });
  }

  /** {@code clients} SSE streams, then {@code events} backlog writes 100 ms apart; commit-to-arrival p50/p99. */
  private void fanOut(Node node, int clients, int events, Results res) throws Exception {
    String apiToken = Run.API_TOKEN;
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port),
      new PoolOptions().setHttp1MaxSize(clients + 8));
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean measuring = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicLong warmArrivals = new AtomicLong();
    AtomicInteger open = new AtomicInteger();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    CountDownLatch connected = new CountDownLatch(clients);
    for (int i = 0; i < clients; i++) {
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/events/stream?types=backlog.item.created")
          .putHeader("x-api-token", apiToken))
        .compose(req -> req.send())
        .onSuccess(resp -> {
          if (resp.statusCode() != 200) {
            errors.add(new IllegalStateException("stream answered " + resp.statusCode()));
            connected.countDown();
            return;
          }
          open.incrementAndGet();
          connected.countDown();
          StringBuilder pending = new StringBuilder();
          resp.handler(b -> {
            long now = System.currentTimeMillis();
            pending.append(b.toString());
            int cut;
            while ((cut = pending.indexOf("\n\n")) >= 0) {
              // the receiving side stays light (it shares the 2 cores with the platform): only occurredAt is read
              int at = pending.indexOf(OCCURRED_AT);
              if (at >= 0 && at < cut) {
                int from = at + OCCURRED_AT.length();
                long ms = Instant.parse(pending.substring(from, pending.indexOf("\"", from))).toEpochMilli();
                if (measuring.get()) {
                  latencies.add(now - ms);
                } else {
                  warmArrivals.incrementAndGet();
                }
              }
              pending.delete(0, cut + 2);
            }
          });
        })
        .onFailure(e -> {
          errors.add(e);
          connected.countDown();
        });
    }
    connected.await(120, TimeUnit.SECONDS);
    run.say("  SSE fan-out: %d of %d streams open (%d failed%s)", open.get(), clients, errors.size(),
      errors.isEmpty() ? "" : ": " + errors.peek());
    Thread.sleep(500);
    String body = new JsonObject().put("title", "fan-out").put("type", "bug").put("priority", "low").put("session", "api").encode();
    HttpClient writer = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.port));
    // warm-up, as before every wrk run: the same writes, not measured, until the stream path is compiled
    long warmDeadline = System.nanoTime() + 20_000_000_000L;
    int warmEvents = 0;
    while (warmEvents < WARM_EVENTS && System.nanoTime() < warmDeadline) {
      write(writer, body);
      warmEvents++;
      Thread.sleep(100);
    }
    long warmWanted = (long) open.get() * warmEvents;
    while (warmArrivals.get() < warmWanted && System.nanoTime() < warmDeadline) {
      Thread.sleep(50);
    }
    measuring.set(true);
    long[] before = {calls(LOG_READ), calls(FANOUT_LOCK)};
    for (int i = 0; i < events; i++) {
      write(writer, body);
      Thread.sleep(100);
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    long expected = (long) open.get() * events;
    while (latencies.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long reads = calls(LOG_READ) - before[0];
    long polls = calls(FANOUT_LOCK) - before[1];
    if (before[0] >= 0) {
      // one read of the log per notification batch on the node, whatever the number of streams
      String profile = String.format(java.util.Locale.ROOT, "SSE fan-out, %d streams x %d events: %d reads of new events"
        + " (the node's hub, plus %d webhook fan-out polls that read the same way), not one per stream", open.get(), events,
        reads, polls);
      run.say("  %s", profile);
      run.notes.add(profile);
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    String line = sorted.isEmpty() ? "SSE fan-out: no event arrived"
      : String.format(java.util.Locale.ROOT, "SSE fan-out, %d streams x %d events (%d of %d arrivals): commit-to-arrival p50 %d ms,"
        + " p99 %d ms, max %d ms (goal p99 < 250 ms)", open.get(), events, sorted.size(), expected,
        sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1)),
        sorted.get(sorted.size() - 1));
    run.say("  %s", line);
    run.notes.add(line);
    res.fanOutWanted = clients;
    res.fanOutOpen = open.get();
    res.fanOutExpected = expected;
    res.fanOutArrivals = sorted.size();
    if (!sorted.isEmpty()) {
      res.fanOutP50 = sorted.get(sorted.size() / 2);
      res.fanOutP99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
      res.fanOutMax = sorted.get(sorted.size() - 1);
    }
    if (open.get() < clients || sorted.size() < (long) clients * events) {
      failures++;
    }
    writer.close();
    client.close();
  }

  /** One backlog write (public route: the organisation comes from orgid, the streams' token organisation); a non-201 counts as a failure. */
  private void write(HttpClient writer, String body) throws Exception {
    Future<Integer> f = writer.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/backlog")
        .putHeader("content-type", "application/json").putHeader("orgid", DataSet.ORG))
      .compose(req -> req.send(body)).map(resp -> resp.statusCode());
    int status = f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (status != 201) {
      run.say("    a fan-out write answered %d", status);
      failures++;
    }
  }

  /** The hub's and the webhook worker's read of new events (EventStore.batch), and the worker's poll. */
  private static final String LOG_READ = "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)%";
  private static final String FANOUT_LOCK = "SELECT tx, event_id FROM events.fanout%";

  /** pg_stat_statements calls of statements starting like {@code like}; -1 without the extension. */
  private long calls(String like) {
    if (!run.pg.statStatements) {
      return -1;
    }
    try (var c = run.pg.connect(); var st = c.prepareStatement("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
      + " WHERE query LIKE ?")) {
      st.setString(1, like);
      try (var rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (java.sql.SQLException e) {
      return -1;
    }
  }

  void close() {
    vertx.close();
  }
}
