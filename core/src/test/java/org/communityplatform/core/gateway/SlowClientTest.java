package org.communityplatform.core.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.PlatformExtension;
import org.communityplatform.testing.TestPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients cannot hold connections (http.headerTimeoutSeconds, bodyTimeoutSeconds,
 * idleTimeoutSeconds), and X-Forwarded-For counts only from http.trustedProxies.
 */
class SlowClientTest {

  static final int HEADER_S = 2;
  static final int BODY_S = 2;
  // well above the header and body deadlines, so that a close by the idle timeout cannot pass for one
  static final int IDLE_S = 8;

  @RegisterExtension
  static final PlatformExtension p = PlatformExtension.with(new JsonObject().put("http", new JsonObject()
    .put("headerTimeoutSeconds", HEADER_S).put("bodyTimeoutSeconds", BODY_S).put("idleTimeoutSeconds", IDLE_S)
    .put("instances", 1)
    // the test client connects from 127.0.0.1: it plays the part of a trusted proxy
    .put("trustedProxies", new JsonArray().add("127.0.0.0/8").add("10.1.0.0/16"))));

  /**
   * Sends {@code first}, then one byte every half second (a slow-loris), and gives how many
   * milliseconds passed until the server closed the connection; fails if it stays open 30 s.
   */
  private long secondsUntilClosed(String first, String drip) throws IOException {
    try (Socket s = new Socket("127.0.0.1", p.get().port())) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long t0 = System.nanoTime();
      out.write(first.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      int i = 0;
      while (System.nanoTime() - t0 < 30_000_000_000L) {
        try {
          int b = in.read();
          if (b < 0) {
            return (System.nanoTime() - t0) / 1_000_000;
          }
          // an answer is not what a slow-loris waits for: drain it and keep going
          in.skip(in.available());
        } catch (SocketTimeoutException e) {
          try {
            out.write(drip.charAt(i++ % drip.length()));
            out.flush();
          } catch (IOException closed) {
            return (System.nanoTime() - t0) / 1_000_000;
          }
        } catch (IOException reset) {
          return (System.nanoTime() - t0) / 1_000_000;
        }
      }
      return Long.MAX_VALUE;
    }
  }

  @Test
  void aRequestLineSentByteByByteIsCutOffAtTheHeaderTimeout() throws IOException {
    long ms = secondsUntilClosed("G", "ET /api/health HTTP/1.1\r\nHost: x\r\nX-A: b\r\n");
    assertThat(ms).isBetween(HEADER_S * 1000L - 200, HEADER_S * 1000L + 5000);
  }

  @Test
  void aConnectionThatSendsNothingOrStopsMidLineIsCutOffAtTheHeaderTimeout() throws IOException {
    for (String first : new String[] {"", "GET /api/hea"}) {
      try (Socket s = new Socket("127.0.0.1", p.get().port())) {
        s.setSoTimeout((IDLE_S + 5) * 1000);
        long t0 = System.nanoTime();
        s.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        int read;
        try {
          read = s.getInputStream().read();
        } catch (IOException reset) {
          read = -1;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(read).as("closed without an answer").isEqualTo(-1);
        assertThat(ms).as("'%s' then silence", first).isBetween(HEADER_S * 1000L - 200, IDLE_S * 1000L - 1000);
      }
    }
  }

  @Test
  void headersThatNeverEndAreCutOffAtTheHeaderTimeout() throws IOException {
    long ms = secondsUntilClosed("GET /api/health HTTP/1.1\r\nHost: x\r\n", "X-Slow: aaaaaaa\r\n");
    assertThat(ms).isBetween(HEADER_S * 1000L - 200, HEADER_S * 1000L + 5000);
  }

  @Test
  void aBodyThatNeverEndsIsCutOffAtTheBodyTimeout() throws IOException {
    long ms = secondsUntilClosed("POST /probe/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      + "Content-Length: 100000\r\n\r\n{\"text\":\"", "a");
    assertThat(ms).isBetween(BODY_S * 1000L - 200, BODY_S * 1000L + 5000);
  }

  @Test
  void aKeptAliveConnectionMustSendItsNextRequestWithinTheIdleTimeout() throws IOException {
    long ms = secondsUntilClosed("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nG", "ET /api/health HTTP/1.1\r\nX-A: b\r\n");
    assertThat(ms).isBetween(IDLE_S * 1000L - 200, (IDLE_S + BODY_S) * 1000L + 5000);
  }

  @Test
  void aPromptClientIsServed() {
    assertThat(p.get().get("/api/health").send().status()).isEqualTo(200);
  }

  private static String address(String forwardedFor) {
    TestPlatform.Req req = p.get().get("/probe/whoami").as("someone");
    if (forwardedFor != null) {
      req.header("X-Forwarded-For", forwardedFor);
    }
    return req.send().json().getString("client");
  }

  @Test
  void forwardedForIsBelievedOnlyFromTrustedProxies() {
    assertThat(address(null)).isEqualTo("127.0.0.1");
    assertThat(address("203.0.113.7")).isEqualTo("203.0.113.7");
    // the right-most untrusted hop is the client; hops through further trusted proxies are skipped
    assertThat(address("198.51.100.1, 203.0.113.7, 10.1.2.3")).isEqualTo("203.0.113.7");
    // a spoofed left-most entry does not win over what the trusted proxy appended
    assertThat(address("1.2.3.4, 203.0.113.9")).isEqualTo("203.0.113.9");
    // garbage stops the walk at the last address that could be read
    assertThat(address("evil.example.com")).isEqualTo("127.0.0.1");
    assertThat(address("2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
  }
}
