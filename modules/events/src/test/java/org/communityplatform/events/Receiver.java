package org.communityplatform.events;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.communityplatform.testing.TestPlatform;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP receiver of webhook calls for tests: records each call and answers the scripted status codes (then 200). */
final class Receiver implements AutoCloseable {

  /** One received call. */
  record Call(String id, String timestamp, String signature, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final LinkedBlockingQueue<Call> calls = new LinkedBlockingQueue<>();
  private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();

  Receiver() {
    server = TestPlatform.await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      calls.add(new Call(req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"), req.getHeader("webhook-signature"),
        b.toString()));
      Integer status = script.poll();
      req.response().setStatusCode(status == null ? 200 : status).end("ok");
    })).listen(0, "127.0.0.1"));
  }

  /** The next answers, in order; afterwards 200. */
  Receiver answer(Integer... statuses) {
    script.addAll(java.util.List.of(statuses));
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  Call next(long seconds) {
    try {
      return calls.poll(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  Call take(long seconds) {
    Call c = next(seconds);
    if (c == null) {
      throw new AssertionError("no webhook call within " + seconds + " s");
    }
    return c;
  }

  /**
   * The receiver's own check, written from the Standard Webhooks specification: HMAC-SHA256 keyed
   * with the base64-decoded part of the secret after "whsec_", over "id.timestamp.body", base64,
   * compared with each space-separated "v1,<sig>" of the header.
   */
  static boolean verifies(String secret, Call c) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    byte[] expected = mac.doFinal((c.id() + "." + c.timestamp() + "." + c.body()).getBytes(StandardCharsets.UTF_8));
    for (String part : c.signature().split(" ")) {
      if (part.startsWith("v1,") && java.security.MessageDigest.isEqual(Base64.getDecoder().decode(part.substring(3)), expected)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    vertx.close();
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
