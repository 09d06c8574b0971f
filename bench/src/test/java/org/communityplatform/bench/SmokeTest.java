package org.communityplatform.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench's smoke mode as part of {@code mvn verify}: an embedded PostgreSQL, the platform jar as a
 * process, a tiny data set, every measured endpoint once (plus the baseline); fails on any non-2xx.
 * About 30 s on two cores (no wrk, no cluster); the full benchmark never runs here.
 *
 * <p>Needs {@code app/target/community-platform.jar}: in the reactor the app module is packaged
 * before this one. Built alone ({@code mvn -pl bench verify}) without the jar, the test is skipped.
 */
class SmokeTest {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyEndpointAnswers2xx() {
    Path root = Path.of("").toAbsolutePath();
    if (root.getFileName().toString().equals("bench")) {
      root = root.getParent();
    }
    Path jar = root.resolve("app/target/community-platform.jar");
    Assumptions.assumeTrue(Files.isRegularFile(jar), "no platform jar at " + jar + ": build app first");
    int rc = Bench.run(new String[] {"--smoke", "--root", root.toString(), "--jar", jar.toString(),
      "--work", root.resolve("bench/work/smoke-test").toString()});
    assertThat(rc).as("bench --smoke exit code (see the output above for the failing endpoint)").isZero();
  }
}
