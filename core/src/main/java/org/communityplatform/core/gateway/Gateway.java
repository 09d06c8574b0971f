package org.communityplatform.core.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HTTP side: routes from the merged contract, authentication, validation, and forwarding of
 * each operation over the bus to {@code api.<module>.<operationId>}.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Pattern ORG = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
  private static final Pattern REQ_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
  private static final String[] FORWARDED_HEADERS = {
    "content-type", "if-none-match", "x-language", "accept-language", "user-agent", "orgid"};
  public static final String REQ_ID_KEY = "reqId";

  private final Vertx vertx;
  private final Contracts contracts;
  private final PlatformAuth auth;
  private final long timeoutMs;
  private final Map<String, Function<ApiRequest, Future<ApiReply>>> local;
  private final Buffer documentJson;
  private final Map<String, org.communityplatform.core.module.GatewayOperations.RawOperation> raw;

  /**
   * @param local operations of the {@code platform} contract answered on this node, without the bus
   */
  public Gateway(Vertx vertx, Contracts contracts, PlatformAuth auth, long timeoutMs,
                 Map<String, Function<ApiRequest, Future<ApiReply>>> local) {
    this.vertx = vertx;
    this.contracts = contracts;
    this.auth = auth;
    this.timeoutMs = timeoutMs;
    this.local = local;
    this.documentJson = contracts.document().toBuffer();
    this.raw = new java.util.HashMap<>();
  }

  /**
   * Operations answered on this node by a module itself (streams), after the same authentication
   * and validation as every other operation; see {@link org.communityplatform.core.module.GatewayOperations}.
   */
  public Gateway raw(Map<String, org.communityplatform.core.module.GatewayOperations.RawOperation> operations) {
    raw.putAll(operations);
    return this;
  }

  /** Builds the router: every contract operation, {@code /openapi.json}, error handlers. */
  public Future<Router> router(Function<Router, Router> extraRoutes) {
    // building validators for every schema is CPU work of a second or more: kept off the event loop
    return OpenAPIContract.from(vertx, contracts.validationDocument()).compose(contract -> vertx.executeBlocking(() -> {
      RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());

      rb.rootHandler(this::requestId);
      for (OpenAPIRoute route : rb.getRoutes()) {
        Operation op = route.getOperation();
        Contracts.OperationInfo info = contracts.operation(op.getOperationId());
        route.setDoSecurity(false).setDoValidation(false);
        route.addHandler(BodyHandler.create(false).setBodyLimit(info.bodyLimit));
        OperationValidator validator = new OperationValidator(contract, op);
        route.addHandler(ctx -> handle(ctx, op, info, validator));
        route.addFailureHandler(this::failure);
      }
      Router router = rb.createRouter();
      router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(documentJson));
      extraRoutes.apply(router);
      router.errorHandler(404, ctx -> writeError(ctx, ApiError.notFound("no route for " + ctx.request().method()
        + " " + ctx.request().path())));
      router.errorHandler(405, ctx -> writeError(ctx, new ApiError(405, "method_not_allowed",
        "method " + ctx.request().method() + " is not allowed on " + ctx.request().path())));
      router.errorHandler(413, ctx -> writeError(ctx, new ApiError(413, "too_large", "the request body is too large")));
      router.errorHandler(400, this::failure);
      router.errorHandler(500, this::failure);
      return router;
    }));
  }

  private void requestId(RoutingContext ctx) {
    String given = ctx.request().getHeader("x-request-id");
    String id = given != null && REQ_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(REQ_ID_KEY, id);
    ctx.response().putHeader("x-request-id", id);
    try {
      // decoded here once: a stray '%' would otherwise fail later inside route matching
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      writeError(ctx, new ApiError(400, "validation_failed", "the query string is not correctly encoded"));
      return;
    }
    ctx.next();
  }

  private void handle(RoutingContext ctx, Operation op, Contracts.OperationInfo info, OperationValidator validator) {
    String reqId = ctx.get(REQ_ID_KEY);
    String orgHeader = ctx.request().getHeader("orgid");
    if (orgHeader != null && !ORG.matcher(orgHeader).matches()) {
      writeError(ctx, ApiError.badRequest("header 'orgid' must be 1-64 letters, digits, '.', '_' or '-'",
        new JsonArray().add(new JsonObject().put("in", "header").put("name", "orgid"))));
      return;
    }
    authenticate(ctx, info)
      .compose(principal -> extract(ctx, op)
        .compose(vr -> validate(validator, vr))
        .recover(err -> Future.failedFuture(validationError(err)))
        .map(validated -> envelope(ctx, op, info, principal, validated, orgHeader, reqId)))
      .compose(envelope -> raw.containsKey(info.operationId)
        ? raw.get(info.operationId).serve(ctx, new ApiRequest(envelope)).map(v -> (JsonObject) null)
          .recover(err -> ctx.response().headWritten() ? Future.succeededFuture() : Future.failedFuture(err))
        : dispatch(info, envelope))
      .onComplete(ar -> {
        if (ctx.response().ended() || ctx.response().closed()) {
          return;
        }
        if (ar.succeeded()) {
          if (ar.result() == null) {
            return; // a raw operation that wrote (or abandoned) its own answer
          }
          writeReply(ctx, ar.result());
        } else {
          ApiError err = ApiError.from(ar.cause());
          if (err.status() >= 500 && !(ar.cause() instanceof ApiError)) {
            LOG.error("request {} {} {} failed", reqId, ctx.request().method(), ctx.request().path(), ar.cause());
          }
          writeError(ctx, err);
        }
      });
  }

  /**
   * Validates on the calling event loop: schema checks of small documents are cheap CPU work, and
   * the library's own {@code validate} would hop to a worker through an ordered
   * {@code executeBlocking}, serialising every request of an event loop behind one worker.
   */
  private static Future<ValidatedRequest> validate(OperationValidator validator, ValidatableRequest request) {
    try {
      return Future.succeededFuture(validator.validate(request));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Reads path, query, headers and body; a malformed query string (a stray '%') is a 400. */
  private static Future<ValidatableRequest> extract(RoutingContext ctx, Operation op) {
    try {
      return RequestExtractor.withBodyHandler().extractValidatableRequest(ctx, op);
    } catch (RuntimeException e) {
      return Future.failedFuture(new ApiError(400, "validation_failed",
        "the query string or a path segment is not correctly encoded"));
    }
  }

  private Future<JsonObject> authenticate(RoutingContext ctx, Contracts.OperationInfo info) {
    if (info.accepts("apiToken")) {
      String apiToken = ctx.request().getHeader("x-api-token");
      if (apiToken != null || !info.accepts("bearerAuth")) {
        if (apiToken == null && info.optional) {
          return Future.succeededFuture(null);
        }
        return auth.verifyApiToken(apiToken).map(org -> new JsonObject().put("sub", "api-token:" + org)
          .put("org", org).put("roles", new JsonArray().add("api")).put("apiToken", true));
      }
    }
    String token = bearer(ctx);
    if (token == null) {
      if (info.optional) {
        return Future.succeededFuture(null);
      }
      return Future.failedFuture(ApiError.unauthorized(
        info.accepts("apiToken") ? "an x-api-token header or a bearer token is required" : "a bearer token is required"));
    }
    if (!info.secured) {
      // a public operation: a token that does not verify is ignored, the call stays anonymous
      return auth.verify(token).recover(err -> Future.succeededFuture(null));
    }
    return auth.verify(token);
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String t = header.substring(7).trim();
        return t.isEmpty() ? null : t;
      }
      return null;
    }
    Cookie cookie = ctx.request().getCookie("__session");
    return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
  }

  private static ApiError validationError(Throwable err) {
    if (err instanceof ApiError) {
      return (ApiError) err;
    }
    if (err instanceof ValidatorException) {
      ValidatorException ve = (ValidatorException) err;
      JsonArray details = new JsonArray();
      if (err instanceof SchemaValidationException) {
        OutputUnit unit = ((SchemaValidationException) err).getOutputUnit();
        if (unit != null && unit.getErrors() != null) {
          for (OutputUnit e : unit.getErrors()) {
            details.add(new JsonObject().put("path", e.getInstanceLocation()).put("message", e.getError()));
          }
        }
      }
      if (ve.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && ve.getMessage().contains("body")) {
        return new ApiError(415, "unsupported_media_type", "the request body's content type is not accepted here");
      }
      return new ApiError(400, "validation_failed", ve.getMessage(), details.isEmpty() ? null : details);
    }
    return new ApiError(400, "validation_failed", "the request is not valid: " + err.getMessage());
  }

  private JsonObject envelope(RoutingContext ctx, Operation op, Contracts.OperationInfo info, JsonObject principal,
                              ValidatedRequest validated, String orgHeader, String reqId) {
    JsonObject path = new JsonObject();
    validated.getPathParameters().forEach((k, v) -> put(path, k, v));
    JsonObject query = new JsonObject();
    validated.getQuery().forEach((k, v) -> put(query, k, v));
    JsonObject headers = new JsonObject();
    MultiMap h = ctx.request().headers();
    for (String name : FORWARDED_HEADERS) {
      String v = h.get(name);
      if (v != null) {
        headers.put(name, v);
      }
    }
    String org;
    if (principal != null && principal.getBoolean("apiToken", false)) {
      org = principal.getString("org");
    } else if (orgHeader != null) {
      org = orgHeader;
    } else if (principal != null && principal.getString("org") != null && ORG.matcher(principal.getString("org")).matches()) {
      org = principal.getString("org");
    } else {
      org = "default";
    }
    String lang = h.get("x-language");
    if (lang == null && h.get("accept-language") != null) {
      lang = h.get("accept-language").split("[,;]")[0].trim();
    }
    JsonObject env = new JsonObject()
      .put("op", op.getOperationId())
      .put("path", path)
      .put("query", query)
      .put("headers", headers)
      .put("principal", principal)
      .put("org", org)
      .put("lang", lang == null || lang.isBlank() ? null : lang)
      .put("reqId", reqId)
      .put("client", ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress());
    if (info.rawMediaTypes != null) {
      Buffer raw = rawBody(ctx, info);
      if (raw != null) {
        env.put("body", raw);
      }
      return env;
    }
    RequestParameter body = validated.getBody();
    if (body != null && !body.isNull()) {
      env.put("body", body.get());
    }
    return env;
  }

  /** Checks a raw body against the operation's declared media types (wildcards like image/* allowed). */
  private static Buffer rawBody(RoutingContext ctx, Contracts.OperationInfo info) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      if (info.rawRequired) {
        throw new ApiError(400, "validation_failed", "the request body is required");
      }
      return null;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String bare = type == null ? "" : type.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
    for (String accepted : info.rawMediaTypes) {
      String a = accepted.toLowerCase(java.util.Locale.ROOT);
      if (a.equals(bare) || a.equals("*/*")
        || (a.endsWith("/*") && bare.startsWith(a.substring(0, a.length() - 1)))) {
        return raw;
      }
    }
    throw new ApiError(415, "unsupported_media_type", "content type '" + bare + "' is not accepted here; send one of "
      + info.rawMediaTypes);
  }

  private static void put(JsonObject target, String key, RequestParameter value) {
    if (value != null && !value.isNull()) {
      target.put(key, value.get());
    }
  }

  private Future<JsonObject> dispatch(Contracts.OperationInfo info, JsonObject envelope) {
    if ("platform".equals(info.module)) {
      Function<ApiRequest, Future<ApiReply>> handler = local.get(info.operationId);
      if (handler == null) {
        return Future.failedFuture(new ApiError(503, "unavailable", "operation " + info.operationId + " is not served"));
      }
      try {
        return handler.apply(new ApiRequest(envelope)).map(ApiReply::toJson);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.eventBus().<JsonObject>request(ApiVerticle.address(info.module, info.operationId), envelope,
        new DeliveryOptions().setSendTimeout(timeoutMs))
      .map(msg -> msg.body());
  }

  private void writeReply(RoutingContext ctx, JsonObject reply) {
    HttpServerResponse resp = ctx.response();
    int status = reply.getInteger("status", 200);
    resp.setStatusCode(status);
    JsonObject headers = reply.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(e -> resp.putHeader(e.getKey(), String.valueOf(e.getValue())));
    }
    Object body = reply.getValue("body");
    if (body == null || status == 204 || status == 304) {
      resp.end();
    } else if (reply.getBoolean("binary", false)) {
      resp.end(reply.getBuffer("body"));
    } else if (body instanceof JsonObject || body instanceof JsonArray) {
      if (!resp.headers().contains(HttpHeaders.CONTENT_TYPE)) {
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      }
      resp.end(body instanceof JsonObject ? ((JsonObject) body).toBuffer() : ((JsonArray) body).toBuffer());
    } else {
      if (!resp.headers().contains(HttpHeaders.CONTENT_TYPE)) {
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
      }
      resp.end(String.valueOf(body));
    }
  }

  /** Failure handler: everything that reaches it is written in the one error shape. */
  private void failure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    ApiError err;
    if (f instanceof ApiError) {
      err = (ApiError) f;
    } else if (f instanceof HttpException) {
      int code = ((HttpException) f).getStatusCode();
      if (code == 413) {
        err = new ApiError(413, "too_large", "the request body is too large");
      } else if (code == 400 && f.getCause() != null) {
        err = validationError(f.getCause());
      } else if (code >= 400 && code < 500) {
        err = new ApiError(code, "bad_request", f.getMessage() == null ? "bad request" : f.getMessage());
      } else {
        err = new ApiError(500, "internal_error", "internal error");
      }
    } else if (f != null) {
      err = ApiError.from(f);
    } else {
      int code = ctx.statusCode();
      err = code == 413 ? new ApiError(413, "too_large", "the request body is too large")
        : code >= 400 && code < 500 ? new ApiError(code, "bad_request", "bad request")
        : new ApiError(500, "internal_error", "internal error");
    }
    if (err.status() >= 500) {
      LOG.error("request {} failed", (Object) ctx.get(REQ_ID_KEY), f);
    }
    writeError(ctx, err);
  }

  /**
   * Answers requests the HTTP decoder rejects before routing (request line or headers too long,
   * malformed HTTP) in the one error shape.
   */
  public static void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    int status;
    String code;
    String message;
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    String text = cause == null ? "" : String.valueOf(cause.getMessage());
    if (cause instanceof io.netty.handler.codec.TooLongFrameException && text.contains("header")) {
      status = 431;
      code = "headers_too_large";
      message = "the request headers are too large";
    } else if (cause instanceof io.netty.handler.codec.TooLongFrameException) {
      status = 414;
      code = "uri_too_long";
      message = "the request line is too long";
    } else {
      status = 400;
      code = "bad_request";
      message = "the request is not valid HTTP";
    }
    String reqId = UUID.randomUUID().toString();
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
      .put("details", null)).put("reqId", reqId);
    request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .putHeader("x-request-id", reqId).putHeader(HttpHeaders.CONNECTION, "close").end(body.toBuffer());
  }

  public static void writeError(RoutingContext ctx, ApiError err) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    String reqId = ctx.get(REQ_ID_KEY);
    if (reqId == null) {
      reqId = UUID.randomUUID().toString();
      resp.putHeader("x-request-id", reqId);
    }
    if (err.headers() != null) {
      err.headers().forEach(e -> resp.putHeader(e.getKey(), String.valueOf(e.getValue())));
    }
    JsonObject body = new JsonObject().put("error", err.toJson()).put("reqId", reqId);
    resp.setStatusCode(err.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }
}
