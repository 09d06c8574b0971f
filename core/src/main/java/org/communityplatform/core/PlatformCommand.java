package org.communityplatform.core;

import org.communityplatform.core.config.ConfigException;
import org.communityplatform.core.ops.BuildInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The command line of {@code java -jar community-platform.jar} (picocli): {@code --config FILE},
 * {@code --version}, {@code --help}. Starts the platform and stops it gracefully on SIGTERM / Ctrl-C
 * (see {@link Platform#stop()}).
 */
@Command(name = "community-platform", mixinStandardHelpOptions = true, versionProvider = PlatformCommand.Version.class,
  description = "Runs the community platform: HTTP API, modules, and an embedded PostgreSQL unless db.url or "
    + "db.host names one. Every configuration key can also be set with PLATFORM_<KEY_PATH> environment "
    + "variables or -Dplatform.<key.path> system properties (see docs/OPERATIONS.md).")
public final class PlatformCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

  @Option(names = "--config", paramLabel = "FILE",
    description = "YAML file with the keys to change (default: $PLATFORM_CONFIG, else ./config/platform.yaml if present)")
  String config;

  @Option(names = "--cds-training", hidden = true, paramLabel = "DIR",
    description = "The build's class-data-sharing training run (app/pom.xml): start with the built-in defaults only "
      + "(no config file, no PLATFORM_* variables, no -Dplatform.* properties), an embedded PostgreSQL in DIR and "
      + "HTTP on a free loopback port; answer one request to /api/health; stop; exit 0.")
  java.nio.file.Path cdsTraining;

  /** The version line of --version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      BuildInfo b = BuildInfo.current();
      return new String[] {"community-platform " + b.version(), "commit " + b.commit(),
        "built " + b.buildTime(), "Java " + System.getProperty("java.version")};
    }
  }

  public static void main(String[] args) {
    PlatformCommand command = new PlatformCommand();
    CommandLine cli = new CommandLine(command);
    int code = cli.execute(args);
    if (code != 0 || command.cdsTraining != null) {
      System.exit(code);
    }
  }

  /** The training run's whole configuration beside the defaults: nothing of the developer's environment. */
  private static io.vertx.core.json.JsonObject trainingOverrides(java.nio.file.Path dir) {
    String d = dir.toAbsolutePath().toString();
    return new io.vertx.core.json.JsonObject()
      .put("data", new io.vertx.core.json.JsonObject().put("dir", d))
      // a throw-away key: no development key generated (and warned about) during the build
      .put("auth", new io.vertx.core.json.JsonObject().put("jwt", new io.vertx.core.json.JsonObject()
        .put("secret", java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID())))
      .put("db", new io.vertx.core.json.JsonObject().put("url", "").put("host", "")
        .put("embedded", new io.vertx.core.json.JsonObject().put("dir", d + "/postgres").put("port", 0)))
      .put("http", new io.vertx.core.json.JsonObject().put("port", 0).put("host", "127.0.0.1"))
      .put("metrics", new io.vertx.core.json.JsonObject().put("port", 0))
      .put("cluster", new io.vertx.core.json.JsonObject().put("enabled", false))
      .put("log", new io.vertx.core.json.JsonObject().put("level", "warn")
        .put("levels", new io.vertx.core.json.JsonObject().put("access", "warn")));
  }

  /** One request through the gateway (so its classes load too), then a graceful stop; 0 when both worked. */
  private static int smokeAndStop(Platform platform) {
    int status = -1;
    try {
      // their classes belong in the archive too
      platform.validatorsBuilt().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn("--cds-training: the request validators were not all built: {}", e.toString());
    }
    if (platform.httpPort() > 0) {
      try {
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build();
        status = client.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + platform.httpPort() + "/api/health"))
            .timeout(java.time.Duration.ofSeconds(30)).build(),
          java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        LOG.warn("--cds-training: GET /api/health failed: {}", e.toString());
      }
    }
    boolean served = platform.httpPort() <= 0 || status == 200;
    try {
      platform.stop().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.warn("--cds-training: stop failed: {}", e.toString());
      return 1;
    }
    return served ? 0 : 1;
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Platform platform;
    try {
      platform = (cdsTraining == null
        ? Platform.start(config, System.getenv(), System.getProperties(), null, Clock.systemUTC())
        : Platform.start(null, java.util.Map.of(), new java.util.Properties(), trainingOverrides(cdsTraining), Clock.systemUTC()))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ConfigException || cause instanceof IllegalArgumentException) {
        System.err.println("start-up failed: " + cause.getMessage());
      } else {
        LOG.error("start-up failed", cause);
      }
      return 1;
    }
    // "platform ready in" is what scripts and the cluster tests wait for: keep the phrase
    LOG.info("platform ready in {} ms ({}): community-platform {}", (System.nanoTime() - t0) / 1_000_000,
      platform.startupPhases(), BuildInfo.current().describe());
    if (cdsTraining != null) {
      return smokeAndStop(platform);
    }
    long drain = platform.config().getJsonObject("shutdown").getLong("drainSeconds", 20L);
    long notice = platform.config().getJsonObject("shutdown").getLong("readinessDelaySeconds", 0L);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stop requested: draining requests in flight (up to {} s)", drain);
      try {
        platform.stop().toCompletionStage().toCompletableFuture().get(notice + drain + 60, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not complete cleanly: {}", e.toString());
      }
    }, "platform-shutdown"));
    return 0;
  }
}
