package org.communityplatform.core.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import org.communityplatform.core.bus.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Writes what the gateway answers: a module's reply ({@code {status, headers, body, binary}}) or an
 * error in the one shape {@code {"error": {"code", "message", "details"}, "reqId"}} with the
 * error's own headers (Retry-After, RateLimit...). Also maps what fails before a module is asked
 * (validation, body size, undecodable HTTP) to that shape.
 */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);
  /** Routing-context key of the request id. */
  public static final String REQ_ID_KEY = "reqId";

  private Replies() {
  }

  /** Writes a module's reply. */
  static void reply(RoutingContext ctx, JsonObject reply) {
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

  /** Writes {@code err} in the one error shape, unless the response already ended. */
  public static void error(RoutingContext ctx, ApiError err) {
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

  /** Router failure handler: whatever reaches it is written in the one error shape. */
  static void failure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    ApiError err;
    if (!(f instanceof ApiError) && !RequestExtraction.wellEncoded(ctx.request().path())) {
      // the router could not decode the path (a stray '%', an escape that is not UTF-8): the client's mistake
      err = new ApiError(400, "validation_failed", "the path is not correctly encoded");
    } else if (f instanceof ApiError) {
      err = (ApiError) f;
    } else if (f instanceof HttpException) {
      int code = ((HttpException) f).getStatusCode();
      if (code == 413) {
        err = new ApiError(413, "too_large", "the request body is too large");
      } else if (code == 400 && f.getCause() != null) {
        err = validation(f.getCause());
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
    error(ctx, err);
  }

  /** The 400 (or 415) for a request the contract's validator refused, with the schema's findings as details. */
  static ApiError validation(Throwable err) {
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

  /**
   * Answers requests the HTTP decoder rejects before routing (request line or headers too long,
   * malformed HTTP) in the one error shape, and closes the connection.
   */
  static void invalidRequest(HttpServerRequest request) {
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
}
