package org.communityplatform.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.communityplatform.core.probe.ProbeModule;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop (what SIGTERM runs through the shutdown hook: {@link Platform#stop()}) with 30 requests
 * in flight: readiness turns to not-ready at once, no new connection is accepted, and every
 * request in flight is answered normally before the modules and the pool stop.
 */
class GracefulShutdownTest {

  private final Vertx clientVertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    ProbeModule.release();
    clientVertx.close();
  }

  @Test
  void thirtyRequestsInFlightAllCompleteWhenTheNodeStops() throws Exception {
    ProbeModule.hold();
    TestPlatform t = TestPlatform.start(new JsonObject().put("shutdown", new JsonObject().put("drainSeconds", 30)));
    int port = t.port();
    assertThat(t.get("/health/ready").send().status()).isEqualTo(200);
    // one connection per request, as 30 independent clients
    WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(port).setKeepAlive(false), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
    List<Future<HttpResponse<Buffer>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inFlight.add(client.get("/probe/hold").send());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ProbeModule.HELD.get() < 30 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ProbeModule.HELD.get()).as("requests held by the module").isEqualTo(30);

    Future<Void> stopped = t.platform().stop();
    assertThat(t.platform().draining()).as("readiness reports not ready at once").isTrue();
    // the listening socket closes: a new client cannot connect while the others are served
    Throwable refused = null;
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (refused == null && System.nanoTime() < deadline) {
      try {
        TestPlatform.await(client.get("/api/health").send());
        Thread.sleep(20);
      } catch (RuntimeException e) {
        refused = e;
      }
    }
    assertThat(refused).as("new connections refused during the drain").isNotNull();
    assertThat(stopped.isComplete()).as("the stop waits for the requests in flight").isFalse();
    assertThat(ProbeModule.HELD.get()).isEqualTo(30);

    ProbeModule.release();
    List<Integer> statuses = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> f : inFlight) {
      HttpResponse<Buffer> r = TestPlatform.await(f);
      statuses.add(r.statusCode());
      assertThat(r.bodyAsJsonObject().getBoolean("released")).isTrue();
    }
    assertThat(statuses).hasSize(30).containsOnly(200);
    TestPlatform.await(stopped);
    t.close();
  }

  /**
   * Over HTTP, as a load balancer sees it: once the stop begins (what SIGTERM runs), GET
   * /health/ready answers 503 on a new connection while the server still serves during
   * {@code shutdown.readinessDelaySeconds}, and a request in flight meanwhile gets its normal 200.
   */
  @Test
  void readinessAnswers503OverHttpWhileARequestInFlightCompletes() throws Exception {
    ProbeModule.hold();
    TestPlatform t = TestPlatform.start(new JsonObject().put("shutdown", new JsonObject()
      .put("drainSeconds", 30).put("readinessDelaySeconds", 5)));
    WebClient client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(t.port()).setKeepAlive(false));
    assertThat(TestPlatform.await(client.get("/health/ready").send()).statusCode()).isEqualTo(200);
    Future<HttpResponse<Buffer>> inFlight = client.get("/probe/hold").send();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ProbeModule.HELD.get() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(ProbeModule.HELD.get()).as("the request is held by the module").isEqualTo(1);

    Future<Void> stopped = t.platform().stop();
    HttpResponse<Buffer> ready = TestPlatform.await(client.get("/health/ready").send());
    assertThat(ready.statusCode()).as("readiness during the stop").isEqualTo(503);
    assertThat(ready.getHeader("x-request-id")).isNotBlank();
    assertThat(inFlight.isComplete()).as("the request in flight is still being served").isFalse();

    ProbeModule.release();
    HttpResponse<Buffer> answered = TestPlatform.await(inFlight);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.bodyAsJsonObject().getBoolean("released")).isTrue();
    TestPlatform.await(stopped);
    t.close();
  }
}
