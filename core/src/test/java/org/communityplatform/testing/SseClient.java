package org.communityplatform.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client for tests, parsing the stream as the WHATWG HTML specification
 * describes (records separated by a blank line; {@code id:}, {@code event:}, {@code data:} fields;
 * lines starting with ':' are comments). Blocking calls for the test thread.
 */
public final class SseClient implements AutoCloseable {

  /** One received record: its id, event name and data (the event JSON). */
  public record Record(String id, String event, JsonObject data) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final LinkedBlockingQueue<Record> records = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private HttpClientResponse response;
  private final StringBuilder pending = new StringBuilder();
  private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

  private SseClient(int port) {
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** Opens {@code path} (with query) on {@code port} with the given headers; waits for the response head. */
  public static SseClient open(int port, String path, Map<String, String> headers) {
    SseClient c = new SseClient(port);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI(path).putHeader("accept", "text/event-stream");
    headers.forEach(o::putHeader);
    c.response = TestPlatform.await(c.client.request(o).compose(req -> req.send()).map(resp -> {
      resp.handler(c::feed);
      resp.endHandler(v -> c.ended.countDown());
      resp.exceptionHandler(e -> c.ended.countDown());
      return resp;
    }));
    return c;
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.getHeader(name);
  }

  private synchronized void feed(Buffer b) {
    pending.append(b.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String id = null;
      String event = "message";
      StringBuilder data = new StringBuilder();
      boolean any = false;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
          any = true;
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
          any = true;
        } else if (line.startsWith("data:")) {
          data.append(data.length() > 0 ? "\n" : "").append(line.substring(5).trim());
          any = true;
        }
      }
      if (any) {
        records.add(new Record(id, event, data.length() == 0 ? null : new JsonObject(data.toString())));
      }
    }
  }

  /** The next record, or null after {@code seconds}. */
  public Record next(long seconds) {
    try {
      return records.poll(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Exactly {@code n} next records (fails the test when they do not come within {@code seconds} each). */
  public List<Record> take(int n, long seconds) {
    List<Record> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Record r = next(seconds);
      if (r == null) {
        throw new AssertionError("expected " + n + " records, got " + out.size() + ": " + out);
      }
      out.add(r);
    }
    return out;
  }

  /** Records already received and not taken yet. */
  public List<Record> drain() {
    List<Record> out = new ArrayList<>();
    records.drainTo(out);
    return out;
  }

  /** Whether the server ended the stream (or the connection broke) within {@code seconds}. */
  public boolean ended(long seconds) {
    try {
      return ended.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The next comment line (heartbeats), or null after {@code seconds}. */
  public String nextComment(long seconds) {
    try {
      return comments.poll(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    try {
      TestPlatform.await(client.close());
    } catch (RuntimeException ignored) {
      // closing an already broken connection
    }
    vertx.close();
  }
}
