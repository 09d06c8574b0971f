package org.communityplatform.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.communityplatform.core.Platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real platform for tests: real HTTP server on a random port, a fresh database in the shared
 * embedded PostgreSQL, the real bus. Calls block the test thread (never an event loop).
 *
 * <pre>
 * try (TestPlatform p = TestPlatform.start()) {
 *   Res r = p.post("/api/backlog").json(body).send();
 *   assertThat(r.status()).isEqualTo(201);
 * }
 * </pre>
 */
public final class TestPlatform implements AutoCloseable {

  private final Platform platform;
  private final Vertx clientVertx;
  private final WebClient client;
  private final MutableClock clock;

  private TestPlatform(Platform platform, MutableClock clock) {
    this.platform = platform;
    this.clock = clock;
    this.clientVertx = Vertx.vertx();
    this.client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(platform.httpPort()).setKeepAlive(true));
  }

  public static TestPlatform start() {
    return start(new JsonObject());
  }

  /** Starts a platform on a fresh database; {@code overrides} is nested config (e.g. modules.backlog.enabled). */
  public static TestPlatform start(JsonObject overrides) {
    return start(overrides, Map.of());
  }

  public static TestPlatform start(JsonObject overrides, Map<String, String> env) {
    JsonObject cfg = new JsonObject()
      .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("data", new JsonObject().put("dir", tempDir().toString()))
      .put("db", new JsonObject().put("url", SharedPostgres.newDatabaseUrl()).put("poolSize", 8))
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", "test-secret-test-secret-test-secret-0123456789")));
    deepMerge(cfg, overrides);
    return startWith(cfg, env);
  }

  /** Starts with exactly this config override (no fresh database added). */
  public static TestPlatform startWith(JsonObject cfg, Map<String, String> env) {
    MutableClock clock = new MutableClock();
    Platform p = await(Platform.start(null, env, new Properties(), cfg, clock));
    return new TestPlatform(p, clock);
  }

  public static Path tempDir() {
    try {
      return Files.createTempDirectory("platform-test");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public Platform platform() {
    return platform;
  }

  public int port() {
    return platform.httpPort();
  }

  public Pool pool() {
    return platform.database().pool();
  }

  /** The platform clock: move it forward to test expiry. */
  public MutableClock clock() {
    return clock;
  }

  /** A token the platform accepts, for {@code sub} with extra claims (name, email, roles, org...). */
  public String token(String sub, JsonObject claims) {
    return platform.auth().issueToken(sub, claims);
  }

  public String token(String sub) {
    return token(sub, new JsonObject());
  }

  /** Runs SQL against the platform's database and returns the rows. */
  public List<Row> sql(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    await(pool().preparedQuery(sql).execute(Tuple.from(params))).forEach(rows::add);
    return rows;
  }

  public Req get(String path) {
    return new Req(HttpMethod.GET, path);
  }

  public Req post(String path) {
    return new Req(HttpMethod.POST, path);
  }

  public Req put(String path) {
    return new Req(HttpMethod.PUT, path);
  }

  public Req patch(String path) {
    return new Req(HttpMethod.PATCH, path);
  }

  public Req delete(String path) {
    return new Req(HttpMethod.DELETE, path);
  }

  public Req request(HttpMethod method, String path) {
    return new Req(method, path);
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      await(platform.stop());
    } finally {
      client.close();
      clientVertx.close();
    }
  }

  private static void deepMerge(JsonObject target, JsonObject source) {
    for (String key : source.fieldNames()) {
      Object v = source.getValue(key);
      Object existing = target.getValue(key);
      if (v instanceof JsonObject && existing instanceof JsonObject) {
        deepMerge((JsonObject) existing, (JsonObject) v);
      } else {
        target.put(key, v);
      }
    }
  }

  /** A request being built. */
  public final class Req {
    private final HttpRequest<Buffer> request;
    private Buffer body;

    Req(HttpMethod method, String path) {
      this.request = client.request(method, path);
    }

    public Req header(String name, String value) {
      request.putHeader(name, value);
      return this;
    }

    public Req bearer(String token) {
      return header("Authorization", "Bearer " + token);
    }

    public Req as(String sub) {
      return bearer(token(sub));
    }

    public Req org(String org) {
      return header("orgid", org);
    }

    public Req query(String name, String value) {
      request.addQueryParam(name, value);
      return this;
    }

    public Req json(Object json) {
      header("Content-Type", "application/json");
      body = json instanceof JsonObject ? ((JsonObject) json).toBuffer()
        : json instanceof JsonArray ? ((JsonArray) json).toBuffer() : Buffer.buffer(String.valueOf(json));
      return this;
    }

    /** A raw body, sent as is with the given content type. */
    public Req body(String contentType, Buffer raw) {
      header("Content-Type", contentType);
      body = raw;
      return this;
    }

    public Res send() {
      return await((body == null ? request.send() : request.sendBuffer(body))
        .map(r -> new Res(r.statusCode(), r.headers(), r.body())));
    }
  }

  /** A response. */
  public static final class Res {
    private final int status;
    private final MultiMap headers;
    private final Buffer body;

    Res(int status, MultiMap headers, Buffer body) {
      this.status = status;
      this.headers = headers;
      this.body = body == null ? Buffer.buffer() : body;
    }

    public int status() {
      return status;
    }

    public String header(String name) {
      return headers.get(name);
    }

    public Buffer body() {
      return body;
    }

    public JsonObject json() {
      return body.length() == 0 ? null : new JsonObject(body);
    }

    public JsonArray jsonArray() {
      return new JsonArray(body);
    }

    /** The error code of an error answer ({@code error.code}). */
    public String errorCode() {
      JsonObject j = json();
      return j == null || j.getJsonObject("error") == null ? null : j.getJsonObject("error").getString("code");
    }

    /**
     * Checks that this is an error answer with {@code status} in the one error shape
     * {@code {"error": {code, message, details}, "reqId"}} (code and message not blank, reqId the
     * x-request-id header); returns this answer for further checks.
     */
    public Res assertError(int status) {
      org.assertj.core.api.Assertions.assertThat(this.status).as(toString()).isEqualTo(status);
      JsonObject j = json();
      org.assertj.core.api.Assertions.assertThat(j).as(toString()).isNotNull();
      org.assertj.core.api.Assertions.assertThat(j.getJsonObject("error").getString("code")).isNotBlank();
      org.assertj.core.api.Assertions.assertThat(j.getJsonObject("error").getString("message")).isNotBlank();
      org.assertj.core.api.Assertions.assertThat(j.getString("reqId")).isEqualTo(header("x-request-id"));
      return this;
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** A clock tests can move. */
  public static final class MutableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozen;

    public void advance(Duration d) {
      offset = offset.plus(d);
    }

    /**
     * Stops the clock at its present reading ({@link #advance} still moves it), so that a test can put it
     * on an exact instant, one second before a deadline say, without real time slipping past it.
     */
    public void freeze() {
      frozen = Instant.now();
    }

    /** Lets the clock run with real time again (keeping the offset {@link #advance} gave it). */
    public void thaw() {
      frozen = null;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      Instant at = frozen;
      return (at != null ? at : Instant.now()).plus(offset);
    }
  }
}
