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
    CommandLine cli = new CommandLine(new PlatformCommand());
    int code = cli.execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Platform platform;
    try {
      platform = Platform.start(config, System.getenv(), System.getProperties(), null, Clock.systemUTC())
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
    LOG.info("platform ready in {} ms: community-platform {}", (System.nanoTime() - t0) / 1_000_000, BuildInfo.current().describe());
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
