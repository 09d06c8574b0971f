package org.communityplatform.chatsync;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/**
 * A Stream call that did not succeed: {@code status} is the HTTP status (0 when no answer came: no
 * connection, or none within the time-out), {@code retryAfterMs} what Stream's Retry-After asked (0: nothing).
 */
final class StreamFailure extends RuntimeException {

  final int status;
  final long retryAfterMs;

  StreamFailure(int status, String message, long retryAfterMs) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }

  static StreamFailure of(HttpResponse<Buffer> res) {
    String detail = null;
    try {
      JsonObject body = res.body() == null ? null : new JsonObject(res.body());
      detail = body == null ? null : body.getString("message");
    } catch (RuntimeException ignored) {
      // Stream answers JSON; a proxy in front of it may not
    }
    long retryAfter = 0;
    String ra = res.getHeader("Retry-After");
    if (ra != null && ra.matches("\\d{1,6}")) {
      retryAfter = Long.parseLong(ra) * 1000;
    }
    String text = "Stream answered " + res.statusCode() + (detail == null ? "" : ": " + detail);
    return new StreamFailure(res.statusCode(), text.length() > 500 ? text.substring(0, 500) : text, retryAfter);
  }

  /** The channel is not there (404): nothing to add to, remove from, rename or delete. */
  boolean notFound() {
    return status == 404;
  }

  /**
   * Retrying cannot help: Stream refused the request itself (400, 404, 409, 413, 422...). Time-outs,
   * 408, 429, 5xx, and 401/403 (keys being fixed) are retried with back-off.
   */
  boolean permanent() {
    return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
  }
}
