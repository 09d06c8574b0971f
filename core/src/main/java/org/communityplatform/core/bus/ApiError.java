package org.communityplatform.core.bus;

import io.vertx.core.json.JsonObject;

/**
 * A failure with an HTTP status, carried over the bus as {@code ReplyException(status, errorJson)}
 * and written by the gateway as {@code {"error": {code, message, details}, "reqId"}}.
 */
public class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Object details;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiError(int status, String code, String message, Object details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
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

  /** The {@code error} member of the error shape. */
  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", getMessage()).put("details", details);
  }

  public static ApiError fromJson(int status, JsonObject json) {
    return new ApiError(status, json.getString("code", "error"), json.getString("message", ""), json.getValue("details"));
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
}
