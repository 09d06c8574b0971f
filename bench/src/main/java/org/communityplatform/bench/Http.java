package org.communityplatform.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A blocking HTTP/1.1 client for set-up, checks and the smoke mode (never for load: that is wrk). */
final class Http {

  record Res(int status, String body, long nanos) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {
  }

  static Res send(String method, String url, Map<String, String> headers, String body, int timeoutSeconds) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds));
    headers.forEach(b::header);
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.body(), System.nanoTime() - t0);
    } catch (IOException e) {
      return new Res(-1, e.toString(), System.nanoTime() - t0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Res(-1, e.toString(), System.nanoTime() - t0);
    }
  }

  static Res get(String url, Map<String, String> headers) {
    return send("GET", url, headers, null, 30);
  }

  /**
   * Polls {@code url} until it answers 200, at most {@code timeoutMs}; returns the nanoTime of the
   * first 200, or -1.
   */
  static long waitFor200(String url, long timeoutMs, Process watched) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (watched != null && !watched.isAlive()) {
        return -1;
      }
      Res r = send("GET", url, Map.of(), null, 2);
      if (r.status() == 200) {
        return System.nanoTime();
      }
      Thread.sleep(10);
    }
    return -1;
  }
}
