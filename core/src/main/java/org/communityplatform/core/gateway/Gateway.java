package org.communityplatform.core.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import org.communityplatform.core.auth.PlatformAuth;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.bus.ApiReply;
import org.communityplatform.core.bus.ApiRequest;
import org.communityplatform.core.bus.ApiVerticle;
import org.communityplatform.core.bus.LocalJsonCodec;
import org.communityplatform.core.ops.OpsRoutes;
import org.communityplatform.core.ops.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HTTP side, routing and handling: routes from the merged contract, and for each request the
 * caller and organisation ({@link RequestAuthenticator}), validation, the bus envelope and the
 * forwarding of the operation to {@code api.<module>.<operationId>}; answers are written by
 * {@link Replies}.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Pattern REQ_ID = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
  private static final String[] FORWARDED_HEADERS = {
    "content-type", "if-none-match", "x-language", "accept-language", "user-agent"};
  private static final String REQ_ID_KEY = Replies.REQ_ID_KEY;

  private final Vertx vertx;
  private final Contracts contracts;
  private final RequestAuthenticator authenticator;
  private final ClientAddresses clients;
  private final long timeoutMs;
  private final Map<String, Function<ApiRequest, Future<ApiReply>>> local;
  private final Buffer documentJson;
  private final Map<String, org.communityplatform.core.module.GatewayOperations.RawOperation> raw;

  /**
   * @param http  the {@code http} config section ({@code requestTimeoutMs}, {@code trustedProxies})
   * @param local operations of the {@code platform} contract answered on this node, without the bus
   * @throws IllegalArgumentException when {@code http.trustedProxies} has an entry that is not an address or CIDR
   */
  public Gateway(Vertx vertx, Contracts contracts, PlatformAuth auth, JsonObject http,
                 Map<String, Function<ApiRequest, Future<ApiReply>>> local) {
    this.vertx = vertx;
    this.contracts = contracts;
    this.authenticator = new RequestAuthenticator(auth);
    this.clients = new ClientAddresses(http.getJsonArray("trustedProxies", new JsonArray()));
    this.timeoutMs = http.getLong("requestTimeoutMs", 10_000L);
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

  private volatile Future<Void> validatorsBuilt = Future.succeededFuture();
  private volatile boolean stopping;

  /** The node stops: the validators not built yet are left to requests (none will come). */
  public void stopping() {
    stopping = true;
  }

  /** Completes when every operation's request validator has been built (after {@link #router}). */
  public Future<Void> validatorsBuilt() {
    return validatorsBuilt;
  }

  /**
   * Builds the router: every operation of {@code contract} (the {@link Contracts#validationDocument()}
   * of this gateway's contracts, resolved), {@code /openapi.json}, error handlers.
   */
  public Future<Router> router(OpenAPIContract contract, Function<Router, Router> extraRoutes) {
    // the routes are built on a worker; the request validators (a second of CPU) later, see ValidatorSlot
    return vertx.executeBlocking(() -> {
      RouterBuilder rb = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
      List<ValidatorSlot> slots = new ArrayList<>();

      for (OpenAPIRoute route : rb.getRoutes()) {
        Operation op = route.getOperation();
        Contracts.OperationInfo info = contracts.operation(op.getOperationId());
        route.setDoSecurity(false).setDoValidation(false);
        if (raw.containsKey(op.getOperationId())) {
          // a stream operation reads no body: the request stays paused (not ended) through the
          // asynchronous authentication, so that it can still become a WebSocket
          route.addHandler(ctx -> {
            ctx.request().pause();
            ctx.next();
          });
        } else {
          route.addHandler(BodyHandler.create(false).setBodyLimit(info.bodyLimit));
        }
        ValidatorSlot validator = new ValidatorSlot(vertx, contract, op);
        slots.add(validator);
        route.addHandler(ctx -> handle(ctx, op, info, validator));
        route.addFailureHandler(Replies::failure);
      }
      Router router = rb.createRouter();
      router.get("/openapi.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(documentJson));
      extraRoutes.apply(router);
      // first of all routes (the docs page and /metrics come before the contract's, unknown paths
      // match none): every answer carries its request id
      router.route().order(-40).handler(this::requestId);
      router.errorHandler(404, ctx -> Replies.error(ctx, ApiError.notFound("no route for " + ctx.request().method()
        + " " + ctx.request().path())));
      router.errorHandler(405, ctx -> Replies.error(ctx, new ApiError(405, "method_not_allowed",
        "method " + ctx.request().method() + " is not allowed on " + ctx.request().path())));
      router.errorHandler(413, ctx -> Replies.error(ctx, new ApiError(413, "too_large", "the request body is too large")));
      router.errorHandler(400, Replies::failure);
      router.errorHandler(500, Replies::failure);
      // built in the background from here on; a request that comes first builds its own at once
      validatorsBuilt = ValidatorSlot.prebuild(slots, () -> stopping).onFailure(err -> {
        if (err instanceof java.util.concurrent.RejectedExecutionException) {
          LOG.debug("building the request validators stopped: the node is stopping");
        } else {
          LOG.error("building the request validators failed", err);
        }
      });
      return router;
    });
  }

  private void requestId(RoutingContext ctx) {
    String given = ctx.request().getHeader("x-request-id");
    String id = given != null && REQ_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(REQ_ID_KEY, id);
    RequestContext.set(id, null);
    ctx.response().putHeader("x-request-id", id);
    try {
      // decoded here once: a stray '%' would otherwise fail later inside route matching
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      Replies.error(ctx, new ApiError(400, "validation_failed", "the query string is not correctly encoded"));
      return;
    }
    ctx.next();
  }

  private void handle(RoutingContext ctx, Operation op, Contracts.OperationInfo info, ValidatorSlot validator) {
    String reqId = ctx.get(REQ_ID_KEY);
    ctx.put(OpsRoutes.OPERATION_ID, op.getOperationId()).put(OpsRoutes.ROUTE, op.getOpenAPIPath());
    authenticator.authenticate(ctx.request(), info)
      .compose(caller -> {
        // known from here on: the lines of a request refused by validation carry it too
        ctx.put(OpsRoutes.ORG, caller.org());
        RequestContext.set(null, caller.org());
        return Future.succeededFuture(caller);
      })
      .compose(caller -> validator.get().compose(v -> RequestExtraction.extract(ctx, op)
        .compose(vr -> validate(v, vr))
        .recover(err -> Future.failedFuture(Replies.validation(err)))
        .map(validated -> envelope(ctx, op, info, caller, validated, reqId))))
      .compose(envelope -> raw.containsKey(info.operationId)
        // a stream served on this node by its module (GatewayOperations); null: it wrote its own answer
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
          Replies.reply(ctx, ar.result());
        } else {
          ApiError err = ApiError.from(ar.cause());
          if (err.status() == 503 || err.status() == 504) {
            // a dependency that is down or slow: expected while it lasts, not a defect
            LOG.warn("request {} {} {}: {} {}", reqId, ctx.request().method(), ctx.request().path(), err.status(),
              err.getMessage());
          } else if (err.status() >= 500 && !(ar.cause() instanceof ApiError)) {
            LOG.error("request {} {} {} failed", reqId, ctx.request().method(), ctx.request().path(), ar.cause());
          }
          Replies.error(ctx, err);
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

  /**
   * The bus envelope ({@link ApiRequest}): the organisation and principal as the authenticator
   * decided them, the client address as {@link ClientAddresses} decided it. The {@code orgid}
   * header itself is not forwarded: no module reads it.
   */
  private JsonObject envelope(RoutingContext ctx, Operation op, Contracts.OperationInfo info,
                              RequestAuthenticator.Caller caller, ValidatedRequest validated, String reqId) {
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
    String lang = h.get("x-language");
    if (lang == null && h.get("accept-language") != null) {
      lang = h.get("accept-language").split("[,;]")[0].trim();
    }
    JsonObject env = new JsonObject()
      .put("op", op.getOperationId())
      .put("path", path)
      .put("query", query)
      .put("headers", headers)
      .put("principal", caller.principal())
      .put("org", caller.org())
      .put("lang", lang == null || lang.isBlank() ? null : lang)
      .put("reqId", reqId)
      .put("client", clients.of(ctx.request()));
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
        LocalJsonCodec.options().setSendTimeout(timeoutMs))
      .map(msg -> msg.body());
  }
}
