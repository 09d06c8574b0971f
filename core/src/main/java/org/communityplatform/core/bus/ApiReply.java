package org.communityplatform.core.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * What a module answers an operation with: {@code {status, body, headers}}. The body is JSON
 * (object or array), a string, raw bytes ({@link Buffer}) or absent.
 */
public final class ApiReply {

  private final int status;
  private final Object body;
  private final JsonObject headers = new JsonObject();

  private ApiReply(int status, Object body) {
    this.status = status;
    this.body = body;
  }

  public static ApiReply ok(Object body) {
    return new ApiReply(200, body);
  }

  public static ApiReply created(Object body) {
    return new ApiReply(201, body);
  }

  public static ApiReply noContent() {
    return new ApiReply(204, null);
  }

  public static ApiReply status(int status, Object body) {
    return new ApiReply(status, body);
  }

  public ApiReply header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Object body() {
    return body;
  }

  public JsonObject headers() {
    return headers;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", status);
    if (body != null) {
      json.put("body", body);
      if (body instanceof io.vertx.core.buffer.Buffer) {
        json.put("binary", true);
      }
    }
    if (!headers.isEmpty()) {
      json.put("headers", headers);
    }
    return json;
  }
}
