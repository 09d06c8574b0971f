package org.communityplatform.core;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator and a browser client see around the API: Prometheus metrics (with a token),
 * CORS preflight and answers, the Swagger UI page, JSON logs with the request id and organisation
 * on every line, and one access-log line per request.
 */
class OperationsTest {

  static final String ORIGIN = "https://app.example.org";

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject()
    .put("http", new JsonObject().put("cors", new JsonObject().put("allowedOrigins", new JsonArray().add(ORIGIN))))
    .put("metrics", new JsonObject().put("token", "scrape-secret"))
    .put("log", new JsonObject().put("format", "json")));

  @Test
  void metricsNeedTheTokenAndReportOperationsHttpBusPoolAndJvm() {
    TestPlatform t = p.get();
    assertThat(t.get("/probe/public").send().status()).isEqualTo(200);
    assertThat(t.get("/probe/notes").send().status()).isEqualTo(200);
    assertThat(t.get("/probe/notes").query("limit", "99").send().status()).isEqualTo(400);

    TestPlatform.Res anonymous = t.get("/metrics").send();
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.errorCode()).isEqualTo("unauthorized");
    assertThat(t.get("/metrics").bearer("wrong").send().status()).isEqualTo(401);

    TestPlatform.Res m = t.get("/metrics").bearer("scrape-secret").send();
    assertThat(m.status()).isEqualTo(200);
    assertThat(m.header("content-type")).startsWith("text/plain");
    String text = m.body().toString();
    assertThat(text)
      .contains("platform_operation_seconds_bucket{operationId=\"probePublic\",status=\"2xx\",le=")
      .contains("platform_operation_seconds_count{operationId=\"probeListNotes\",status=\"4xx\"}")
      .contains("vertx_http_server_")
      .contains("vertx_eventbus_")
      .contains("vertx_pool_")
      .contains("jvm_memory_used_bytes");
    // bounded labels: no request paths or ids in the operation histogram
    assertThat(text.lines().filter(l -> l.startsWith("platform_operation_seconds")))
      .allSatisfy(l -> assertThat(l).doesNotContain("/probe").doesNotContain("reqId"));
  }

  @Test
  void corsPreflightAndAnswersFollowTheAllowedOrigins() {
    TestPlatform t = p.get();
    TestPlatform.Res pre = t.request(HttpMethod.OPTIONS, "/probe/notes").header("Origin", ORIGIN)
      .header("Access-Control-Request-Method", "POST")
      .header("Access-Control-Request-Headers", "content-type, authorization, orgid").send();
    assertThat(pre.status()).isBetween(200, 204);
    assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(pre.header("Access-Control-Allow-Methods")).contains("POST").contains("DELETE");
    assertThat(pre.header("Access-Control-Allow-Headers").toLowerCase()).contains("authorization").contains("orgid");
    assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();

    TestPlatform.Res get = t.get("/probe/public").header("Origin", ORIGIN).send();
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    assertThat(get.header("Access-Control-Expose-Headers")).contains("x-request-id");

    TestPlatform.Res other = t.request(HttpMethod.OPTIONS, "/probe/notes").header("Origin", "https://evil.example")
      .header("Access-Control-Request-Method", "POST").send();
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.errorCode()).isEqualTo("forbidden");

    // a simple request (no preflight) from another origin: the same 403 in the one error shape, never a 500
    for (HttpMethod m : List.of(HttpMethod.GET, HttpMethod.POST)) {
      TestPlatform.Res simple = t.request(m, "/probe/public").header("Origin", "https://evil.example").send();
      assertThat(simple.status()).as(m + " " + simple).isEqualTo(403);
      assertThat(simple.errorCode()).isEqualTo("forbidden");
    }
  }

  @Test
  void everyAnswerCarriesARequestIdEvenOutsideTheContract() {
    TestPlatform t = p.get();
    List<String> paths = List.of("/docs", "/docs/swagger-ui.css", "/docs/no-such-file.js", "/metrics",
      "/openapi.json", "/no/such/path", "/health/ready", "/api/health", "/probe/public");
    for (String path : paths) {
      TestPlatform.Res r = t.get(path).send();
      assertThat(r.header("x-request-id")).as("x-request-id of GET " + path + " (" + r.status() + ")")
        .matches("[A-Za-z0-9._:-]{1,128}");
      TestPlatform.Res echoed = t.get(path).header("x-request-id", "trace-" + path.length()).send();
      assertThat(echoed.header("x-request-id")).as("the caller's own id echoed on GET " + path)
        .isEqualTo("trace-" + path.length());
    }
    TestPlatform.Res unknown = t.get("/no/such/path").send();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("reqId")).isEqualTo(unknown.header("x-request-id"));
    assertThat(t.request(HttpMethod.DELETE, "/openapi.json").send().header("x-request-id")).isNotBlank();
  }

  @Test
  void theDocsPageServesSwaggerUiFromTheJar() {
    TestPlatform t = p.get();
    TestPlatform.Res page = t.get("/docs").send();
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("text/html");
    assertThat(page.body().toString()).contains("/docs/swagger-ui-bundle.js").contains("/docs/swagger-ui.css")
      .doesNotContain("://");
    TestPlatform.Res bundle = t.get("/docs/swagger-ui-bundle.js").send();
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.header("content-type")).contains("javascript");
    assertThat(bundle.body().length()).isGreaterThan(100_000);
    assertThat(t.get("/docs/swagger-ui.css").send().status()).isEqualTo(200);
    assertThat(t.get("/docs/platform-init.js").send().body().toString()).contains("\"/openapi.json\"");
    assertThat(t.get("/openapi.json").send().status()).isEqualTo(200);
  }

  @Test
  void everyLineOfARequestCarriesItsIdAndOrganisationAndEndsWithAnAccessLine() {
    TestPlatform t = p.get();
    List<JsonObject> lines = captureJsonLines(() -> {
      TestPlatform.Res r = t.get("/probe/log").header("x-request-id", "req-log-1").org("acme").send();
      assertThat(r.status()).isEqualTo(200);
      TestPlatform.Res missing = t.get("/nowhere").header("x-request-id", "req-log-2").send();
      assertThat(missing.status()).isEqualTo(404);
    });
    JsonObject inModule = lines.stream().filter(l -> "probe".equals(l.getString("loggerName"))).findFirst().orElseThrow();
    assertThat(inModule.getString("formattedMessage")).isEqualTo("probe serving a request");
    assertThat(inModule.getJsonObject("mdc").getString("reqId")).isEqualTo("req-log-1");
    assertThat(inModule.getJsonObject("mdc").getString("org")).isEqualTo("acme");
    assertThat(inModule.getLong("timestamp")).isPositive();

    List<JsonObject> access = lines.stream().filter(l -> "access".equals(l.getString("loggerName"))).toList();
    assertThat(access).hasSize(2);
    JsonObject first = kvp(access.get(0));
    assertThat(first.getString("method")).isEqualTo("GET");
    assertThat(first.getString("route")).isEqualTo("/probe/log");
    assertThat(first.getString("operationId")).isEqualTo("probeLog");
    assertThat(first.getValue("status").toString()).isEqualTo("200");
    assertThat(first.getValue("durationMs")).isNotNull();
    assertThat(first.getString("reqId")).isEqualTo("req-log-1");
    assertThat(first.getString("org")).isEqualTo("acme");
    assertThat(access.get(0).getJsonObject("mdc").getString("reqId")).isEqualTo("req-log-1");
    JsonObject second = kvp(access.get(1));
    assertThat(second.getValue("status").toString()).isEqualTo("404");
    assertThat(second.getString("reqId")).isEqualTo("req-log-2");
  }

  /** The key/value pairs of a JSON log line (logback's JsonEncoder writes them as a list of one-key objects). */
  private static JsonObject kvp(JsonObject line) {
    JsonObject out = new JsonObject();
    for (Object o : line.getJsonArray("kvpList", new JsonArray())) {
      out.mergeIn((JsonObject) o);
    }
    return out;
  }

  /** Runs {@code action} while standard output is captured; returns the JSON log lines written meanwhile. */
  static List<JsonObject> captureJsonLines(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      action.run();
      // the access line is written when the answer ends, possibly just after the client saw it
      long deadline = System.currentTimeMillis() + 5000;
      while (System.currentTimeMillis() < deadline
        && buf.toString(StandardCharsets.UTF_8).split("\"loggerName\":\"access\"", -1).length < 3) {
        Thread.onSpinWait();
      }
    } finally {
      System.setOut(original);
    }
    List<JsonObject> lines = new ArrayList<>();
    for (String l : buf.toString(StandardCharsets.UTF_8).split("\n")) {
      if (l.startsWith("{")) {
        lines.add(new JsonObject(l));
      }
    }
    return lines;
  }
}
