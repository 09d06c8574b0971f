package org.communityplatform.core.ops;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.communityplatform.core.bus.ApiError;
import org.communityplatform.core.gateway.Replies;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (the {@code metrics} section): vertx-micrometer-metrics reports the HTTP
 * server, event bus, SQL pool and JVM into one {@link PrometheusMeterRegistry}, and the gateway adds
 * {@code platform_operation_seconds}, a latency histogram per API operation labelled only with
 * {@code operationId} and {@code status} class (2xx..5xx), so the label set stays bounded.
 */
public final class Metrics {

  /** The histogram of API operations' latencies. */
  public static final String OPERATION_TIMER = "platform.operation";

  private final PrometheusMeterRegistry registry;
  private final String token;

  private Metrics(PrometheusMeterRegistry registry, String token) {
    this.registry = registry;
    this.token = token;
  }

  /** Metrics for {@code metrics} config, or null when {@code metrics.enabled} is false. */
  public static Metrics create(JsonObject config) {
    if (config == null || !config.getBoolean("enabled", true)) {
      return null;
    }
    return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.getString("token", ""));
  }

  /** Sets the Vert.x metrics options (JVM included) and returns the factory reporting into this registry. */
  public MicrometerMetricsFactory install(VertxOptions options) {
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    return new MicrometerMetricsFactory(registry);
  }

  /** {@code builder.withMetrics(...)} when metrics are on. */
  public static VertxBuilder apply(Metrics metrics, VertxBuilder builder, VertxOptions options) {
    if (metrics == null) {
      return builder.with(options);
    }
    MicrometerMetricsFactory factory = metrics.install(options);
    return builder.with(options).withMetrics(factory);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * The timers of each operation by status class (index 1..5 for 1xx..5xx), registered once: looking a
   * meter up in the registry runs every meter filter and hashes the tags, on every request otherwise.
   * Bounded by the contract's operations.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Timer[]> operationTimers = new java.util.concurrent.ConcurrentHashMap<>();

  /** Records one API operation's latency. */
  public void recordOperation(String operationId, int status, long nanos) {
    int statusClass = Math.max(1, Math.min(5, status / 100));
    Timer[] timers = operationTimers.computeIfAbsent(operationId, id -> new Timer[6]);
    Timer t = timers[statusClass];
    if (t == null) {
      // a race registers the same meter twice: the registry answers the same Timer to both
      t = Timer.builder(OPERATION_TIMER)
        .description("Latency of API operations through the gateway, from the first byte read to the answer written")
        .tags("operationId", operationId, "status", statusClass + "xx")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
      timers[statusClass] = t;
    }
    t.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** GET /metrics: the Prometheus text format; 401 without the configured bearer token. */
  public void handle(RoutingContext ctx) {
    if (!token.isEmpty()) {
      String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
      if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
        Replies.error(ctx, ApiError.unauthorized("the metrics token is required"));
        return;
      }
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
      .end(registry.scrape());
  }
}
