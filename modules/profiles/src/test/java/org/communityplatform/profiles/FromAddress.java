package org.communityplatform.profiles;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import org.communityplatform.testing.TestPlatform;

/**
 * Requests from another client address: a client bound to a loopback address of its own
 * (127.0.0.2, 127.0.0.3, ...), so that the server sees a different remote address, as it would
 * for another machine.
 */
final class FromAddress implements AutoCloseable {

  /** One answer: status, headers, JSON body (empty when there is none). */
  record Answer(int status, MultiMap headers, JsonObject json) {
    String code() {
      JsonObject e = json.getJsonObject("error");
      return e == null ? null : e.getString("code");
    }
  }

  private final TestPlatform p;
  private final WebClient client;

  FromAddress(TestPlatform p, String localAddress) {
    this.p = p;
    this.client = WebClient.create(p.platform().vertx(), new WebClientOptions().setLocalAddress(localAddress)
      .setDefaultHost("127.0.0.1").setDefaultPort(p.port()));
  }

  Answer send(HttpMethod method, String path, String org, String bearer, JsonObject body) {
    HttpRequest<Buffer> r = client.request(method, path).putHeader("orgid", org);
    if (bearer != null) {
      r.putHeader("Authorization", "Bearer " + bearer);
    }
    return TestPlatform.await((body == null ? r.send() : r.sendJsonObject(body)).map(res -> new Answer(res.statusCode(),
      res.headers(), res.body() == null || res.body().length() == 0 ? new JsonObject() : res.bodyAsJsonObject())));
  }

  Answer post(String path, String org, JsonObject body) {
    return send(HttpMethod.POST, path, org, null, body);
  }

  @Override
  public void close() {
    client.close();
  }
}
