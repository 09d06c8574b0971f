package org.communityplatform.core.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * A failure with an HTTP status, carried over the bus as {@code ReplyException(status, errorJson)}
 * and written by the gateway as {@code {"error": {code, message, details}, "reqId"}}.
 *
 * <p>{@link #from(Throwable)} is the one mapping from any failure to a status and error body, used by
 * the gateway and by every module: PostgreSQL errors caused by the input become 4xx, a database that
 * cannot be reached becomes 503 with {@code Retry-After}, bus failures become 503/504, the rest 500.
 * Response headers an error needs ({@code Retry-After}, rate-limit headers) travel with it in
 * {@link #headers()} and are written by the gateway, never into the body.
 */
public class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Object details;
  private final JsonObject headers;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiError(int status, String code, String message, Object details) {
    this(status, code, message, details, null);
  }

  public ApiError(int status, String code, String message, Object details, JsonObject headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Object details() {
    return details;
  }

  /** Response headers that go with this error ({@code Retry-After}, ...), or null. */
  public JsonObject headers() {
    return headers;
  }

  /** A copy of this error with one more response header. */
  public ApiError withHeader(String name, String value) {
    JsonObject h = headers == null ? new JsonObject() : headers.copy();
    return new ApiError(status, code, getMessage(), details, h.put(name, value));
  }

  /** The {@code error} member of the error shape. */
  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", getMessage()).put("details", details);
  }

  /** The form carried over the bus: the {@code error} member plus {@code headers} when there are any. */
  public JsonObject toTransport() {
    JsonObject json = toJson();
    if (headers != null && !headers.isEmpty()) {
      json.put("headers", headers);
    }
    return json;
  }

  /** Reads {@link #toTransport()} back. */
  public static ApiError fromJson(int status, JsonObject json) {
    return new ApiError(status, json.getString("code", "error"), json.getString("message", ""), json.getValue("details"),
      json.getJsonObject("headers"));
  }

  /**
   * Maps any failure to an API error. PostgreSQL SQLSTATE classes (PostgreSQL manual, appendix A):
   * 23505 unique and 23503 foreign key violations are 409, 40001/40P01 (serialization, deadlock) 409,
   * class 22 and 23514/23502 (bad data, check, not null) 400, 54000 413; class 08 (connection), 57P01-03
   * (shutdown) and 53300 (too many connections) are 503. A connection that cannot be made or was closed
   * is 503. Bus failures: NO_HANDLERS 503, TIMEOUT 504, RECIPIENT_FAILURE the status it carries.
   */
  public static ApiError from(Throwable cause) {
    if (cause instanceof ApiError) {
      return (ApiError) cause;
    }
    if (cause instanceof PgException) {
      ApiError e = fromSqlState(((PgException) cause).getSqlState(), ((PgException) cause).getErrorMessage());
      if (e != null) {
        return e;
      }
    }
    if (cause instanceof ReplyException) {
      ReplyException re = (ReplyException) cause;
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new ApiError(503, "unavailable", "a module this request needs is not running")
            .withHeader("Retry-After", "5");
        case TIMEOUT:
          return new ApiError(504, "timeout", "a module this request needs did not answer in time");
        default:
          if (re.failureCode() >= 400 && re.failureCode() < 600) {
            try {
              return fromJson(re.failureCode(), new JsonObject(re.getMessage()));
            } catch (RuntimeException ignored) {
              return new ApiError(re.failureCode(), "error", String.valueOf(re.getMessage()));
            }
          }
      }
    }
    if (isConnectionFailure(cause)) {
      return databaseUnavailable();
    }
    return new ApiError(500, "internal_error", "internal error");
  }

  private static ApiError fromSqlState(String state, String message) {
    if (state == null) {
      return null;
    }
    switch (state) {
      case "23505":
        return new ApiError(409, "conflict", "a record with the same unique value already exists");
      case "23503":
        return new ApiError(409, "conflict", "a referenced record does not exist or is still referenced");
      case "40001":
      case "40P01":
        return new ApiError(409, "conflict", "a concurrent change got in the way; try again");
      case "23514":
      case "23502":
        return new ApiError(400, "bad_request", "a value is not acceptable: " + message);
      case "54000":
        return new ApiError(413, "too_large", "a value is too large");
      case "53300":
      case "57P01":
      case "57P02":
      case "57P03":
        return databaseUnavailable();
      default:
        if (state.startsWith("22")) {
          return new ApiError(400, "bad_request", "a value is not acceptable: " + message);
        }
        if (state.startsWith("08")) {
          return databaseUnavailable();
        }
        return null;
    }
  }

  /** Whether the failure (or one of its causes) is a connection to a dependency that failed. */
  static boolean isConnectionFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedChannelException
        || t instanceof io.vertx.core.VertxException && String.valueOf(t.getMessage()).contains("closed")
        || t.getClass().getName().endsWith("NoStackTraceTimeoutException")) {
        return true;
      }
    }
    return false;
  }

  /** 503 for a database that does not answer; clients may try again after a few seconds. */
  public static ApiError databaseUnavailable() {
    return new ApiError(503, "unavailable", "the database is not reachable; try again shortly")
      .withHeader("Retry-After", "5");
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  public static ApiError badRequest(String message, Object details) {
    return new ApiError(400, "bad_request", message, details);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  public static ApiError unprocessable(String message) {
    return new ApiError(422, "unprocessable", message);
  }

  /** 429 with {@code Retry-After} in whole seconds (RFC 9110, section 10.2.3). */
  public static ApiError tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiError(429, "rate_limited", message, null)
      .withHeader("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
  }
}
