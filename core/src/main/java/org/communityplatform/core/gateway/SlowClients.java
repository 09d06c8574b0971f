package org.communityplatform.core.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Deadlines that keep slow clients from holding connections (slow-loris), for one HTTP server on
 * one event loop. Each connection has one timer:
 * <ul>
 *   <li>from accept until the request line and headers are read: {@code http.headerTimeoutSeconds};</li>
 *   <li>from the headers until the body is read: {@code http.bodyTimeoutSeconds} (the check runs
 *       again while the platform itself is still answering);</li>
 *   <li>after the answer, until the next request's headers on a kept-alive connection:
 *       {@code http.idleTimeoutSeconds}.</li>
 * </ul>
 * A missed deadline closes the connection. Vert.x's own idle timeout (no bytes at all for
 * {@code http.idleTimeoutSeconds}) applies as well.
 */
final class SlowClients {

  private final Vertx vertx;
  private final long headerMs;
  private final long bodyMs;
  private final long idleMs;
  private final Map<HttpConnection, Deadline> open = new HashMap<>();

  private final class Deadline {
    final HttpConnection conn;
    long timer = -1;
    HttpServerRequest current;

    Deadline(HttpConnection conn) {
      this.conn = conn;
    }

    void arm(long ms, Runnable onMiss) {
      cancel();
      timer = vertx.setTimer(ms, id -> {
        timer = -1;
        onMiss.run();
      });
    }

    void cancel() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    void bodyDeadline() {
      if (!current.isEnded()) {
        conn.close();
      } else if (!current.response().ended()) {
        arm(bodyMs, this::bodyDeadline);
      } else {
        arm(idleMs, conn::close);
      }
    }
  }

  /** Reads {@code http.headerTimeoutSeconds}, {@code bodyTimeoutSeconds} and {@code idleTimeoutSeconds}. */
  SlowClients(Vertx vertx, JsonObject http) {
    this.vertx = vertx;
    this.headerMs = seconds(http, "headerTimeoutSeconds", 10);
    this.bodyMs = seconds(http, "bodyTimeoutSeconds", 30);
    this.idleMs = seconds(http, "idleTimeoutSeconds", 60);
  }

  private static long seconds(JsonObject http, String key, int def) {
    return Math.max(1, http.getInteger(key, def)) * 1000L;
  }

  /** A connection was accepted: its request line and headers are due within the header timeout. */
  void opened(HttpConnection conn) {
    Deadline d = new Deadline(conn);
    open.put(conn, d);
    conn.closeHandler(v -> {
      Deadline gone = open.remove(conn);
      if (gone != null) {
        gone.cancel();
      }
    });
    d.arm(headerMs, conn::close);
  }

  /** A request's headers were read: its body is due within the body timeout. */
  void headersRead(HttpServerRequest request) {
    Deadline d = open.get(request.connection());
    if (d == null) {
      return;
    }
    d.current = request;
    d.arm(bodyMs, d::bodyDeadline);
  }
}
