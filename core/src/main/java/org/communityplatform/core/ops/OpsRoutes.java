package org.communityplatform.core.ops;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.gateway.Replies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The operator's routes and handlers around the API routes: the access log and per-operation
 * latency, CORS ({@code http.cors}), the API docs page ({@code GET /docs}, Swagger UI from its
 * webjar, reading {@code /openapi.json}) and {@code GET /metrics} on the API port.
 */
public final class OpsRoutes {

  /** RoutingContext keys the gateway fills in for the access log. */
  public static final String OPERATION_ID = "operationId";
  public static final String ROUTE = "routeTemplate";
  public static final String ORG = "org";

  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/" + BuildInfo.current().swaggerUi();

  private static final String DOCS_HTML = """
    <!doctype html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Community platform API</title>
      <link rel="stylesheet" href="/docs/swagger-ui.css">
    </head>
    <body>
      <div id="swagger-ui"></div>
      <script src="/docs/swagger-ui-bundle.js"></script>
      <script src="/docs/swagger-ui-standalone-preset.js"></script>
      <script src="/docs/platform-init.js"></script>
    </body>
    </html>
    """;

  private static final String DOCS_INIT = """
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    });
    """;

  private final JsonObject document;
  private final JsonObject cors;
  private final Metrics metrics;
  private final boolean metricsOnApiPort;

  /**
   * @param document         the merged contract (methods and headers for CORS)
   * @param cors             the {@code http.cors} section
   * @param metrics          null when metrics are off
   * @param metricsOnApiPort serve /metrics on the API port ({@code metrics.port} 0)
   */
  public OpsRoutes(JsonObject document, JsonObject cors, Metrics metrics, boolean metricsOnApiPort) {
    this.document = document;
    this.cors = cors;
    this.metrics = metrics;
    this.metricsOnApiPort = metricsOnApiPort;
  }

  /** Adds the handlers and routes; first in line (negative order), before the contract's routes. */
  public Router apply(Router router) {
    // before the request id (order -40), so that even an answer that handler gives is logged
    router.route().order(-50).handler(this::accessLog);
    List<String> origins = cors.getJsonArray("allowedOrigins", new JsonArray()).stream().map(String::valueOf).toList();
    if (!origins.isEmpty()) {
      router.route().order(-20).handler(corsHandler(origins)).failureHandler(ctx -> {
        // a simple (not preflighted) request from another origin: vertx-web's CorsHandler fails it with
        // a bare VertxException ("CORS Rejected - Invalid origin"), which would read as a 500
        Throwable f = ctx.failure();
        if (f != null && f.getMessage() != null && f.getMessage().startsWith("CORS Rejected")) {
          Replies.error(ctx, forbiddenOrigin(ctx));
        } else {
          ctx.next();
        }
      });
      // the CorsHandler fails a preflight from another origin with 403: answered in the one error shape
      router.errorHandler(403, ctx -> Replies.error(ctx, forbiddenOrigin(ctx)));
    }
    router.get("/docs").order(-10).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(DOCS_HTML));
    router.get("/docs/platform-init.js").order(-10).handler(ctx -> ctx.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8").end(DOCS_INIT));
    router.get("/docs/*").order(-9).handler(StaticHandler.create(SWAGGER_UI).setIndexPage("index.html")
      .setCachingEnabled(true).setMaxAgeSeconds(86_400));
    if (metrics != null && metricsOnApiPort) {
      router.get("/metrics").order(-10).handler(metrics::handle);
    }
    return router;
  }

  /**
   * For {@code metrics.port} above 0: a server of its own with only /metrics. Completes with null
   * when metrics are off or served on the API port.
   */
  public static io.vertx.core.Future<io.vertx.core.http.HttpServer> metricsServer(io.vertx.core.Vertx vertx,
                                                                                 Metrics metrics, String host, int port) {
    if (metrics == null || port == 0) {
      return io.vertx.core.Future.succeededFuture();
    }
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      // the same rule as the gateway's: a well-formed id the client sent, else a new one
      String given = ctx.request().getHeader("x-request-id");
      ctx.response().putHeader("x-request-id", given != null && given.matches("[A-Za-z0-9._:-]{1,128}")
        ? given : java.util.UUID.randomUUID().toString());
      ctx.next();
    });
    r.get("/metrics").handler(metrics::handle);
    return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost(host).setPort(port))
      .requestHandler(r).listen()
      .onSuccess(s -> LoggerFactory.getLogger(OpsRoutes.class).info("metrics on {}:{}/metrics", host, s.actualPort()));
  }

  private static ApiError forbiddenOrigin(io.vertx.ext.web.RoutingContext ctx) {
    return ApiError.forbidden("the origin " + ctx.request().getHeader("Origin") + " may not call this API");
  }

  private CorsHandler corsHandler(List<String> origins) {
    CorsHandler h = CorsHandler.create();
    if (!origins.contains("*")) {
      h.addOrigins(origins);
    }
    Set<HttpMethod> methods = new LinkedHashSet<>();
    Set<String> requestHeaders = new LinkedHashSet<>(List.of("authorization", "content-type", "x-api-token",
      "x-request-id"));
    Set<String> responseHeaders = new LinkedHashSet<>(List.of("x-request-id"));
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    for (String p : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(p);
      for (String m : item.fieldNames()) {
        if (!(item.getValue(m) instanceof JsonObject) || m.equals("parameters")) {
          continue;
        }
        methods.add(HttpMethod.valueOf(m.toUpperCase(Locale.ROOT)));
        JsonObject op = item.getJsonObject(m);
        headerParams(op.getJsonArray("parameters"), requestHeaders);
        headerParams(item.getJsonArray("parameters"), requestHeaders);
        JsonObject responses = op.getJsonObject("responses", new JsonObject());
        for (String code : responses.fieldNames()) {
          JsonObject r = resolve(responses.getValue(code));
          if (r != null && r.getJsonObject("headers") != null) {
            r.getJsonObject("headers").fieldNames().forEach(n -> responseHeaders.add(n.toLowerCase(Locale.ROOT)));
          }
        }
      }
    }
    return h.allowedMethods(methods).allowedHeaders(requestHeaders).exposedHeaders(responseHeaders)
      .allowCredentials(cors.getBoolean("allowCredentials", false))
      .maxAgeSeconds(cors.getInteger("maxAgeSeconds", 600));
  }

  private void headerParams(JsonArray params, Set<String> into) {
    if (params == null) {
      return;
    }
    for (Object o : params) {
      JsonObject p = resolve(o);
      if (p != null && "header".equals(p.getString("in"))) {
        into.add(p.getString("name").toLowerCase(Locale.ROOT));
      }
    }
  }

  /** Follows a local {@code $ref} ("#/components/..."), or returns the object itself. */
  private JsonObject resolve(Object o) {
    if (!(o instanceof JsonObject)) {
      return null;
    }
    JsonObject j = (JsonObject) o;
    String ref = j.getString("$ref");
    if (ref == null || !ref.startsWith("#/")) {
      return j;
    }
    Object node = document;
    for (String part : ref.substring(2).split("/")) {
      node = node instanceof JsonObject ? ((JsonObject) node).getValue(part) : null;
    }
    return node instanceof JsonObject ? (JsonObject) node : null;
  }

  /** One line per request when its answer is written, and the operation's latency. */
  private void accessLog(RoutingContext ctx) {
    long t0 = System.nanoTime();
    ctx.addEndHandler(v -> {
      long nanos = System.nanoTime() - t0;
      int status = ctx.response().getStatusCode();
      String opId = ctx.get(OPERATION_ID);
      if (metrics != null && opId != null) {
        metrics.recordOperation(opId, status, nanos);
      }
      if (ACCESS.isInfoEnabled()) {
        String route = ctx.get(ROUTE);
        if (route == null) {
          route = ctx.request().path();
        }
        String reqId = ctx.get(Replies.REQ_ID_KEY);
        String org = ctx.get(ORG);
        long ms = nanos / 1_000_000;
        ACCESS.atInfo()
          .addKeyValue("method", ctx.request().method().name())
          .addKeyValue("route", route)
          .addKeyValue("operationId", opId)
          .addKeyValue("status", status)
          .addKeyValue("durationMs", ms)
          .addKeyValue("reqId", reqId)
          .addKeyValue("org", org)
          // the text layout prints reqId and org from the MDC; JSON has them in the key/value list too
          .log("{} {} {} {} {}ms", ctx.request().method().name(), route, opId == null ? "-" : opId, status, ms);
      }
    });
    ctx.next();
  }
}
