package org.communityplatform.core;

import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import org.communityplatform.core.ops.Logging;
import org.communityplatform.core.ops.RequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The text log format: UTC timestamps, levels from the config, the request's id and organisation only inside it. */
class LoggingTest {

  @AfterAll
  static void restore() {
    Logging.configure(new JsonObject().put("format", "text").put("level", "info"));
  }

  /**
   * A start and stop of the whole platform write no warning about metrics: vertx-micrometer-metrics
   * registers its gauges again for every bus handler, which Micrometer 1.13.9+ reports once per
   * registry ("This Gauge has been already registered"); an operator would read it as a defect.
   */
  @Test
  void startingAndStoppingWarnsOfNoDuplicateGauge() {
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try (org.communityplatform.testing.TestPlatform t = org.communityplatform.testing.TestPlatform.start(new JsonObject())) {
      assertThat(t.get("/probe/public").send().status()).isEqualTo(200);
      assertThat(t.get("/metrics").send().body().toString()).contains("vertx_eventbus_handlers");
    } finally {
      System.setOut(original);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).as("the platform's start-up output").contains("HTTP API listening on");
    assertThat(out).doesNotContain("already registered");
  }

  @Test
  void textLinesHaveTimestampsAndTheRequestOnlyWhileServingIt() throws Exception {
    Logging.configure(new JsonObject().put("format", "text").put("level", "warn")
      .put("levels", new JsonObject().put("chatty.one", "debug")));
    Vertx vertx = Vertx.vertx();
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      CompletableFuture<Void> done = new CompletableFuture<>();
      // a request's own (duplicated) context, as Vert.x gives each HTTP request and bus message
      ContextInternal base = (ContextInternal) vertx.getOrCreateContext();
      ContextInternal request = base.duplicate();
      request.runOnContext(v -> {
        RequestContext.set("req-42", "acme");
        LoggerFactory.getLogger("chatty.one").debug("inside the request");
        LoggerFactory.getLogger("quiet.other").info("not written: below warn");
        base.runOnContext(x -> {
          LoggerFactory.getLogger("chatty.one").debug("outside any request");
          done.complete(null);
        });
      });
      done.get(10, TimeUnit.SECONDS);
    } finally {
      System.setOut(original);
      vertx.close();
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("not written");
    String inside = out.lines().filter(l -> l.contains("inside the request")).findFirst().orElseThrow();
    assertThat(inside).matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z DEBUG .*")
      .contains("reqId=req-42").contains("org=acme");
    String outside = out.lines().filter(l -> l.contains("outside any request")).findFirst().orElseThrow();
    assertThat(outside).doesNotContain("reqId=").doesNotContain("org=");
  }
}
